"""`customer-sim analyse SCENARIO…`: prove a scenario is fair before trainees see it.

Per scenario: reachability, dead ends, which endings play can reach, best and worst
play-throughs (as `run --choices` numbers, in authored order: the game shuffles the replies,
and the report says so) with grades, skill chances per path, a seeded random-play
distribution, the moods each node is reached in and the line it shows then, the surface
strategies (play that reads only the screen, in the game's shuffled order), the play
warnings (S4xx) and every quality gate (`quality_gates.GATES`), each failure with the
`customer-sim run` command that replays it. Given several files or a folder it also prints
a summary table of the whole library.

--format json prints one object, byte-identical for the same input and options:
  {"settings": {...}, "scenarios": [<analysis>, ...], "library": [<row>, ...]}
("library" is present, with one row per scenario, whenever more than one scenario or a folder
was given; otherwise null). Scenarios appear in argument order, folders sorted by file name.

--random-only and --watch: see analyse_quick.py.

Exit: 0 analysed (gate failures are reported, not fatal, unless --check); 1 a scenario is
invalid (diagnostics printed, the valid ones are still analysed) or, with --check, a gate
failed; 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "analyse scenarios: reachability, dead ends, best/worst paths, random-play scores, quality gates"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_RUNS = 1_000_000


def _count(low: int, what: str):
    def parse(text: str) -> int:
        shown = text if len(text) <= 40 else text[:37] + "..."  # 6,000 digits are not echoed whole
        digits = text.strip().lstrip("+-")
        if digits.isdigit() and len(digits.lstrip("0")) > 4000:  # int() refuses past 4,300 digits
            raise argparse.ArgumentTypeError(f"{what} {shown!r} has far too many digits")
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, got {shown!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{what} must be at least {low}, got {shown}")
        return value
    return parse


EPILOG = """\
random play: with rng = numpy.random.default_rng(SEED) and U = rng.random((RUNS, 60)),
  play-through k at turn t picks reply floor(U[k, t] * n) (0-based) among the n replies
  shown then; `customer-sim run --choices` replays any of them with the same result.
numbering: every --choices in this report counts replies in authored (file) order; the game
  shuffles them per attempt. A surface-strategy replay names its attempt seed:
  `customer-sim run FILE --seed N --choices ...` numbers replies as that attempt showed them.
quality gates: every ending reachable, every node reachable, no dead ends, best path graded A,
  worst path graded F, median random play below pass, each skill has --min-skill-chances
  chances on every complete path; the authoring guide's gates (no warnings, difficulty as
  measured, 15-40 nodes, delighted and walked-out/escalated endings, a note on every reply,
  two replies per node, lines that change with mood, walk_out and escalate triggers); every
  surface strategy (always first/middle/last shown, longest, shortest, says sorry, asks a
  question; median over seeds 1-50) grades below pass; no play warnings (S401 best path led
  by the longest reply, S402/S403 trigger traps).
json: {"settings": {...}, "scenarios": [...], "library": [...] or null}; byte-identical for
  the same files and options.
exit: 0 analysed (gate failures are reported; --check makes them exit 1), 1 invalid
  scenario (the valid ones are still analysed), 2 usage."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    from simulator.engine.analysis_defaults import (DEFAULT_MIN_SKILL_CHANCES, DEFAULT_RUNS, DEFAULT_SEED,
                                                    DEFAULT_SWEEP_LIMIT, DEFAULT_TREE_LIMIT)

    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                        help="scenario files, or folders (their top-level *.yaml files)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text: a readable report (default); json: one deterministic object")
    parser.add_argument("--seed", type=_count(0, "--seed"), default=DEFAULT_SEED,
                        help=f"seed for the random play-throughs (default {DEFAULT_SEED})")
    parser.add_argument("--runs", type=_count(0, "--runs"), default=DEFAULT_RUNS,
                        help=f"number of random play-throughs (default {DEFAULT_RUNS}; 0 skips random play)")
    parser.add_argument("--tree-limit", type=_count(1, "--tree-limit"), default=DEFAULT_TREE_LIMIT,
                        help=f"largest play tree (in prefixes) scored in full to find the true best and worst "
                             f"paths; larger trees use a beam search (default {DEFAULT_TREE_LIMIT:,})")
    parser.add_argument("--sweep-limit", type=_count(1, "--sweep-limit"), default=DEFAULT_SWEEP_LIMIT,
                        help=f"prefixes the unscored sweep may step to prove reachability, dead ends and "
                             f"skill chances (default {DEFAULT_SWEEP_LIMIT:,})")
    parser.add_argument("--min-skill-chances", type=_count(0, "--min-skill-chances"),
                        default=DEFAULT_MIN_SKILL_CHANCES,
                        help=f"chances per skill every complete path must offer (gate; default "
                             f"{DEFAULT_MIN_SKILL_CHANCES})")
    from simulator.engine.analysis_defaults import DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_S

    parser.add_argument("--memory-limit", type=_count(16, "--memory-limit"), default=DEFAULT_MEMORY_LIMIT_MB,
                        metavar="MB", help=f"memory each scenario's analysis may use; past it the report says "
                                           f"what was sampled instead of proven (default {DEFAULT_MEMORY_LIMIT_MB})")
    parser.add_argument("--time-limit", type=_count(1, "--time-limit"), default=int(DEFAULT_TIME_LIMIT_S),
                        metavar="SECONDS", help=f"time each scenario's analysis may take, the same way "
                                                f"(default {DEFAULT_TIME_LIMIT_S:.0f})")
    parser.add_argument("--paths", action="store_true",
                        help="also list every complete play-through found (can be long)")
    parser.add_argument("--check", action="store_true", help="exit 1 when any quality gate fails")
    parser.add_argument("--random-only", action="store_true",
                        help="only the seeded random-play distribution (the same numbers as the full report)")
    parser.add_argument("--jobs", type=_count(1, "--jobs"), default=0, metavar="N",
                        help="processes to use (default: the usable cores, at most 4): that many scenarios "
                             "analysed side by side, and a scenario's reachability sweep shared out between "
                             "that many once it is wide; each may use --memory-limit")
    parser.add_argument("--watch", action="store_true",
                        help="analyse again each time a file is saved, until Ctrl-C")


def _largest_first(scenarios, catalog) -> list[int]:
    """Scenario indices, the largest estimated play tree first (a few ms each: tree_size.py)."""
    from simulator.engine.batch_step import Stepper
    from simulator.engine.compiled import compile_scenario
    from simulator.engine.tree_size import estimated_prefixes

    sizes = []
    for scenario in scenarios:
        try:
            sizes.append(estimated_prefixes(Stepper(scenario, catalog, compile_scenario(scenario, catalog))))
        except ValueError:  # the analysis itself says what is wrong with it
            sizes.append(0.0)
    return sorted(range(len(scenarios)), key=lambda k: -sizes[k])


def run(args: argparse.Namespace) -> int:
    if getattr(args, "watch", False):
        from simulator.cli.analyse_quick import watch

        return watch(args, _run_once)
    return _run_once(args)


def _run_once(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simulator.cli.analyse_output import library_rows, render_library, render_text, report_json
    from simulator.cli.scenario_input import load_inputs, print_diagnostics
    from simulator.engine.analysis import analyse_with_tree
    from simulator.engine.analysis_budget import BudgetExceeded
    from simulator.engine.quality_gates import judge

    if args.runs > MAX_RUNS:
        print(f"customer-sim analyse: error: --runs {args.runs} is more than {MAX_RUNS:,}", file=sys.stderr)
        return EXIT_USAGE
    loaded = load_inputs(list(args.scenarios))
    if loaded.usage_error:
        print(f"customer-sim analyse: error: {loaded.usage_error}", file=sys.stderr)
        return EXIT_USAGE
    print_diagnostics(loaded.diagnostics)
    failed = loaded.failed
    if loaded.failed:
        print("customer-sim analyse: some input is not valid (see above)"
              + ("; analysing the valid scenarios" if loaded.scenarios else ""), file=sys.stderr)

    if getattr(args, "random_only", False):
        from simulator.cli.analyse_quick import print_random_only

        played = print_random_only(args, loaded)
        return EXIT_OK if played and not failed else EXIT_FAILED
    several = len(args.scenarios) > 1 or any(Path(p).is_dir() for p in args.scenarios)
    from simulator.cli.analyse_jobs import MAX_JOBS, Outcome, default_jobs, run_all

    # --jobs N: N scenarios side by side, and each one's reachability sweep shared out between N
    # processes once it is wide enough (one scenario, as --watch analyses, gets every core)
    processes = getattr(args, "jobs", 0) or default_jobs(MAX_JOBS)

    def work(scenario):
        def analyse_one() -> Outcome:
            stage = "not analysed"
            try:
                analysis, tree = analyse_with_tree(scenario, loaded.catalog, runs=args.runs, seed=args.seed,
                                                   tree_limit=args.tree_limit, sweep_limit=args.sweep_limit,
                                                   all_paths=args.paths, memory_limit_mb=args.memory_limit,
                                                   time_limit=args.time_limit, sweep_workers=processes)
                stage = "the quality gates were not judged"
                report = judge(scenario, analysis, tree, diagnostics=loaded.diagnostics,
                               min_skill_chances=args.min_skill_chances)
            except BudgetExceeded as error:  # too big to play even in samples within --memory-limit
                return Outcome(error=f"customer-sim analyse: {scenario.path}: {stage} within --memory-limit "
                                     f"{args.memory_limit} MB ({error}); raise --memory-limit or make the "
                                     f"scenario smaller")
            except ValueError as error:  # the scenario and the data files disagree in a way the loader missed
                return Outcome(error=f"customer-sim analyse: {scenario.path}: {error}")
            return Outcome(analysis, report)  # the play tree stays behind: one scenario's tree at a time
        return analyse_one

    jobs = getattr(args, "jobs", 0) or default_jobs(len(loaded.scenarios))
    results = []
    for outcome in run_all([work(scenario) for scenario in loaded.scenarios], jobs,
                           _largest_first(loaded.scenarios, loaded.catalog) if len(loaded.scenarios) > jobs > 1 else None):
        if outcome.error:
            print(outcome.error, file=sys.stderr, flush=True)
            failed = True
            continue
        results.append((outcome.analysis, outcome.report))
        if args.format == "text":
            print(render_text(outcome.analysis, outcome.report), flush=True)
    if args.check and any(report.failures for _, report in results):
        failed = True

    if args.format == "json":
        document = {
            "settings": {"seed": args.seed, "runs": args.runs, "tree_limit": args.tree_limit,
                         "sweep_limit": args.sweep_limit, "min_skill_chances": args.min_skill_chances,
                         "memory_limit_mb": args.memory_limit, "time_limit_s": args.time_limit},
            "scenarios": [report_json(a, report) for a, report in results],
            "library": library_rows(results) if several else None,
        }
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    elif several and results:
        print(render_library(library_rows(results)))
    return EXIT_FAILED if failed else EXIT_OK
