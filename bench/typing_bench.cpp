// Typing benchmark: an editor typing into a large open file, as issue #18
// measures it. Prints
//   - per keystroke in a ~5,000-line file: CPU time of the tree-sitter parse
//     (old tree reused) and of the whole incremental extraction, next to a full
//     re-parse + extraction (in-process, Extractor with a ParsedFile); a
//     statement typed a character at a time at five places, with backspaces,
//     with brackets auto-closed as editors do and without;
//   - edit -> fresh result through the real daemon over LSP: 20 keystrokes a
//     second into an open 5,000-line Python buffer of a workspace of N chunks,
//     the time from each didChange until codeSearch/query returns the word
//     just typed (p50 / p99), at each --sizes N.
// Usage: typing_bench [--files a.c,b.py] [--sizes 10000,800000] [--keystrokes N] [--no-model] [--skip-daemon]
// Run from the repository root (the daemon finds the shipped model there).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "bench_support.h"
#include "indexer/extractor.h"

namespace {

using namespace cs::test;
using cs::bench::Clock;
using cs::bench::ms;
using cs::bench::percentile;

double threadCpuMs() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / v.size();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A Python module of `functions` documented functions, 20 lines each.
std::string syntheticPython(size_t functions, size_t tag) {
  static const char* kVerbs[] = {"parse", "load", "save", "render", "fetch", "merge", "split", "encode"};
  static const char* kNouns[] = {"config", "token", "request", "header", "matrix", "user", "session", "cache"};
  std::ostringstream out;
  out << "import os\nimport sys\n\n";
  for (size_t i = 0; i < functions; ++i) {
    const char* v = kVerbs[(i * 7 + tag) % 8];
    const char* n = kNouns[(i * 3 + tag) % 8];
    out << "def " << v << "_" << n << "_" << tag << "_" << i << "(" << n << ", options=None):\n"
        << "    \"\"\"" << v << " the " << n << " with the given options.\"\"\"\n"
        << "    result = []\n"
        << "    for item in " << n << ":\n"
        << "        if item is None:\n"
        << "            continue\n"
        << "        value = item." << v << "(options)\n"
        << "        if value:\n"
        << "            result.append(value)\n"
        << "        else:\n"
        << "            result.append(None)\n"
        << "    total = len(result)\n"
        << "    if total == 0:\n"
        << "        raise ValueError('" << n << "')\n"
        << "    return result\n"
        << "\n\n\n\n\n";
  }
  return out.str();
}

bool isCLike(const std::string& language) { return language != "python" && language != "ruby" && language != "elixir"; }

// The line after which to type: from `fraction` of the file on, the first
// indented line of a body that ends a statement.
size_t typingOffset(const std::string& text, double fraction, const std::string& language) {
  size_t at = text.find('\n', static_cast<size_t>(text.size() * fraction));
  while (at != std::string::npos && at + 1 < text.size()) {
    size_t end = text.find('\n', at + 1);
    if (end == std::string::npos) break;
    std::string_view line(text.data() + at + 1, end - at - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool indented = line.size() > 4 && (line[0] == ' ' || line[0] == '\t');
    const char last = line.empty() ? 0 : line.back();
    if (indented && (isCLike(language) ? last == ';' : (last != ':' && last != '\\' && last != ','))) return end;
    at = end;
  }
  return text.size();
}

struct Keystroke {
  cs::TextEdit edit;
};

// "\n" and the indentation of the line that ends at `line_end`: what an editor inserts on Enter.
std::string newLineAt(const std::string& text, size_t line_end) {
  const size_t start = line_end == 0 ? 0 : text.rfind('\n', line_end - 1) + 1;
  size_t indent = start;
  while (indent < line_end && (text[indent] == ' ' || text[indent] == '\t')) ++indent;
  return "\n" + text.substr(start, indent - start);
}

// An editor typing a statement after three lines of the file, a character at a time, with backspaces.
// With `autoclose`, as editors do by default: '(' inserts "()" and typing ')' steps over it.
std::vector<Keystroke> typingScript(const std::string& text, const std::string& language, size_t keystrokes,
                                    bool autoclose) {
  const std::string statement = language == "php"    ? "$total_bytes = $this->computeTotal($items, 42);"
                                : language == "go"   ? "totalBytes = computeTotal(items, 42)"
                                : isCLike(language) ? "total_bytes = compute_total(items, 42);"
                                                     : "total_bytes = compute_total(items, 42)";
  std::vector<Keystroke> script;
  std::string current = text;
  for (double fraction : {0.5, 0.25, 0.75, 0.1, 0.9}) {
    size_t at = typingOffset(current, fraction, language);
    auto type = [&](const std::string& s) {
      script.push_back({cs::TextEdit{static_cast<uint32_t>(at), static_cast<uint32_t>(at), s}});
      current.insert(at, s);
      at += s.size();
    };
    type(newLineAt(current, at));  // Enter, with the editor's indentation
    size_t closers = 0;  // auto-closed brackets waiting to be typed over
    for (char c : statement) {
      if (autoclose && closers > 0 && c == ')') {  // typing over the auto-inserted ')': the cursor moves
        ++at;
        --closers;
      } else if (autoclose && c == '(') {
        type("()");
        --at;
        ++closers;
      } else {
        type(std::string(1, c));
      }
    }
    for (int i = 0; i < 8; ++i) {  // backspaces, then type them again
      script.push_back({cs::TextEdit{static_cast<uint32_t>(at - 1), static_cast<uint32_t>(at), ""}});
      current.erase(at - 1, 1);
      --at;
    }
    for (char c : statement.substr(statement.size() - 8)) type(std::string(1, c));
    if (script.size() >= keystrokes) break;
  }
  script.resize(std::min(script.size(), keystrokes));
  return script;
}

void benchParse(const std::string& label, const std::string& path, std::string text, size_t keystrokes,
                bool autoclose) {
  auto language = cs::languageForSource(path, text);
  if (!language) return;
  cs::Extractor incremental, full;
  cs::ParsedFile parsed;
  auto first = incremental.extract(path, text, *language, parsed, {});
  const size_t lines = std::count(text.begin(), text.end(), '\n');
  std::vector<double> parse_cpu, extract_cpu, full_cpu;
  size_t with_errors = 0, healed = 0, not_incremental = 0;
  for (const Keystroke& k : typingScript(text, *language, keystrokes, autoclose)) {
    text.replace(k.edit.start_byte, k.edit.old_end_byte - k.edit.start_byte, k.edit.new_text);
    cs::IncrementalStats stats;
    const double t0 = threadCpuMs();
    auto chunks = incremental.extract(path, text, *language, parsed, {k.edit}, &stats);
    extract_cpu.push_back(threadCpuMs() - t0);
    parse_cpu.push_back(stats.parse_cpu_ms);
    with_errors += stats.syntax_errors;
    healed += stats.full_reason == "syntax errors resolved";
    not_incremental += !stats.incremental;
    if (extract_cpu.size() % 10 == 1) {
      const double t1 = threadCpuMs();
      auto reference = full.extract(path, text, *language);
      full_cpu.push_back(threadCpuMs() - t1);
    }
  }
  std::printf("%-22s %-10s %5zu lines %4zu chunks  parse p50 %.2f mean %.2f p99 %.2f max %.2f ms | incremental extract "
              "p50 %.2f p99 %.2f ms | full re-parse+extract p50 %.1f ms | %zu keystrokes, %zu with syntax errors, %zu fully "
              "re-extracted (%zu after errors resolved)\n",
              label.c_str(), language->c_str(), lines, first.ok() ? first->size() : 0, percentile(parse_cpu, 0.5),
              mean(parse_cpu), percentile(parse_cpu, 0.99), percentile(parse_cpu, 1.0), percentile(extract_cpu, 0.5),
              percentile(extract_cpu, 0.99), percentile(full_cpu, 0.5), parse_cpu.size(), with_errors, not_incremental,
              healed);
}

// Writes `chunks` functions of synthetic Python (50 per file) plus the 5,000-line buffer file.
void writeWorkspace(TempWorkspace& ws, size_t chunks) {
  for (size_t f = 0; f * 50 < chunks; ++f)
    ws.write("pkg" + std::to_string(f / 200) + "/mod" + std::to_string(f) + ".py", syntheticPython(50, f));
  ws.write("big/editing.py", syntheticPython(250, 999999));
}

// LSP position of byte `offset` (ASCII text: columns are bytes and UTF-16 units alike).
Json positionOf(const std::string& text, size_t offset) {
  const size_t line = std::count(text.begin(), text.begin() + offset, '\n');
  const size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const size_t column = offset == 0 || line_start == std::string::npos ? offset : offset - line_start - 1;
  return Json{{"line", line}, {"character", column}};
}

// Types a fresh identifier into the open buffer, 20 keystrokes a second, and
// measures each keystroke's didChange -> the query for the word typed so far
// returning a hit. Letters without Snowball suffix candidates, so the stem is the word.
void typeAndPoll(LspTestClient& client, const std::string& uri, std::string& text, int& version, size_t keystrokes,
                 std::vector<double>& fresh, std::vector<double>& probe) {
  static const std::string kLetters = "bcfhjkmpqrtvwxz";
  std::mt19937 rng(5);
  size_t at = typingOffset(text, 0.5, "python");
  std::string word;
  auto send = [&](const cs::TextEdit& edit) {
    Json change = {{"range", {{"start", positionOf(text, edit.start_byte)}, {"end", positionOf(text, edit.old_end_byte)}}},
                   {"text", edit.new_text}};
    text.replace(edit.start_byte, edit.old_end_byte - edit.start_byte, edit.new_text);
    client.notify("textDocument/didChange",
                  Json{{"textDocument", {{"uri", uri}, {"version", ++version}}}, {"contentChanges", Json::array({change})}});
  };
  auto newLine = [&] {
    const std::string line = newLineAt(text, at) + "total = zq";
    send({static_cast<uint32_t>(at), static_cast<uint32_t>(at), line});
    at += line.size();
    word = "zq";
  };
  newLine();
  auto next_tick = Clock::now();
  for (size_t k = 0; k < keystrokes; ++k) {
    next_tick += std::chrono::milliseconds(50);
    if (word.size() > 12) newLine();  // a new word on a new line
    const std::string letter(1, kLetters[rng() % kLetters.size()]);
    const auto t0 = Clock::now();
    send({static_cast<uint32_t>(at), static_cast<uint32_t>(at), letter});
    ++at;
    word += letter;
    while (ms(Clock::now() - t0) < 5000) {
      const auto q0 = Clock::now();
      auto r = client.request("codeSearch/query", Json{{"query", word}, {"limit", 1}, {"mode", "lexical"}});
      probe.push_back(ms(Clock::now() - q0));
      if (r && r->contains("result") && !(*r)["result"]["results"].empty()) break;
    }
    fresh.push_back(ms(Clock::now() - t0));
    std::this_thread::sleep_until(next_tick);
  }
}

void benchFreshness(size_t chunks, size_t keystrokes, bool model) {
  TempWorkspace ws;
  writeWorkspace(ws, chunks);
  std::vector<std::string> args = {"serve", "--no-cache", "--index-threads", "2"};
  if (!model) args.push_back("--no-model");
  LspTestClient client(args);
  const auto start = Clock::now();
  client.initialize(ws.root());
  Json status = client.waitIdle(std::chrono::minutes(60), chunks / 2);
  const double index_s = ms(Clock::now() - start) / 1000;
  // Typing is measured once the HNSW graph answers, as in steady use.
  const double graph_s = cs::bench::waitForGraph(client, status["chunks"].get<size_t>(), model);
  std::string text = readFile(ws.root() + "/big/editing.py");
  const std::string uri = ws.uri("big/editing.py");
  int version = 1;
  client.notify("textDocument/didOpen",
                Json{{"textDocument", {{"uri", uri}, {"languageId", "python"}, {"version", version}, {"text", text}}}});
  client.waitIdle();
  std::vector<double> fresh, probe;
  typeAndPoll(client, uri, text, version, keystrokes, fresh, probe);
  const size_t lines = std::count(text.begin(), text.end(), '\n');
  std::printf("index %zu chunks (%.0f s to index, graph %.0f s more, %s): typing 20/s into a %zu-line buffer: edit -> fresh p50 %.1f ms, "
              "p99 %.1f ms, max %.1f ms (%zu keystrokes); probe query p50 %.2f ms\n",
              status["chunks"].get<size_t>(), index_s, graph_s, model ? "hybrid model" : "no model", lines,
              percentile(fresh, 0.5), percentile(fresh, 0.99), percentile(fresh, 1.0), fresh.size(),
              percentile(probe, 0.5));
  client.shutdownAndExit();
}

std::vector<std::string> splitList(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  std::vector<size_t> sizes = {10000};
  size_t keystrokes = 200;
  bool model = true, daemon = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--files" && i + 1 < argc) files = splitList(argv[++i]);
    else if (a == "--sizes" && i + 1 < argc) {
      sizes.clear();
      for (const auto& s : splitList(argv[++i])) sizes.push_back(std::stoul(s));
    } else if (a == "--keystrokes" && i + 1 < argc) keystrokes = std::stoul(argv[++i]);
    else if (a == "--no-model") model = false;
    else if (a == "--skip-daemon") daemon = false;
  }
  std::printf("# codesearch typing benchmark\n# command:");
  for (int i = 0; i < argc; ++i) std::printf(" %s", argv[i]);
  std::printf("\n# parse and extraction CPU per keystroke (thread CPU time, one core)\n");
  for (bool autoclose : {true, false}) {
    std::printf("# %s\n", autoclose ? "brackets auto-closed, as editors do by default" : "every character typed, no auto-closing");
    benchParse("synthetic", "/bench/editing.py", syntheticPython(250, 999999), keystrokes, autoclose);
    for (const auto& path : files) {
      const size_t slash = path.rfind('/');
      benchParse(path.substr(slash == std::string::npos ? 0 : slash + 1), path, readFile(path), keystrokes, autoclose);
    }
  }
  if (!daemon) return 0;
  std::printf("# edit -> fresh result through the daemon (LSP over pipes, codeSearch/query polled in lexical mode)\n");
  for (size_t n : sizes) benchFreshness(n, keystrokes, model);
  return 0;
}
