#!/usr/bin/env python3
"""Checks that the code follows the layering ARCHITECTURE.md states.

ARCHITECTURE.md holds, between the markers `<!-- layering -->` and
`<!-- /layering -->`, one line per library folder: `folder: dependencies`.
This script checks, for every library folder:
  * each `#include "X/..."` in its sources names the folder itself or one of
    its dependencies (the per-library include directories make a violation a
    build error as well; this check also covers files the build does not
    compile, such as headers nobody includes yet);
  * the cs_ libraries its CMakeLists.txt links reach (transitively) exactly
    its dependencies (`support`, header-only, aside), so the build graph and
    the document cannot drift apart;
  * tests/<folder>/ and bench/ include only what their executables link.
Exit status 0 when everything matches, 1 with one line per violation.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)
LINK = re.compile(r'target_link_libraries\(\s*(cs_[a-z_]+)\s+(?:PUBLIC|PRIVATE|INTERFACE)([^)]*)\)', re.S)


def declared_graph():
    text = open(os.path.join(ROOT, "ARCHITECTURE.md"), encoding="utf-8").read()
    block = re.search(r"<!-- layering -->(.*?)<!-- /layering -->", text, re.S)
    if not block:
        sys.exit("ARCHITECTURE.md has no <!-- layering --> block")
    graph = {}
    for line in block.group(1).splitlines():
        line = line.strip().strip("`")
        m = re.match(r"^([a-z_]+):\s*(.*)$", line)
        if m:
            graph[m.group(1)] = set(m.group(2).split())
    return graph


def sources(folder):
    for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, folder)):
        dirnames[:] = [d for d in dirnames if d not in ("node_modules", "grammars", "fixtures")]
        for name in filenames:
            if name.endswith((".h", ".cpp", ".hpp")):
                yield os.path.join(dirpath, name)


def include_violations(folder, allowed):
    for path in sources(folder):
        text = open(path, encoding="utf-8", errors="replace").read()
        for m in INCLUDE.finditer(text):
            target = m.group(1)
            if target not in allowed:
                line = text.count("\n", 0, m.start()) + 1
                yield f"{os.path.relpath(path, ROOT)}:{line}: includes {target}/, but {folder} may use only {sorted(allowed)}"


def link_violations(folder, deps, graph):
    cmake = os.path.join(ROOT, folder, "CMakeLists.txt")
    if not os.path.exists(cmake):
        yield f"{folder}/CMakeLists.txt is missing"
        return
    linked = set()
    for target, libs in LINK.findall(open(cmake, encoding="utf-8").read()):
        if target == f"cs_{folder}":
            linked |= {lib[3:] for lib in libs.split() if lib.startswith("cs_") and lib[3:] in graph}
    # CMake links transitively: what the links reach must be what the document allows.
    reached = set().union(*(closure(graph, lib) for lib in linked)) if linked else set()
    reached.discard("support")
    expected = {d for d in deps if d != "support"}
    if reached != expected:
        yield (f"{folder}/CMakeLists.txt links {sorted(linked)}, reaching {sorted(reached)}; "
               f"ARCHITECTURE.md says {sorted(expected)}")


def closure(graph, folder):
    seen, todo = set(), [folder]
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        todo.extend(graph.get(f, ()))
    return seen


def main():
    graph = declared_graph()
    problems = []
    for folder, deps in graph.items():
        unknown = deps - graph.keys()
        if unknown:
            problems.append(f"ARCHITECTURE.md: {folder} depends on unknown {sorted(unknown)}")
        if folder in closure(graph, folder) - {folder} or any(folder in closure(graph, d) for d in deps):
            problems.append(f"ARCHITECTURE.md: {folder} is part of a cycle")
        problems += include_violations(folder, deps | {folder})
        problems += link_violations(folder, deps, graph)
    # Test folders see what their executable links (tests/CMakeLists.txt: one suite per library).
    for folder in graph:
        if os.path.isdir(os.path.join(ROOT, "tests", folder)):
            problems += include_violations(os.path.join("tests", folder), closure(graph, folder))
    for line in problems:
        print(line)
    print(f"layering: {len(graph)} libraries, {len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
