"""`customer-sim list`: the scenarios the game would offer, under each source, as the picker shows them.

The shipped library, the user's own folder, `--scenarios` folders and $CUSTOMER_SIM_SCENARIOS,
each with its folder and every scenario's id and title (or its first error). Exit 1 when a
folder someone named does not exist or any listed file cannot be played, else 0.
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "list the scenarios the game offers, by source (shipped, your folder, --scenarios folders)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenarios", action="append", default=[], metavar="DIR",
                        help="also list this folder (repeatable; also $CUSTOMER_SIM_SCENARIOS)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from simulator.paths import ContentMissing
    from simulator.scenario.sources import missing_sources, scenario_sources
    from simulator.ui.library import ScenarioLibrary

    try:
        sources = scenario_sources(args.scenarios)
    except ContentMissing as error:
        print(f"customer-sim list: {error}", file=sys.stderr)
        return 1
    missing = missing_sources(sources)
    for source in missing:
        print(f"customer-sim list: {source.path} ({source.origin}): no such folder", file=sys.stderr)
    library = ScenarioLibrary([s for s in sources if s not in missing])
    library.load()
    broken = sum(not entry.ok for entry in library.entries)
    if args.format == "json":
        print(json.dumps([{"source": section.source.kind, "label": section.label,
                           "folder": str(section.source.path), "exists": section.source.path.is_dir(),
                           "scenarios": [{"path": str(e.path), "id": e.scenario_id, "title": e.title, "ok": e.ok,
                                          "error": e.first_error} for e in section.entries]}
                          for section in library.sections], indent=2, ensure_ascii=False))
    else:
        for section in library.sections:
            count = len(section.entries)
            print(f"{section.label} — {section.source.path} ({count} scenario{'s' if count != 1 else ''})")
            if not section.source.path.is_dir():
                print("  (no such folder yet: the game creates it on first start)")
            for entry in section.entries:
                state = entry.title if entry.ok else f"CANNOT START: {entry.first_error}"
                print(f"  {entry.scenario_id:<22} {state}")
            print()
    return 1 if missing or broken else 0
