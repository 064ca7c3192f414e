"""`customer-sim sync`: send the outbox to the team's learning record store now.

Prints what was sent and what is left; exit 0 when nothing is left unsent, 1 when any
statement is still queued (store away, wrong credentials…) or was rejected (see
`customer-sim lrs status` for the store's reasons).
"""

from __future__ import annotations

import argparse
import sys

HELP = "send the trainee records waiting in the outbox to the team's LRS now"
EXIT_OK, EXIT_FAILED = 0, 1
PROG = "customer-sim sync"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR",
                        help="where the records are (default: $CUSTOMER_SIM_DATA_DIR or the user data folder)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems and the final counts")


def run(args: argparse.Namespace) -> int:
    from simulator.records import outbox
    from simulator.records.lrs_sender import Sender
    from simulator.records.lrs_settings import load_settings
    from simulator.records.store import RecordsError, open_store

    settings = load_settings()
    for note in settings.notes:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    try:
        store = open_store(args.data_dir)
    except RecordsError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_FAILED
    with store:
        for warning in store.warnings:
            print(f"{PROG}: note: {warning}", file=sys.stderr)
        before = outbox.counts(store.connection)
        if not store.saving:
            print(f"{PROG}: {store.read_only_reason}", file=sys.stderr)
            return EXIT_FAILED
        if settings.problems or not settings.configured:
            for problem in settings.problems:
                print(f"{PROG}: error: {problem}", file=sys.stderr)
            if settings.missing():
                print(f"{PROG}: no LRS configured: set {', '.join(settings.missing())}", file=sys.stderr)
            print(f"{PROG}: {before['queued']} statement(s) stay queued", file=sys.stderr)
            return EXIT_FAILED
        if before["queued"] and not args.quiet:
            print(f"sending {before['queued']} statement(s) to {settings.endpoint}", flush=True)
        sender = Sender(store.path, settings)
        try:
            result = sender.send_pending()
        finally:
            sender.close()
        after = outbox.counts(store.connection)
    if result.stopped_by is not None:
        print(f"{PROG}: stopped: {result.stopped_by.message}", file=sys.stderr)
    for reason in result.rejected_reasons[:5]:
        print(f"{PROG}: rejected: {reason}", file=sys.stderr)
    print(f"sent {result.sent + result.conflicts}, rejected {result.rejected} this time; "
          f"outbox: {after['queued']} queued, {after['sent']} sent, {after['rejected']} rejected")
    if after["rejected"]:
        print(f"{PROG}: {after['rejected']} statement(s) were rejected by the store and kept aside: "
              "`customer-sim lrs status` shows why", file=sys.stderr)
    return EXIT_OK if after["queued"] == 0 and after["rejected"] == 0 else EXIT_FAILED
