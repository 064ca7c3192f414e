"""`customer-sim`: the game and the trainer's command-line tools.

Each subcommand lives in its own module exposing `HELP`, `add_arguments(parser)` and
`run(args) -> int`. Modules are imported only when their command runs, so `validate`
never pays for pygame and the game never pays for the analyser.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# command name -> module under simulator.cli
COMMANDS: dict[str, str] = {
    "play": "play_cmd",
    "validate": "validate_cmd",
    "run": "run_cmd",
    "analyse": "analyse_cmd",
    "graph": "graph_cmd",
    "new": "new_cmd",
    "export": "export_cmd",
    "report": "report_cmd",
    "lrs": "lrs_cmd",
    "sync": "sync_cmd",
    "list": "list_cmd",
    "doctor": "doctor_cmd",
}

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors, which is our contract; keep its message short."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def version() -> str:
    """The installed distribution's version (the package's own in a bare checkout)."""
    from importlib import metadata

    try:
        return metadata.version("customer-challenge-simulator")
    except metadata.PackageNotFoundError:
        from simulator import __version__

        return __version__


class _VersionAction(argparse.Action):
    """--version: looked up only when asked (importlib.metadata costs ~0.1 s of start-up)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0,
                         help=help or "print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"customer-sim {version()}")
        parser.exit(EXIT_OK)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with `only` one command's part of it (the other commands'
    modules are not even imported: each costs start-up time)."""
    parser = _Parser(prog="customer-sim", description="Customer Challenge Simulator")
    parser.add_argument("-V", "--version", action=_VersionAction)
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = _load(module_name)
        if module is None:
            continue
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(_module=module)
    return parser


def _load(module_name: str):
    try:
        return importlib.import_module(f"simulator.cli.{module_name}")
    except ModuleNotFoundError as error:
        if error.name == f"simulator.cli.{module_name}":
            return None  # command not built yet
        raise


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "-V", "--version"):
        argv.insert(0, "play")  # `customer-sim` and `customer-sim PATH` open the game
    parser = build_parser(argv[0] if argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not hasattr(args, "_module"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from simulator.cli.safe_output import escaped_output

    try:
        with escaped_output():  # scenario text never reaches the terminal raw (ESC, bidi ...)
            return int(args._module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as error:  # a file or folder that cannot be read or written: say which, exit 1
        where = f": {error.filename}" if error.filename else ""
        print(f"customer-sim {args.command}: error: {error.strerror or error}{where}", file=sys.stderr)
        return EXIT_FAILED
