"""The game's door into the records: everything the UI needs, in a few calls.

    store = open_store(args.data_dir)            # never raises; show store.warnings once,
                                                 # and store.read_only_reason while set
    offer = resume_offer(store, profile)         # on start: "Resume …?" or None
    play = resume(store, offer, scenario, catalog)   # yes  (ResumeError: say why, start fresh)
    decline(store, offer)                        # no
    recorder = AttemptRecorder.start(store, profile, scenario, catalog)
    turns.subscribe(recorder.on_turn)            # the TurnFeed that plays the turns (App.turns)
    turns.play(recorder.session, i)              # plays the turn; the recorder saves it (≤ 5 ms)
    recorder.session.phase, .options, .mood, …   # the engine Session itself, never wrapped
    recorder.save_problem                        # None, or why the last save failed
    again = recorder.replay_from(turn)           # debrief "replay from turn k": new attempt
    progress = load_progress(store, profile, catalog=catalog)   # the progress screen

Without a feed of your own, `recorder.feed` is one that announces to this recorder only.
A save that fails (disk full, folder removed mid-game) never interrupts play: the session
goes on, `save_problem` says what happened, and the next turn tries again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.engine.session_protocol import ConversationSession, TurnFeed, TurnPlayed
from simulator.engine.turn_record import TurnRecord
from simulator.records.progress import Progress, load_progress
from simulator.records.store import Attempt, RecordsError, Store, open_store

__all__ = ["AttemptRecorder", "ResumeOffer", "ResumeError", "resume_offer", "resume", "decline",
           "open_store", "load_progress", "Progress", "saving_status"]


# How long a turn save waits for the records file's write lock. Long enough for the LRS
# sender's one-row updates (about a millisecond), far short of the 5 s busy timeout that
# another program holding the lock would otherwise cost a frame; past it the turn is kept
# in memory and saved with the next one.
TURN_SAVE_WAIT_MS = 20


class ResumeError(Exception):
    """The unfinished attempt cannot be continued; the message says why, for the trainee."""


@dataclass(frozen=True, slots=True)
class ResumeOffer:
    attempt: Attempt
    scenario_title: str
    turns_played: int
    available: bool  # False when its scenario is not among the loaded ones any more

    @property
    def message(self) -> str:
        turns = f"{self.turns_played} turn{'s' if self.turns_played != 1 else ''}"
        if not self.available:
            return (f"Your unfinished conversation in \u201c{self.scenario_title}\u201d ({turns}) cannot be "
                    "resumed: that scenario is no longer available.")
        return f"You have an unfinished conversation in \u201c{self.scenario_title}\u201d after {turns}. Resume it?"


def resume_offer(store: Store, profile: str, scenarios: Mapping[str, Any] | None = None) -> ResumeOffer | None:
    """The attempt to offer on start, or None. `scenarios` (id -> loaded Scenario) lets the
    offer say when the scenario is gone; without it every offer counts as available."""
    try:
        attempt = store.unfinished_attempt(profile)
    except RecordsError:
        return None  # an unreadable history must not stop the game from starting
    if attempt is None:
        return None
    scenario = scenarios.get(attempt.scenario_id) if scenarios is not None else None
    title = (scenario.title if scenario is not None else "") or attempt.scenario_title or attempt.scenario_id
    return ResumeOffer(attempt, title, attempt.turn_count, scenarios is None or scenario is not None)


def decline(store: Store, offer: ResumeOffer) -> None:
    """The trainee chose not to resume: the attempt is kept in the history as abandoned."""
    try:
        store.abandon(offer.attempt.id)
    except RecordsError:
        pass  # nothing to lose: it will simply be offered again next time


def resume(store: Store, offer: ResumeOffer | Attempt, scenario: Any, catalog: Any) -> "AttemptRecorder":
    """Continue the unfinished attempt at the same turn with the same state.

    Restores the saved snapshot; if that no longer fits (the scenario was edited), replays
    the stored choices instead; if neither works raises ResumeError (call `decline` then)."""
    from simulator.engine.session import ChoiceError, Session, SnapshotError

    attempt = offer.attempt if isinstance(offer, ResumeOffer) else offer
    session = None
    if attempt.snapshot:
        try:
            session = Session.restore(scenario, catalog, attempt.snapshot)
        except SnapshotError:
            session = None
    if session is None:
        title = attempt.scenario_title or attempt.scenario_id
        try:
            # the stored choices are shown positions: replay them in the order they were shown
            session = Session.replay(scenario, catalog, list(attempt.choices), seed=attempt.seed)
        except (ChoiceError, ValueError, KeyError) as error:
            raise ResumeError(f"the conversation in \u201c{title}\u201d cannot be resumed because the "
                              f"scenario changed ({error})") from None
        last = (attempt.turns or ({},))[-1]
        was_at = last.get("next") if isinstance(last, dict) else None  # a damaged line says nothing
        if was_at and session.node_id != was_at:  # same choices, different place: not a resume
            raise ResumeError(f"the conversation in \u201c{title}\u201d cannot be resumed because the "
                              f"scenario changed: it stopped at {was_at!r}, which the same replies no longer reach")
    recorder = AttemptRecorder(session, store, attempt.id, attempt.profile)
    if session.result is not None:  # it had ended but the finish was never saved (killed)
        recorder.flush()
    return recorder


class AttemptRecorder:
    """Saves one attempt of one conversation: every turn announced for its `session` is
    written to the store at once (`on_turn`, a `TurnFeed` subscriber), and the finish with it.

    It never wraps the session: whoever plays turns holds the session itself and plays them
    through a feed this recorder listens to (the game's `App.turns`; `self.feed` for callers
    without one of their own: `recorder.feed.play(recorder.session, i)`)."""

    def __init__(self, session: ConversationSession, store: Store, attempt_id: int | None, profile: str) -> None:
        self.session = session
        self.store = store
        self.attempt_id = attempt_id
        self.profile = profile
        self.save_problem: str | None = None
        # Turns played but not on disk yet (a save failed: disk full, lock held, folder gone),
        # with when they were played; written in order with the next save that works.
        self._unsaved: list[tuple[TurnRecord, str | None]] = []
        self._finish_saved = False
        self.feed = TurnFeed([self.on_turn])

    @classmethod
    def start(cls, store: Store, profile: str, scenario: Any, catalog: Any, *,
              session: ConversationSession | None = None, seed: int | None = None) -> "AttemptRecorder":
        """A new attempt (and a new Session with reply-order `seed` unless one is given).

        The seed is stored with the attempt (from the session's snapshot)."""
        if session is None:
            from simulator.engine.session import Session

            session = Session(scenario, catalog, seed=seed)
        recorder = cls(session, store, None, profile)
        try:
            recorder.attempt_id = store.start_attempt(profile, scenario, catalog, session.snapshot())
        except RecordsError as error:
            recorder.save_problem = str(error)
        if session.result is not None:  # a scenario can end before the first reply
            recorder.flush()
        return recorder

    @classmethod
    def start_from_choices(cls, store: Store, profile: str, scenario: Any, catalog: Any,
                           choices: Sequence[int], *, seed: int | None = None) -> "AttemptRecorder":
        """A new attempt whose first turns are `choices` (0-based shown positions under
        `seed`), each saved as a turn."""
        recorder = cls.start(store, profile, scenario, catalog, seed=seed)
        for choice in choices:
            recorder.feed.play(recorder.session, choice)
        return recorder

    @property
    def saving(self) -> bool:
        """True while turns are reaching the disk."""
        return self.store.saving and self.save_problem is None and self.attempt_id is not None

    def on_turn(self, event: TurnPlayed) -> None:
        """A turn was played: save it now (a turn of another conversation is not ours). A
        failed save never interrupts play: the turn is kept and `save_problem` says why."""
        if event.session is not self.session or self.attempt_id is None:
            return
        self._unsaved.append((event.record, None))
        # never wait seconds for another program's lock mid-frame
        self.flush(wait_ms=TURN_SAVE_WAIT_MS, snapshot=event.snapshot)

    @property
    def unsaved_turns(self) -> int:
        """Turns played that are not on disk yet (kept here until a save works)."""
        return len(self._unsaved)

    @property
    def pending(self) -> bool:
        """True while anything played (a turn, the finish) is not on disk yet."""
        return bool(self._unsaved) or (self.session.result is not None and not self._finish_saved
                                       and self.attempt_id is not None)

    def flush(self, wait_ms: int | None = None, snapshot: Mapping[str, Any] | None = None) -> bool:
        """Write what is not on disk yet: the kept turns, in order, then the finish. True
        when everything is saved. Called after every turn, and again by the game later.
        `snapshot` is the session's state now when the caller has it (a TurnPlayed's)."""
        if self.attempt_id is None:
            return True
        state = snapshot if snapshot is not None else self.session.snapshot()
        if self._unsaved:
            try:
                self.store.save_turns(self.attempt_id, state, [r for r, _ in self._unsaved],
                                      times=[at for _, at in self._unsaved], wait_ms=wait_ms)
            except RecordsError as error:
                from simulator.records.serialize import iso_timestamp

                stamp = iso_timestamp()  # keep when they were played, not when they get saved
                self._unsaved = [(record, at or stamp) for record, at in self._unsaved]
                self.save_problem = str(error)
                return False
            self._unsaved = []
            self.save_problem = None
        if self.session.result is not None and not self._finish_saved:
            from simulator.engine.debrief import moments_json  # the ones the debrief screen shows

            try:
                self.store.finish_attempt(self.attempt_id, self.session.result, state,
                                          key_moments=moments_json(self.session), wait_ms=wait_ms)
            except RecordsError as error:
                self.save_problem = str(error)
                return False
            self._finish_saved = True
            self.save_problem = None
        return True

    def replay_from(self, turn: int) -> "AttemptRecorder":
        """Debrief's "replay from turn k": a new attempt with the first `turn` choices
        already played (same state as then), ready for a different reply. It keeps this
        attempt's seed, so every turn shows the replies in the order they were shown."""
        choices = list(self.session.choices)[: max(0, int(turn))]
        return AttemptRecorder.start_from_choices(self.store, self.profile, self.session.scenario,
                                                  self.session.catalog, choices, seed=self.session.seed)

    def retry(self, seed: int | None = None) -> "AttemptRecorder":
        """A fresh attempt of the same scenario, shuffled with `seed` (the caller draws it)."""
        return AttemptRecorder.start(self.store, self.profile, self.session.scenario, self.session.catalog,
                                     seed=seed)

    def abandon(self) -> None:
        """Quit to the picker: an unfinished attempt is marked abandoned (not offered again)."""
        if self.attempt_id is not None and self.session.result is None:
            try:
                self.store.abandon(self.attempt_id)
            except RecordsError as error:
                self.save_problem = str(error)


def saving_status(store: Store, play: AttemptRecorder | None = None) -> str | None:
    """One line for the corner of the screen when progress is NOT being saved, else None."""
    if store.read_only_reason:
        return f"Progress is not being saved: {store.read_only_reason}."
    if play is not None and play.save_problem:
        kept = play.unsaved_turns
        if kept:
            return (f"Saving has stopped: {kept} turn{'s are' if kept != 1 else ' is'} not saved yet ("
                    f"{play.save_problem}). They are kept and saved, in order, as soon as saving works again.")
        return f"The last turn could not be saved: {play.save_problem}"
    return None
