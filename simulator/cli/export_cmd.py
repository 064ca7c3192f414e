"""`customer-sim export`: trainee attempt history as CSV, JSON and/or xAPI statements."""

from __future__ import annotations

import argparse
import sys

HELP = "export trainee attempts as CSV, JSON or xAPI statements (JSON lines)"

EXIT_OK, EXIT_FAILED = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="DIR_OR_FILE",
                        help="file for one format ('-' for standard output), or a folder: "
                             "attempts.csv, attempts.json, statements.jsonl are written inside")
    parser.add_argument("--format", choices=("csv", "json", "xapi", "all"), default="all",
                        help="what to write (default: all three)")
    parser.add_argument("--profile", metavar="NAME", help="only this trainee (default: everyone)")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="where the records are (default: $CUSTOMER_SIM_DATA_DIR or the user data folder)")
    parser.add_argument("--xapi-base", metavar="IRI", default=None,
                        help="base IRI for xAPI activities and extensions, e.g. your LMS address "
                             "(default: https://customer-sim.example.org)")
    parser.add_argument("--xapi-home-page", metavar="URL", default=None,
                        help="homePage of the trainee accounts in xAPI statements (default: the base IRI)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from simulator.records.exports import FORMATS, ExportTargetError, export, export_text
    from simulator.records.store import RecordsError, clean_profile_name, open_store
    from simulator.records.xapi import DEFAULT_BASE, StatementBuilder

    formats = list(FORMATS) if args.format == "all" else [args.format]
    base = args.xapi_base or DEFAULT_BASE
    problem = _check_iri(base, "--xapi-base") or (args.xapi_home_page and _check_iri(args.xapi_home_page, "--xapi-home-page"))
    if problem:
        print(f"customer-sim export: {problem}", file=sys.stderr)
        return 2
    builder = StatementBuilder(base, args.xapi_home_page)
    try:
        profile = clean_profile_name(args.profile) if args.profile is not None else None
        store = open_store(args.data_dir, read_only=True)
    except RecordsError as error:
        print(f"customer-sim export: {error}", file=sys.stderr)
        return EXIT_FAILED
    with store:
        for warning in store.warnings:
            print(f"customer-sim export: note: {warning}", file=sys.stderr)
        if profile is not None and profile not in store.profiles():
            known = ", ".join(store.profiles()) or "none yet"
            print(f"customer-sim export: no trainee profile named {profile!r} in {store.path} "
                  f"(profiles: {known})", file=sys.stderr)
            return EXIT_FAILED
        try:
            if args.output == "-":
                if len(formats) != 1:
                    print("customer-sim export: '-o -' writes one format; add --format csv|json|xapi",
                          file=sys.stderr)
                    return 2
                sys.stdout.write(export_text(store, formats[0], profile=profile, builder=builder))
                return EXIT_OK
            result = export(store, Path(args.output), formats, profile=profile, builder=builder)
        except (RecordsError, ExportTargetError) as error:
            print(f"customer-sim export: {error}", file=sys.stderr)
            return EXIT_FAILED
        except OSError as error:
            # export() has taken back every file and folder it made, so nothing is half there
            print(f"customer-sim export: cannot write {error.filename or args.output}: "
                  f"{error.strerror or error}; nothing was exported", file=sys.stderr)
            return EXIT_FAILED
    for notice in store.notices:  # e.g. a damaged file: what could and could not be read
        print(f"customer-sim export: note: {notice}", file=sys.stderr)
    who = f"trainee {profile!r}" if profile else "all trainees"
    counts = f"{result.attempts} attempt{'s' if result.attempts != 1 else ''}"
    if "xapi" in formats:
        counts += f", {result.statements} xAPI statement{'s' if result.statements != 1 else ''}"
    print(f"exported {counts} for {who}:")
    for path in result.files:
        print(f"  {path}")
    return EXIT_OK


def _check_iri(value: str, flag: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return f"{flag} must be an http(s) address such as https://lms.example.com, not {value!r}"
    return None
