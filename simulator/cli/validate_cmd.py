"""`customer-sim validate PATH…`: check scenario files and the shared data files.

Prints every problem compiler-style (path:line:col: severity[CODE]: message, the source
line, a caret and a hint), or a JSON list with `--format json`. Exit status: 0 when
clean or only warnings, 1 when any error, 2 on usage errors (such as a missing path).
"""

from __future__ import annotations

import argparse
import sys

HELP = "check scenario files or folders (and the shared data files) and report every problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="scenario files, or folders whose top-level *.yaml files are checked "
                             "(default: the shipped library); a folder's own data/ extends the shared data")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people (default) or json for tools")
    parser.add_argument("--data-dir", metavar="FOLDER", default=None,
                        help="folder with acts.yaml, personas.yaml, mood.yaml and rubric.yaml "
                             "(default: scenarios/data of this installation)")


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from simulator.paths import DATA_DIR, SCENARIOS_DIR
    from simulator.scenario.catalog import load_catalog
    from simulator.scenario.diagnostics import ERROR
    from simulator.scenario.formatting import format_diagnostics, summary
    from simulator.scenario.validate import expand_paths, validate_paths

    if not args.paths:
        args.paths = [str(SCENARIOS_DIR)]  # the shipped library, wherever it is installed
    for raw in args.paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():  # a broken link is an S010 below
            print(f"customer-sim validate: error: no such file or folder: {raw}", file=sys.stderr)
            return 2
        if path.is_dir() and not expand_paths([path]):
            print(f"customer-sim validate: error: no *.yaml or *.yml files in folder {raw}",
                  file=sys.stderr)
            return 2
    data_dir = Path(args.data_dir) if args.data_dir else DATA_DIR
    if not data_dir.is_dir():
        print(f"customer-sim validate: error: no such data folder: {data_dir}", file=sys.stderr)
        return 2
    catalog, diagnostics = load_catalog(data_dir)
    files = expand_paths(args.paths)
    if catalog is not None:
        diagnostics.extend(_validate_by_folder(files, catalog, data_dir))
    failed = catalog is None or any(d.severity == ERROR for d in diagnostics)
    if args.format == "json":
        print(json.dumps([d.as_json() for d in diagnostics], indent=2, ensure_ascii=False))
        return 1 if failed else 0
    if diagnostics:
        print(format_diagnostics(diagnostics))
        print()
    if catalog is None:
        print("the shared data files have errors; fix them before the scenarios can be checked")
    print(summary(diagnostics, len(files)))
    return 1 if failed else 0


def _validate_by_folder(files, catalog, data_dir):
    """Each folder's files against the shared catalog plus the folder's own data/ (if any)."""
    from simulator.scenario.catalog_extend import catalog_for_folder
    from simulator.scenario.validate import validate_paths

    groups: dict = {}
    for file in files:
        groups.setdefault(file.parent, []).append(file)
    catalogs = {folder: catalog_for_folder(folder, catalog, data_dir) for folder in groups}
    if all(found is catalog for found, _ in catalogs.values()):
        return validate_paths(files, catalog)  # one catalog: duplicate ids are checked across all
    diagnostics = []
    for folder, group in groups.items():
        found, problems = catalogs[folder]
        diagnostics.extend(problems)
        if found is not None:
            diagnostics.extend(validate_paths(group, found))
    return diagnostics
