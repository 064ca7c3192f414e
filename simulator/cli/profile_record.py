"""`customer-sim run … --profile NAME`: record a headless play-through in a trainee's
history and the LRS outbox exactly as the game does (trainers seed a demo with it; the LRS
tests use it).

The attempt goes through the game's own `AttemptRecorder`: every turn announced to it and
saved in its own transaction with its xAPI statement queued, the finish likewise. The statements are built
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
    """A session in `session`'s state whose every turn is recorded for `profile` (a clean name is required)."""
    from simulator.records.attempt import RecordsError, clean_profile_name
    from simulator.engine.session import Session
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

    class RecordedRun(Session):
        """The run's session, announcing each turn it plays to the attempt's recorder: `run`
        and the line protocol call `choose` themselves, so the announcing is done here
        (defined only when recording: `validate` and friends never pay for the records layer)."""

        recorder: AttemptRecorder

        def choose(self, i: int) -> Any:
            record = super().choose(i)
            self.recorder.feed.announce(self, record)
            say_problem(self.recorder)
            return record

    # the same state as the run's fresh session, as the announcing kind (restore keeps the class)
    played = RecordedRun.restore(session.scenario, session.catalog, session.snapshot(), compiled=session.compiled)
    played.recorder = AttemptRecorder.start(store, name, session.scenario, session.catalog, session=played)
    say_problem(played.recorder)
    return played


def say_problem(recorder: Any) -> None:
    """A turn that could not be saved is said on stderr (the run goes on)."""
    if recorder.save_problem:
        print(f"{PROG}: warning: not saved: {recorder.save_problem}", file=sys.stderr)
