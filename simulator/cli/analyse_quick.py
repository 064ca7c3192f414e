"""`analyse --random-only` and `analyse --watch`: the quick loop a trainer runs while writing.

--random-only prints only the seeded random-play distribution (outcomes, grades, overall
percentiles, pass rate, measured difficulty): the same numbers as the full report for the
same --seed and --runs, in a fraction of the time.

--watch FILE… analyses the files once, then again each time one is saved (its size or
modification time changes), until Ctrl-C, which ends it with exit 0. With --random-only it
re-runs only the distribution; otherwise the full report with its gates. A save that breaks
the file prints its diagnostics and the watch goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

POLL_S = 0.05  # how often the files are looked at; a save shows within a frame or two


def print_random_only(args: argparse.Namespace, loaded) -> bool:
    """Print the distribution of every loaded scenario; False when one could not be played."""
    from simulator.engine.analysis import measured_difficulty, random_only
    from simulator.engine.analysis_budget import BudgetExceeded

    ok, documents = True, []
    for scenario in loaded.scenarios:
        try:
            random = random_only(scenario, loaded.catalog, runs=args.runs, seed=args.seed,
                                 memory_limit_mb=args.memory_limit, time_limit=args.time_limit)
        except (BudgetExceeded, ValueError) as error:
            print(f"customer-sim analyse: {scenario.path}: random play not run ({error})", file=sys.stderr)
            ok = False
            continue
        measured = measured_difficulty(random)
        if args.format == "json":  # (with --runs 0, as the full report: no distribution)
            documents.append({"scenario": scenario.id, "path": str(scenario.path), "difficulty": scenario.difficulty,
                              "measured_difficulty": measured, "random_play": random.as_json() if random.runs else None})
            continue
        if not random.runs:  # nothing was played: no median, grade or difficulty to speak of
            print(f"{scenario.path}: 0 random play-throughs (--runs 0): nothing measured", flush=True)
            continue
        rate = random.passed / random.runs
        grades = ", ".join(f"{letter} {count:,}" for letter, count in random.grades.items() if count)
        outcomes = ", ".join(f"{name} {count:,}" for name, count in random.outcomes.items() if count)
        print(f"{scenario.path}: {random.runs:,} random play-throughs (seed {random.seed})\n"
              f"  overall  median {random.median:g} ({random.median_grade}), p10 {random.p10:g}, "
              f"p90 {random.p90:g}, mean {random.mean:.2f}\n"
              f"  passed   {random.passed:,} ({rate:.1%}); difficulty declared {scenario.difficulty}, "
              f"measured {measured}\n"
              f"  grades   {grades}\n"
              f"  outcomes {outcomes}", flush=True)
    if args.format == "json":
        sys.stdout.write(json.dumps({"settings": {"seed": args.seed, "runs": args.runs}, "random_only": documents},
                                    indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return ok


def _stamp(paths: list[Path]) -> tuple:
    out = []
    for path in paths:
        try:
            info = os.stat(path)
            out.append((info.st_mtime_ns, info.st_size))
        except OSError:
            out.append(None)  # gone for a moment while an editor saves: seen as a change
    return tuple(out)


def watch(args: argparse.Namespace, analyse_once) -> int:
    """Run `analyse_once(args)` now and after every save, until interrupted (exit 0)."""
    from simulator.cli.scenario_input import expand_paths

    files, error = expand_paths(list(args.scenarios))
    if error:
        print(f"customer-sim analyse: error: {error}", file=sys.stderr)
        return 2
    last = _stamp(files)
    try:
        analyse_once(args)
        print(f"-- watching {len(files)} file(s); save to re-analyse, Ctrl-C to stop", flush=True)
        while True:
            time.sleep(POLL_S)
            now = _stamp(files)
            if now == last:
                continue
            # only the files that were saved: one edited scenario of a library is one analysis
            changed = [str(path) for path, before, after in zip(files, last, now) if before != after]
            last = now
            started = time.perf_counter()
            print(f"-- {time.strftime('%H:%M:%S')} saved {', '.join(changed)}; analysing again", flush=True)
            analyse_once(argparse.Namespace(**{**vars(args), "scenarios": changed}))
            print(f"-- analysed in {time.perf_counter() - started:.2f} s; watching", flush=True)
    except KeyboardInterrupt:
        print("-- stopped watching", flush=True)
        return 0
