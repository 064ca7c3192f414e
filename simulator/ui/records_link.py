"""The game's link to the records: where its sessions come from, who saves their turns, the
resume offer and the progress screen's data. The app always has one (`App.records`):

    app = App(source, store=RecordsProfileStore(store, error=ProfileError), ...)
    attach_records(app, store)      # store = simulator.records.game_bridge.open_store(data_dir)

Until `attach_records`, `App.records` is `RecordsOff`: sessions are plain engine Sessions,
nothing is saved, and `reason` says why for the screens that would show records. Attached,
`RecordsLink` hands out plain Sessions too, each with an `AttemptRecorder` behind it; it
subscribes to `App.turns` and the recorder saves every `TurnPlayed` of its session before
the next screen is drawn. No screen asks whether records exist: they read `enabled`/`reason`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

from simulator.engine.session_protocol import ConversationSession, TurnPlayed
from simulator.ui.conversation_events import ConversationEvent

if TYPE_CHECKING:
    from simulator.records.game_bridge import AttemptRecorder
    from simulator.records.progress import Progress
    from simulator.ui.app import App

log = logging.getLogger(__name__)
GUEST = "Guest"
RECORDS_OFF = "attempts are not being saved on this computer"


class Records(Protocol):
    """What the app and its screens need from the records side (on or off)."""

    enabled: bool  # False: nothing is saved and there is no progress to show
    reason: str  # why records are off ("" when on), for the trainee

    def new_session(self, scenario: Any, catalog: Any, choices: list[int], *,
                    seed: int | None = None) -> ConversationSession:
        """A session with `choices` (shown positions under `seed`) already played."""

    def continue_session(self, live: ConversationSession, scenario: Any, catalog: Any, choices: list[int], *,
                         seed: int | None = None) -> ConversationSession:
        """After F5: the re-read scenario replayed to where `live` was, as the same attempt."""

    def offer_resume(self) -> None:
        """The picker opened for a profile: offer its unfinished attempt (once)."""

    def progress(self) -> "Progress | None":
        """The trainee's progress, or None when there is none to show."""


class RecordsOff:
    """The records link when nothing is recorded: plain sessions, no resume, no progress."""

    enabled = False

    def __init__(self, reason: str = RECORDS_OFF) -> None:
        self.reason = reason

    def new_session(self, scenario: Any, catalog: Any, choices: list[int], *,
                    seed: int | None = None) -> ConversationSession:
        from simulator.engine.session import Session

        return Session.replay(scenario, catalog, choices, seed=seed)

    def continue_session(self, live: ConversationSession, scenario: Any, catalog: Any, choices: list[int], *,
                         seed: int | None = None) -> ConversationSession:
        return self.new_session(scenario, catalog, choices, seed=seed)  # no attempt to go on with

    def offer_resume(self) -> None:
        return None

    def progress(self) -> None:
        return None


class RecordsLink:
    """The records side of one App: sessions with an attempt each, turn saving, resume offer."""

    enabled = True
    reason = ""

    def __init__(self, app: "App", store: Any) -> None:
        self.app = app
        self.store = store
        self._live: AttemptRecorder | None = None  # the attempt on screen, to abandon it when replaced
        self._waiting: list[AttemptRecorder] = []  # handed out, not on screen yet
        self._offered_for: set[str] = set()
        self.sender = None  # the background LRS sender (simulator.records.lrs_sender), if configured
        self._unsaved: list[AttemptRecorder] = []  # attempts with turns a failed save kept in memory
        self._notices_shown = 0  # store.notices already shown on screen

    # -- sessions -----------------------------------------------------------------------
    def _profile(self) -> str:
        return self.app.profile or GUEST

    def _hand_out(self, recorder: "AttemptRecorder") -> ConversationSession:
        self._waiting.append(recorder)
        return recorder.session

    def recorder_for(self, session: ConversationSession | None) -> "AttemptRecorder | None":
        """The attempt recording `session`, or None when no attempt of this link has it."""
        for recorder in (self._live, *self._waiting, *self._unsaved):
            if recorder is not None and recorder.session is session:
                return recorder
        return None

    def new_session(self, scenario: Any, catalog: Any, choices: list[int], *,
                    seed: int | None = None) -> ConversationSession:
        """A new attempt (reply order from `seed`, stored with it) with `choices` played and
        saved; its Session is what the screens get."""
        from simulator.records.game_bridge import AttemptRecorder

        return self._hand_out(AttemptRecorder.start_from_choices(self.store, self._profile(), scenario, catalog,
                                                                 choices, seed=seed))

    def continue_session(self, live: ConversationSession, scenario: Any, catalog: Any, choices: list[int], *,
                         seed: int | None = None) -> ConversationSession:
        """After F5, the re-read scenario replayed to where the trainee was, saving into the
        same attempt (so one play stays one attempt in the history)."""
        previous = self.recorder_for(live)
        if previous is None or previous.attempt_id is None:  # nothing on disk to continue: a new attempt
            return self.new_session(scenario, catalog, choices, seed=seed)
        from simulator.engine.session import Session
        from simulator.records.game_bridge import AttemptRecorder

        session = Session.replay(scenario, catalog, choices, seed=seed)
        return self._hand_out(AttemptRecorder(session, self.store, previous.attempt_id, previous.profile))

    def on_turn(self, event: TurnPlayed) -> None:
        """App.turns subscriber: the attempt of the conversation saves the turn, now."""
        recorder = self.recorder_for(event.session)
        if recorder is None:
            return
        try:
            recorder.on_turn(event)
        except Exception:  # a records bug must not end the trainee's conversation
            log.exception("saving turn %s failed", event.record.turn)

    def on_session(self, kind: ConversationEvent, session: ConversationSession, entry: Any) -> None:
        """Session listener: abandon replaced or left attempts; say when nothing is saved."""
        from simulator.records.game_bridge import TURN_SAVE_WAIT_MS

        self.retry_unsaved(wait_ms=TURN_SAVE_WAIT_MS)  # turns a failed save kept: try again, briefly
        recorder = self.recorder_for(session)
        if kind is ConversationEvent.START:
            previous = self._live
            if recorder is not None and recorder in self._waiting:
                self._waiting.remove(recorder)
            same_attempt = (previous is not None and recorder is not None and previous.attempt_id is not None
                            and previous.attempt_id == recorder.attempt_id)
            if previous is not None and previous is not recorder and not same_attempt:
                previous.abandon()  # restart / replay: the old attempt will never go on (F5 goes on with it)
            for unused in self._waiting:  # handed out but never shown (a reload that restarted instead)
                if recorder is None or unused.attempt_id != recorder.attempt_id:
                    unused.abandon()
            self._waiting = []
            self._live = recorder
        elif kind is ConversationEvent.LEFT:
            if recorder is not None:
                recorder.abandon()
            self._live = None
        elif kind is ConversationEvent.END:
            self._live = None
        if kind in (ConversationEvent.START, ConversationEvent.TURN):
            self._show_status(recorder)
        if kind in (ConversationEvent.TURN, ConversationEvent.END) and self.sender is not None:
            self.sender.wake()  # the turn's statement is queued: send it now (returns at once)
        if recorder is not None and recorder.pending and recorder not in self._unsaved:
            self._unsaved.append(recorder)

    def retry_unsaved(self, wait_ms: int | None = None) -> None:
        """Write what earlier failed saves kept (in order); at exit with the normal wait."""
        for recorder in list(self._unsaved):
            if recorder.flush(wait_ms=wait_ms):
                self._unsaved.remove(recorder)

    def _show_status(self, recorder: "AttemptRecorder | None") -> None:
        from simulator.records.game_bridge import saving_status

        status = saving_status(self.store, recorder)
        notices = self.store.notices
        if status is None and len(notices) > self._notices_shown:  # e.g. a removed file written again
            status = notices[-1]
            self._notices_shown = len(notices)
        if status and (self.app.notice is None or self.app.notice[0] != status):
            self.app.notify(status, "warning")

    # -- resume -------------------------------------------------------------------------
    def offer_resume(self) -> None:
        """Called when the picker opens for a profile: offer its unfinished attempt once."""
        from simulator.records.game_bridge import decline, resume_offer

        profile = self.app.profile
        if not profile or profile in self._offered_for:
            return
        self._offered_for.add(profile)
        library = self.app.ensure_library()
        scenarios = {e.scenario_id: e.scenario for e in library.entries if e.ok}
        offer = resume_offer(self.store, profile, scenarios)
        if offer is None:
            return
        if not offer.available:
            decline(self.store, offer)
            self.app.notify(offer.message, "warning")
            return
        from simulator.ui.scene_registry import make_scene

        self.app.stack.push(make_scene("resume", self.app, offer),
                            on_result=lambda answer: self._answered(offer, answer))

    def _answered(self, offer: Any, answer: Any) -> None:
        from simulator.records.game_bridge import ResumeError, decline, resume
        from simulator.ui.scene_result import ResumeAnswer

        if answer is not ResumeAnswer.RESUME:
            decline(self.store, offer)
            return
        entry = next((e for e in self.app.library.entries if e.ok and e.scenario_id == offer.attempt.scenario_id),
                     None)
        if entry is None:
            decline(self.store, offer)
            self.app.notify(f"\u201c{offer.scenario_title}\u201d is no longer available.", "warning")
            return
        try:
            recorder = resume(self.store, offer, entry.scenario, entry.catalog or self.app.library.catalog)
        except ResumeError as error:
            decline(self.store, offer)
            self.app.notify(f"Sorry, {error}. Starting fresh.", "warning")
            return
        from simulator.ui.scene_registry import make_scene

        self.app.stack.push(make_scene("conversation", self.app, entry, session=self._hand_out(recorder)))

    # -- progress -----------------------------------------------------------------------
    def progress(self) -> "Progress | None":
        """The Progress (simulator.records.progress) of the current trainee, or None."""
        from simulator.records.game_bridge import load_progress
        from simulator.records.store import RecordsError

        try:
            return load_progress(self.store, self._profile(), catalog=self.app.library.catalog)
        except RecordsError as error:
            self.app.notify(f"Your progress could not be read: {error}", "warning")
            return None


def attach_records(app: "App", store: Any) -> RecordsLink:
    """Record the app's conversations in the records `store` (see the module docstring)."""
    link = RecordsLink(app, store)
    from simulator.records.lrs_sender import start_background_sender

    link.sender = start_background_sender(store)  # stops when the store closes at exit
    store.on_close(link.retry_unsaved)  # the exit path closes the store: a last chance to save
    app.records = link
    app.turns.subscribe(link.on_turn)
    app.add_session_listener(link.on_session)
    problems = [*store.warnings]
    profiles = app.store  # a ProfileStore: its `problem` is the start screen's banner
    if problems:
        profiles.problem = " ".join([*problems, *([profiles.problem] if profiles.problem else [])])
    return link
