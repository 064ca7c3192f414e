"""`customer-sim play [PATH]`: open the game on the shipped scenarios or a file/folder.

Without PATH the game lists, each under its own heading: the shipped library, the user's
own scenario folder (created on first run), folders given with `--scenarios DIR` and those
in $CUSTOMER_SIM_SCENARIOS. A folder someone named that does not exist, a broken install
or unreadable shared data files are fatal: a message and exit status 1, never a game
that opens empty.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HELP = "open the game (the default command) on the shipped scenarios and your own, or a file or folder"


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, got {text!r}") from None
    if not (320 <= width <= 10000 and 240 <= height <= 10000):
        raise argparse.ArgumentTypeError(f"window size {text} is out of range (320x240 .. 10000x10000)")
    return width, height


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 1.5, got {text!r}") from None
    if not 0.5 <= value <= 4.0:
        raise argparse.ArgumentTypeError("scale must be between 0.5 and 4")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?",
                        help="only this scenario file or folder (default: the shipped library, your own "
                             "scenario folder and any --scenarios folders)")
    parser.add_argument("--scenarios", action="append", default=[], metavar="DIR",
                        help="also list the scenarios in this folder (repeatable; also "
                             "$CUSTOMER_SIM_SCENARIOS, a list of folders separated by the path separator)")
    parser.add_argument("--profile", metavar="NAME", help="play as this trainee (created if new); skips the start screen")
    parser.add_argument("--size", type=_size, metavar="WxH", help="window size, e.g. 1280x720")
    parser.add_argument("--fullscreen", action="store_true", default=None, help="start in full screen")
    parser.add_argument("--high-contrast", action="store_true", default=None, help="use the high-contrast theme")
    parser.add_argument("--scale", type=_scale, default=1.0, metavar="X",
                        help="extra UI scale for high-DPI screens (default 1)")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="where profiles and attempts are kept (default: $CUSTOMER_SIM_DATA_DIR or the user data folder)")
    parser.add_argument("--screenshot", metavar="PNG", help="save the first screen to this image and exit")
    parser.add_argument("--exit-after", type=float, metavar="SECONDS",
                        help="close the game after this many seconds and print where it was (for smoke tests)")
    parser.add_argument("--exit-after-first-frame", action="store_true", help=argparse.SUPPRESS)


def _sources(args: argparse.Namespace):
    """What the game lists, or an error message (a fatal error for the command line)."""
    from simulator.scenario.sources import GIVEN, ScenarioSource, ensure_user_folder, missing_sources, scenario_sources

    if args.path:
        sources = [ScenarioSource(GIVEN, Path(args.path), "the command line")]
        sources += scenario_sources(args.scenarios, user=False, environment=False)[1:]
    else:
        from simulator.records.location import own_scenarios_dir

        sources = scenario_sources(args.scenarios, user_folder=own_scenarios_dir(args.data_dir))
        ensure_user_folder(sources[1].path)  # a read-only home is not fatal: the picker shows it missing
    for source in missing_sources(sources):
        where = "" if source.kind == GIVEN else f" ({source.origin})"
        return None, f"{source.path}{where}: no such file or folder"
    return sources, ""


def _check_shared_data() -> str:
    """'' when the shipped content is there and the shared data files load, else why not."""
    from simulator.paths import ContentMissing, shipped_data_dir

    try:
        data_dir = shipped_data_dir()
    except ContentMissing as error:
        return str(error)
    from simulator.scenario.catalog import load_catalog

    catalog, diagnostics = load_catalog(data_dir)
    if catalog is not None:
        return ""
    from simulator.scenario.formatting import format_diagnostics

    return ("the shared data files (acts, personas, mood, rubric) cannot be used:\n"
            + format_diagnostics(diagnostics).rstrip("\n"))


def run(args: argparse.Namespace) -> int:
    problem = _check_shared_data()
    if not problem:
        sources, problem = _sources(args)
    if problem:
        print(f"customer-sim play: {problem}", file=sys.stderr)
        return 1
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import logging

    logging.basicConfig(level=logging.WARNING, format="customer-sim: %(levelname)s: %(message)s")
    import time

    from simulator.records.game_bridge import open_store
    from simulator.records.profile_store import RecordsProfileStore
    from simulator.ui.app import App
    from simulator.ui.profiles import ProfileError
    from simulator.ui.records_link import attach_records
    from simulator.ui.speech import Speech

    # The records database (never raises: a bad or read-only folder means "not saving", said on screen).
    records = open_store(args.data_dir)
    store = RecordsProfileStore(records, error=ProfileError)
    app = App(sources, store=store, profile=args.profile, size=args.size, fullscreen=args.fullscreen,
              high_contrast=args.high_contrast, ui_scale=args.scale, speech=Speech(enabled=False))
    attach_records(app, records)
    try:
        if args.screenshot:
            app.open()
            app.settle()
            app.screenshot(args.screenshot)
            print(f"saved {args.screenshot}")
            return 0
        if args.exit_after_first_frame:
            # For the start-up benchmark: wall-clock time of the first flipped frame.
            app.run(exit_after_first_frame=True,
                    on_first_frame=lambda: print(f"first-frame-epoch {time.time():.6f}", flush=True))
            return 0
        code = app.run(exit_after=args.exit_after)
        if args.exit_after:
            top = app.stack.top
            session = app.active_session
            print(f"final scene: {top.name if top else '-'}; turn: {session.turn if session else '-'}", flush=True)
        return code
    except Exception as error:  # never a traceback at a trainee; the log has the details
        logging.getLogger("simulator").exception("the game stopped")
        print(f"customer-sim play: the game stopped: {error}", file=sys.stderr)
        return 1
    finally:
        import pygame

        pygame.quit()
        records.close()
