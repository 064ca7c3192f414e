"""`customer-sim run … --profile NAME`: record a headless play-through in a trainee's
history and the LRS outbox exactly as the game does (trainers seed a demo with it; the LRS
tests use it).

The attempt goes through the game's own `RecordingSession`: every turn saved in its own
transaction with its xAPI statement queued, the finish likewise. The statements are built
with the team's IRI base from the LRS settings (as in the game); `customer-sim sync` or the
game's background sender delivers them.
"""

from __future__ import annotations

import sys
from typing import Any

PROG = "customer-sim run"


def add_arguments(parser: Any) -> None:
    """The two flags `run` gains: --profile and --data-dir."""
    parser.add_argument("--profile", metavar="NAME", default=None,
                        help="record this play-through in trainee NAME's history and the LRS outbox, as the game does")
    parser.add_argument("--data-dir", metavar="DIR", default=None,
                        help="with --profile: where the records are (default: $CUSTOMER_SIM_DATA_DIR or the "
                             "user data folder)")


def recording_session(profile: str, data_dir: str | None, session: Any) -> Any:
    """Wrap `session` so each turn is recorded for `profile` (a clean name is required)."""
    from simulator.records.attempt import RecordsError, clean_profile_name
    from simulator.records.game_bridge import RecordingSession
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

    class Recording(RecordingSession):
        """Says on stderr when a turn could not be saved (imported only when recording:
        `validate` and friends never pay for the records layer)."""

        def choose(self, i: int) -> Any:
            record = super().choose(i)
            self.say_problem()
            return record

        def say_problem(self) -> None:
            if self.save_problem:
                print(f"{PROG}: warning: not saved: {self.save_problem}", file=sys.stderr)

    play = Recording.start(store, name, session.scenario, session.catalog, session=session)
    play.say_problem()
    return play
