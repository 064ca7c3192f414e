"""`customer-sim report`: a team summary from many trainees' exports."""

from __future__ import annotations

import argparse
import sys

HELP = "combine exports (JSON or CSV) from several trainees into a team summary (text + HTML)"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="attempts.json / attempts.csv files written by `customer-sim export`")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="an .html or .txt file, or a folder (summary.html and summary.txt inside)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print the summary table")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simulator.records.report import build_report, render_text
    from simulator.records.report_html import render_html

    report = build_report(Path(f) for f in args.files)
    text = render_text(report)
    out = Path(args.output)
    if out.suffix.lower() in (".html", ".htm"):
        targets = {out: render_html(report)}
    elif out.suffix.lower() == ".txt":
        targets = {out: text}
    elif out.suffix:
        print(f"customer-sim report: -o {out}: expected a .html or .txt file, or a folder", file=sys.stderr)
        return EXIT_USAGE
    else:
        targets = {out / "summary.html": render_html(report), out / "summary.txt": text}
    try:
        for path, content in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
    except OSError as error:
        print(f"customer-sim report: cannot write {error.filename or out}: {error.strerror or error}",
              file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        sys.stdout.write(text)
    for problem in report.problems:
        print(f"customer-sim report: skipped: {problem}", file=sys.stderr)
    print("wrote " + ", ".join(str(p) for p in targets), file=sys.stderr)
    if not report.rows:  # nothing readable at all: that is a failure, not an empty team
        print("customer-sim report: no attempts could be read from the files given", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
