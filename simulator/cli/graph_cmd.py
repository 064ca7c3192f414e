"""`customer-sim graph SCENARIO -o FILE`: the branch graph as Graphviz DOT, SVG or PNG.

FILE ending .dot/.gv (or no -o, or `-o -` for standard output) gets DOT text. FILE ending
.svg/.png/.pdf is drawn with Graphviz's `dot` program when it is installed. When it is not,
the DOT text is written beside FILE (same name, .dot) with a note on standard error and the
exit code is still 0: the graph was produced, only the drawing step is missing, and a trainer
can draw it later (or paste it into any online Graphviz viewer).
Exit 1: invalid scenario (diagnostics printed) or `dot` failed; exit 2: usage.
"""

from __future__ import annotations

import argparse
import sys

HELP = "draw the scenario's branch graph (Graphviz DOT; SVG/PNG when Graphviz is installed)"
DOT_SUFFIXES = (".dot", ".gv")
RENDER_SUFFIXES = (".svg", ".png", ".pdf")


EPILOG = """\
drawing: nodes show their id and first words; endings are coloured by outcome; edges read
  "N: acts" (N = the reply's place in its node); dashed = shown only when its condition holds;
  dotted = a trigger, which can fire after any reply; grey with a red border = unreachable.
without Graphviz: an .svg/.png/.pdf request writes FILE.dot instead and exits 0 with a note.
exit: 0 written, 1 invalid scenario or Graphviz failed, 2 usage."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario file (.yaml)")
    parser.add_argument("-o", "--output", metavar="FILE", default="-",
                        help="where to write: .dot/.gv (DOT text), .svg/.png/.pdf (drawn by "
                             "Graphviz when installed); default or '-': DOT on standard output")
    parser.add_argument("--no-play", action="store_true",
                        help="mark only structurally unreachable nodes; skip the play search "
                             "that also marks nodes no play-through can reach")


def run(args: argparse.Namespace) -> int:
    import shutil
    import subprocess
    from pathlib import Path

    from simulator.cli.scenario_input import load_inputs, print_diagnostics
    from simulator.engine.graph_dot import to_dot

    output = args.output
    suffix = Path(output).suffix.lower() if output != "-" else ""
    if output != "-" and suffix not in DOT_SUFFIXES + RENDER_SUFFIXES:
        print(f"customer-sim graph: error: cannot tell the format of {output!r}; name it "
              f"*.dot, *.gv, *.svg, *.png or *.pdf (or use '-o -' for DOT on standard output)",
              file=sys.stderr)
        return 2
    if Path(args.scenario).is_dir():
        print(f"customer-sim graph: error: {args.scenario} is a folder; graph takes one "
              f"scenario file", file=sys.stderr)
        return 2
    loaded = load_inputs([args.scenario])
    if loaded.usage_error:
        print(f"customer-sim graph: error: {loaded.usage_error}", file=sys.stderr)
        return 2
    print_diagnostics(loaded.diagnostics)
    if loaded.failed or not loaded.scenarios:
        return 1
    scenario = loaded.scenarios[0]
    try:
        marks = _unreachable_marks(scenario, loaded.catalog, args.no_play)
    except ValueError as error:  # the scenario and the data files disagree in a way the loader missed
        print(f"customer-sim graph: {args.scenario}: {error}", file=sys.stderr)
        return 1
    dot_text = to_dot(scenario, marks)

    if output == "-":
        sys.stdout.write(dot_text)
        return 0
    target = Path(output)
    if suffix in DOT_SUFFIXES:
        return _write(target, dot_text)
    dot_program = shutil.which("dot")
    if dot_program is None:
        beside = target.with_suffix(".dot")
        code = _write(beside, dot_text)
        if code == 0:
            print(f"note: Graphviz is not installed (no `dot` program on PATH), so {target} was "
                  f"not drawn. The graph is in {beside}; install Graphviz and run this again, "
                  f"or draw it with: dot -T{suffix[1:]} {beside} -o {target}", file=sys.stderr)
        return code
    try:
        done = subprocess.run([dot_program, f"-T{suffix[1:]}", "-o", str(target)],
                              input=dot_text.encode("utf-8"), capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as error:
        print(f"customer-sim graph: error: running Graphviz failed: {error}", file=sys.stderr)
        return 1
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        print(f"customer-sim graph: error: Graphviz could not draw {target}: {message}",
              file=sys.stderr)
        return 1
    print(f"wrote {target}", file=sys.stderr)
    return 0


def _unreachable_marks(scenario, catalog, structural_only: bool) -> dict[str, str]:
    """Structural unreachability, plus (unless disabled) ids no play-through reaches."""
    from simulator.engine.graph_dot import structurally_unreachable

    marks = structurally_unreachable(scenario)
    if structural_only:
        return marks
    from simulator.engine.analysis import explore
    from simulator.engine.analysis_budget import BudgetExceeded

    try:
        exploration = explore(scenario, catalog)  # within the default memory and time budget
    except BudgetExceeded as error:
        print(f"customer-sim graph: note: play not explored ({error}); only structure is marked",
              file=sys.stderr)
        return marks
    never = "never reached in play" if exploration.complete else "not reached by search"
    for item in [*scenario.nodes, *scenario.endings]:
        if item not in marks and item not in exploration.reached:
            marks[item] = never
    return marks


def _write(path, text: str) -> int:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"customer-sim graph: error: cannot write {path}: {error.strerror or error}",
              file=sys.stderr)
        return 1
    print(f"wrote {path}", file=sys.stderr)
    return 0
