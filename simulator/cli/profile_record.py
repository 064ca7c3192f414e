"""`customer-sim run … --profile NAME`: record a headless play-through in a trainee's
history and the LRS outbox exactly as the game does (trainers seed a demo with it; the LRS
tests use it).

The attempt goes through the game's own `AttemptRecorder`: every turn played through its
`TurnFeed` and saved in its own transaction with its xAPI statement queued, the finish likewise. The statements are built
with the team's IRI base from the LRS settings (as in the game); `customer-sim sync` or the
game's background sender delivers them.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

PROG = "customer-sim run"


def add_arguments(parser: Any) -> None:
    """The two flags `run` gains: --profile and --data-dir."""
    parser.add_argument("--profile", metavar="NAME", default=None,
                        help="record this play-through in trainee NAME's history and the LRS outbox, as the game does")
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help="with --profile: where the records are (default: $CUSTOMER_SIM_DATA_DIR or the "
                             "user data folder)")


def recording_play(profile: str, data_dir: str | None, session: Any) -> Callable[[int], Any]:
    """How `run` plays `session` when it records for `profile` (a clean name is required):
    each reply through the attempt recorder's `TurnFeed`, the one "turn played" seam the game's
    records hear too, with a turn that could not be saved said on stderr."""
    from simulator.records.attempt import RecordsError, clean_profile_name
    from simulator.records.game_bridge import AttemptRecorder
    from simulator.records.lrs_settings import load_settings
    from simulator.records.store import open_store

    try:
        name = clean_profile_name(profile)
    except RecordsError as error:
        raise ValueError(f"--profile: {error}") from None
    store = open_store(data_dir)
    for warning in store.warnings:  # e.g. a damaged records file was moved aside
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    if store.read_only_reason:
        print(f"{PROG}: warning: this play-through is not being saved: {store.read_only_reason}", file=sys.stderr)
    store.statements = load_settings().builder()
    recorder = AttemptRecorder.start(store, name, session.scenario, session.catalog, session=session)
    say_problem(recorder)

    def play(i: int) -> Any:
        record = recorder.feed.play(session, i)
        say_problem(recorder)
        return record

    return play


def say_problem(recorder: Any) -> None:
    """A turn that could not be saved is said on stderr (the run goes on)."""
    if recorder.save_problem:
        print(f"{PROG}: warning: not saved: {recorder.save_problem}", file=sys.stderr)
