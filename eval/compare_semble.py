#!/usr/bin/env python3
"""Paired comparison of two semble-protocol runs (the --json files of `codesearch eval --semble`).

    eval/compare_semble.py BEFORE.json AFTER.json [--resamples 10000] [--seed 13]

Prints AFTER minus BEFORE for the benchmark's headline figure (the mean over repositories of each
repository's mean NDCG@10) and for each query category, with a 95% percentile-bootstrap interval:
each resample draws every repository's queries again with replacement (the same draw for both runs,
so the interval is of the difference) and recomputes the mean of repository means. Both runs must
cover the same repositories and queries.
"""
import argparse
import json
import random
import sys


def per_query(path):
    """{(repo, query): (category, ndcg10)} of one run."""
    with open(path) as f:
        run = json.load(f)
    scores = {}
    for repo in run["repos"]:
        for q in repo.get("queries", []):
            scores[(repo["name"], q["query"])] = (q["category"], q["ndcg10"])
    return scores


def mean_of_repo_means(rows):
    """rows: [(repo, difference)]; the mean over repositories of their mean difference."""
    by_repo = {}
    for repo, value in rows:
        by_repo.setdefault(repo, []).append(value)
    return sum(sum(v) / len(v) for v in by_repo.values()) / len(by_repo) if by_repo else float("nan")


def bootstrap(rows, resamples, rng):
    by_repo = {}
    for repo, value in rows:
        by_repo.setdefault(repo, []).append(value)
    means = []
    for _ in range(resamples):
        total = 0.0
        for values in by_repo.values():
            total += sum(rng.choice(values) for _ in values) / len(values)
        means.append(total / len(by_repo))
    means.sort()
    return means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--resamples", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    before, after = per_query(args.before), per_query(args.after)
    if before.keys() != after.keys():
        sys.exit("compare_semble: the two runs do not cover the same queries")
    rng = random.Random(args.seed)
    groups = {"all": list(before)}
    for key, (category, _) in before.items():
        groups.setdefault(category, []).append(key)
    print("| queries | n | before | after | after - before | 95% interval |")
    print("|---|---|---|---|---|---|")
    for name, keys in groups.items():
        b = mean_of_repo_means([(k[0], before[k][1]) for k in keys])
        a = mean_of_repo_means([(k[0], after[k][1]) for k in keys])
        diffs = [(k[0], after[k][1] - before[k][1]) for k in keys]
        low, high = bootstrap(diffs, args.resamples, rng)
        print(f"| {name} | {len(keys)} | {b:.4f} | {a:.4f} | {a - b:+.4f} | [{low:+.4f}, {high:+.4f}] |")


if __name__ == "__main__":
    main()
