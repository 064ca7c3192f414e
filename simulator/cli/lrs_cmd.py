"""`customer-sim lrs check | status | retry-rejected`: the team's learning record store.

    lrs check            does the store answer (/about), do the key and secret work, which
                         xAPI version does it speak; exit 1 when it cannot be used
    lrs status           the outbox: queued, sent, rejected (with the store's reasons), last error
    lrs retry-rejected   put rejected statements back in the queue once the cause is fixed

Settings: CUSTOMER_SIM_LRS_ENDPOINT / _KEY / _SECRET, else [lrs] in the config file (see
simulator/records/lrs_settings.py). The secret is never printed.
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "check the team's learning record store (LRS) and show what is waiting to be sent to it"
EXIT_OK, EXIT_FAILED = 0, 1
PROG = "customer-sim lrs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="lrs_command", metavar="{check,status,retry-rejected}",
                                    parser_class=type(parser))
    actions.required = True
    check = actions.add_parser("check", help="does the store answer, do the credentials work, which xAPI version")
    check.add_argument("--format", choices=("text", "json"), default="text")
    status = actions.add_parser("status", help="queued, sent and rejected statements, and the last error")
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.add_argument("--all", action="store_true", help="list every rejected statement (default: the last 20)")
    retry = actions.add_parser("retry-rejected", help="queue the rejected statements again")
    for sub in (status, retry):
        sub.add_argument("--data-dir", metavar="DIR",
                         help="where the records are (default: $CUSTOMER_SIM_DATA_DIR or the user data folder)")


def run(args: argparse.Namespace) -> int:
    from simulator.records.lrs_settings import load_settings

    settings = load_settings()
    if args.lrs_command == "check":
        return check(settings, args.format)
    if args.lrs_command == "status":
        return status(settings, args)
    return retry_rejected(args)


def check(settings, fmt: str = "text") -> int:
    """Print whether the store can be used; 0 when it answers and accepts the credentials."""
    from simulator.records.lrs_client import LrsClient

    for note in settings.notes:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    if settings.problems or not settings.configured:
        for problem in settings.problems:
            print(f"{PROG}: error: {problem}", file=sys.stderr)
        missing = settings.missing()
        if missing:
            print(f"{PROG}: not configured: set {', '.join(missing)}", file=sys.stderr)
        return EXIT_FAILED
    with LrsClient(settings, timeout=10.0) as client:
        about = client.about()
        credentials = client.check_credentials() if about.answered else None
    usable = about.answered and credentials is not None and credentials.kind == "sent"
    if fmt == "json":
        report = {"endpoint": settings.endpoint, "key": settings.key, "answers": about.answered,
                  "about_status": about.status, "versions": list(about.versions),
                  "credentials_ok": bool(credentials and credentials.kind == "sent"),
                  "message": credentials.message if credentials else about.message, "usable": usable}
        print(json.dumps(report, indent=2))
        return EXIT_OK if usable else EXIT_FAILED
    for line in settings.describe():
        print(line)
    if not about.answered:
        print(f"store: does not answer: {about.message}")
        return EXIT_FAILED
    versions = ", ".join(about.versions) if about.versions else "not reported"
    if about.status == 200:
        print(f"store: answers; xAPI version: {versions}")
    else:
        print(f"store: answers, but {settings.endpoint}about gave {about.status}"
              f"{' (this store does not implement it)' if about.status == 404 else ''}; xAPI version: {versions}")
    if credentials.kind == "sent":
        print(f"credentials: accepted ({credentials.message})")
    else:
        print(f"credentials: {credentials.message}")
    print("ready: statements will be sent" if usable else "not ready: statements stay in the outbox until this is fixed")
    return EXIT_OK if usable else EXIT_FAILED


def _open(args: argparse.Namespace, *, read_only: bool):
    from simulator.records.store import RecordsError, open_store

    try:
        store = open_store(args.data_dir, read_only=read_only)
    except RecordsError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return None
    for warning in store.warnings:
        print(f"{PROG}: note: {warning}", file=sys.stderr)
    return store


def status(settings, args: argparse.Namespace) -> int:
    """Print the outbox counts, the last success and error, and the rejected statements."""
    from simulator.records import outbox

    store = _open(args, read_only=True)
    if store is None:
        return EXIT_FAILED
    with store:
        conn = store.connection
        counts = outbox.counts(conn)
        notes = outbox.notes(conn)
        rejected = outbox.rejected(conn, None if args.all else 20)
    # the problems first: "not configured (endpoint ...)" alone hid a config file that is not TOML
    missing = settings.missing()
    where = settings.endpoint if settings.configured else "not configured (" + "; ".join(
        [*settings.problems, *(["missing " + ", ".join(missing)] if missing else [])]) + ")"
    if args.format == "json":
        print(json.dumps({"records": str(store.path), "lrs": settings.endpoint if settings.configured else None,
                          **counts, "last_success": _note(notes, "last_success"),
                          "last_error": _note(notes, "last_error"),
                          "rejected_statements": [{"id": r.statement_id, "attempt": r.attempt_id,
                                                   "turn": r.position or None, "reason": r.reason, "at": r.at}
                                                  for r in rejected]}, indent=2))
        return EXIT_OK
    print(f"records: {store.path}")
    print(f"LRS: {where}")
    print(f"queued: {counts['queued']}  sent: {counts['sent']}  rejected: {counts['rejected']}")
    for key, label in (("last_success", "last success"), ("last_error", "last error")):
        if key in notes:
            value, at = notes[key]
            print(f"{label}: {value} ({at})")
    if rejected:
        print("rejected statements (kept, not retried; fix the cause, then `customer-sim lrs retry-rejected`):")
        for item in rejected:
            what = f"turn {item.position}" if item.position else "result"
            print(f"  {item.statement_id}  attempt #{item.attempt_id} {what}: {item.reason}")
        if not args.all and counts["rejected"] > len(rejected):
            print(f"  … and {counts['rejected'] - len(rejected)} more (--all lists them)")
    return EXIT_OK


def _note(notes: dict, key: str) -> dict | None:
    return {"message": notes[key][0], "at": notes[key][1]} if key in notes else None


def retry_rejected(args: argparse.Namespace) -> int:
    from simulator.records import outbox

    store = _open(args, read_only=False)
    if store is None:
        return EXIT_FAILED
    with store:
        if not store.saving:
            print(f"{PROG}: {store.read_only_reason}", file=sys.stderr)
            return EXIT_FAILED
        count = outbox.requeue_rejected(store.connection)
    print(f"{count} rejected statement{'s' if count != 1 else ''} queued again; `customer-sim sync` sends them now")
    return EXIT_OK
