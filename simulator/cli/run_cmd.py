"""`customer-sim run SCENARIO --choices 2,1,3`: play a scenario headless and print the result.

Choice numbers are 1-based among the replies shown at that turn (conditions applied). By
default `run` shows replies in the order the file lists them; `--seed N` shows them in the
order the game would with attempt seed N, and the numbers then mean that order. If the
choices run out before an ending, the run still counts as played (exit 0): the report says
`"phase": "in_progress"`, `"outcome": null`, gives the provisional score so far and lists
the replies waiting on screen.

`--interactive --format json` speaks the line protocol in line_protocol.py instead: one JSON
object per turn on stdout, one reply number per line on stdin.

Exit codes: 0 played; 1 invalid scenario (diagnostics printed) or a choice not on screen;
2 usage (bad --choices syntax, missing file, a folder instead of a file).
"""

from __future__ import annotations

import argparse
import json
import re
import sys

HELP = "play a scenario headless with given choices and print the transcript and score"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_CHOICES = re.compile(r"^\s*\d+\s*(,\s*\d+\s*)*$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("If the choices run out before an ending the run still counts (exit 0): the report shows "
                     "phase in_progress, outcome null, the provisional score and the replies waiting. "
                     "Exit codes: 0 played, 1 invalid scenario or a choice not on screen, 2 usage.")
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario .yaml file")
    parser.add_argument("--choices", default="", metavar="N,N,...",
                        help="reply numbers to pick, 1-based among the replies shown at each turn "
                             "(e.g. 2,1,3); omit to see the opening")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text: a readable transcript (default); json: one object, byte-for-byte deterministic")
    parser.add_argument("--seed", type=_seed, default=None, metavar="N",
                        help="show the replies in the order the game shows them with attempt seed N "
                             "(0 or more); without it they are in the order the file lists them")
    parser.add_argument("--interactive", action="store_true",
                        help="with --format json: read one reply number per line from stdin and write one "
                             "JSON object per line (see 'Driving a play-through from outside' in the README)")
    from simulator.cli import profile_record  # --profile NAME, --data-dir DIR (records the attempt)

    profile_record.add_arguments(parser)


def _seed(text: str) -> int:
    """argparse type for --seed: a whole number from 0 to 2**63 - 1."""
    from simulator.engine.shuffle import SEED_LIMIT

    if not re.fullmatch(r"\s*[0-9]{1,19}\s*", text) or int(text) >= SEED_LIMIT:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to {SEED_LIMIT - 1}, got {text!r:.40}")
    return int(text)


def parse_choices(text: str) -> tuple[list[int] | None, str]:
    """'2,1,3' -> [2, 1, 3] (1-based as typed). Returns (None, message) on bad syntax."""
    if not text.strip():
        return [], ""
    shown = text if len(text) <= 60 else text[:57] + "..."  # a 5,000-digit argument is not echoed whole
    if not _CHOICES.match(text):
        return None, (f"--choices {shown!r}: expected reply numbers separated by commas, like 2,1,3")
    parts = text.split(",")
    if any(len(part.lstrip("0")) > 6 for part in parts):  # int() refuses 4,300+ digits; no node has 10^6 replies
        return None, f"--choices {shown!r}: a reply number is far larger than any node's replies"
    numbers = [int(part) for part in parts]
    if any(n < 1 for n in numbers):
        return None, f"--choices {shown!r}: reply numbers start at 1 (as shown on screen)"
    return numbers, ""


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simulator.cli.scenario_input import load_inputs, print_diagnostics

    numbers, problem = parse_choices(args.choices)
    if numbers is None:
        print(f"customer-sim run: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.interactive and args.format != "json":
        print("customer-sim run: error: --interactive speaks JSON lines; add --format json", file=sys.stderr)
        return EXIT_USAGE
    path = Path(args.scenario)
    if path.is_dir():
        print(f"customer-sim run: error: {args.scenario} is a folder; run plays one scenario file",
              file=sys.stderr)
        return EXIT_USAGE
    if not path.is_file() and not path.exists() and not path.is_symlink():
        # a FIFO, device or broken link goes on: the reader names what it is (S010)
        print(f"customer-sim run: error: no such file: {args.scenario}", file=sys.stderr)
        return EXIT_USAGE
    inputs = load_inputs([str(path)])
    print_diagnostics(inputs.diagnostics)  # warnings too, on stderr; stdout stays clean JSON
    if inputs.failed or not inputs.scenarios:
        print(f"customer-sim run: {args.scenario} is not a valid scenario (see above)", file=sys.stderr)
        return EXIT_FAILED

    from simulator.engine.run_document import run_document
    from simulator.engine.session import Phase

    scenario = inputs.scenarios[0]
    try:
        session, play = open_session(args, scenario, inputs.catalog)
    except ValueError as error:  # scenario and data files disagree in a way the loader missed
        print(f"customer-sim run: {args.scenario}: {error}", file=sys.stderr)
        return EXIT_FAILED
    for position, number in enumerate(numbers, start=1):
        if session.phase is Phase.ENDED:
            print(f"customer-sim run: choice #{position} ({number}) was given, but the conversation already "
                  f"ended after turn {session.turn} ({session.result.outcome}); "
                  f"only {position - 1} choice(s) were needed", file=sys.stderr)
            return EXIT_FAILED
        options = session.options
        if number > len(options):
            shown = "\n".join(f"  {o.number}. {o.text}" for o in options)
            print(f"customer-sim run: choice #{position} is {number}, but turn {session.turn + 1} "
                  f"(node {session.node_id!r}) showed only {len(options)} repl"
                  f"{'y' if len(options) == 1 else 'ies'}:\n{shown}", file=sys.stderr)
            return EXIT_FAILED
        play(number - 1)

    if args.interactive:
        return _interactive(session, play)
    report = run_document(session)
    if args.format == "json":
        sys.stdout.write(json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(report))
    return EXIT_OK


def open_session(args: argparse.Namespace, scenario, catalog):
    """(session, play): the session `run` drives - the scenario, shuffled by --seed (None:
    authored order) - and how a reply is played in it.

    The one place that decides how a run plays, so a run that records into a trainee's
    history hands back its recorder's play here and changes nothing else."""
    from simulator.engine.session import Session

    session = Session(scenario, catalog, seed=args.seed)
    if getattr(args, "profile", None) is not None:  # recorded as the game records it
        from simulator.cli.profile_record import recording_play

        return session, recording_play(args.profile, args.data_dir, session)
    return session, session.choose


def _interactive(session, play) -> int:
    """The line protocol over stdin/stdout (see line_protocol.py)."""
    from simulator.cli.line_protocol import drive, stdin_reader
    from simulator.engine.run_document import run_document

    try:
        return drive(session, stdin_reader(sys.stdin), sys.stdout, run_document, play)
    except BrokenPipeError:  # the driving program went away: nothing left to tell it
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error at exit
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _mood_line(mood: dict) -> str:
    return "  ".join(f"{dim} {value:+.2f}" if dim != "patience" else f"{dim} {value:g}"
                     for dim, value in mood.items())


def render_text(report: dict) -> str:
    """The report as a readable transcript followed by the result and its evidence."""
    lines = []
    meta = report["scenario"]
    lines.append(f"{meta['title']} ({meta['id']})")
    lines.append(f"Customer: {meta['customer']}, {meta['persona']}")
    seed = report.get("seed")
    lines.append("Replies in the order the file lists them" if seed is None
                 else f"Replies in the game's order for seed {seed}")
    for turn in report["turns"]:
        lines.append("")
        lines.append(f"Turn {turn['turn']} · {turn['node']} · customer looks {turn['expression_before']}")
        lines.append(f"  Customer: {turn['customer_line']}")
        shown = turn["options"][turn["choice"]]["number"]  # `choice` indexes the options shown
        lines.append(f"  You ({shown} of {len(turn['options'])}): {turn['reply_text']}")
        lines.append(f"    acts: {', '.join(turn['acts'])}")
        lines.append(f"    mood: {_mood_line(turn['mood_after'])}  -> {turn['expression_after']}")
        if turn["trigger"] is not None:
            lines.append(f"    trigger #{turn['trigger'] + 1} fired: -> {turn['next']}")
        for item in turn["evidence"]:
            points = f"{item['points']:+.1f}" if item["points"] else "kept"  # a kept rule on a full skill
            lines.append(f"    {points} {item['skill']}: {item['message']}"
                         + (f" (turn {item['turn']})" if item["turn"] != turn["turn"] else ""))
        if turn["note"]:
            lines.append(f"    coach: {turn['note']}")
    lines.append("")
    if report["phase"] == "in_progress":
        waiting = report["waiting"]
        lines.append(f"In progress: the choices ran out at turn {waiting['turn']} (node {waiting['node']}).")
        lines.append(f"  Customer: {waiting['customer_line']}")
        for option in waiting["options"]:
            lines.append(f"  {option['number']}. {option['text']}")
        lines.append("")
        lines.append(f"Score so far: {report['grade']} · overall {report['overall']:.1f} (provisional)")
    else:
        ending = report["ending"]
        if ending is not None:
            lines.append(f"Ending: {ending['id']} ({ending['outcome']})")
            lines.append(f"  {ending['text']}")
        else:
            lines.append(f"Ending: {report['outcome']}")
            lines.append(f"  {report['note']}")
        lines.append("")
        verdict = "pass" if report["passed"] else "not yet a pass"
        lines.append(f"Grade {report['grade']} · overall {report['overall']:.1f} ({verdict}) · outcome {report['outcome']}")
    lines.append("  " + "  ".join(f"{skill} {score}" for skill, score in report["skills"].items()))
    for cap in report["caps"]:
        lines.append(f"  cap: {cap}")
    return "\n".join(lines) + "\n"
