"""Connects the game to the records database: every conversation saves each turn, an
unfinished one is offered for resuming, and the picker can open the progress screen.

    store = open_store(data_dir)                  # simulator.records.game_bridge
    app = App(source, store=RecordsProfileStore(store, error=ProfileError), ...)
    attach_records(app, store)

Without `attach_records` the game plays exactly as before (nothing saved).
"""

from __future__ import annotations

from typing import Any

GUEST = "Guest"


class RecordsLink:
    """The records side of one App: session factory, listener, resume offer."""

    def __init__(self, app: Any, store: Any) -> None:
        self.app = app
        self.store = store
        self._live = None  # the RecordingSession on screen, to abandon it when replaced
        self._offered_for: set[str] = set()
        self.sender = None  # the background LRS sender (simulator.records.lrs_sender), if configured
        self._unsaved: list[Any] = []  # sessions with turns a failed save kept in memory
        self._notices_shown = 0  # store.notices already shown on screen

    # -- sessions -----------------------------------------------------------------------
    def make_session(self, scenario: Any, catalog: Any, choices: list[int], *, seed: int | None = None) -> Any:
        """App.session_factory: a RecordingSession (reply order from `seed`, stored with the
        attempt) with `choices` played (and saved)."""
        from simulator.records.game_bridge import RecordingSession

        return RecordingSession.start_from_choices(self.store, self.app.profile or GUEST, scenario, catalog,
                                                   choices, seed=seed)

    def continue_session(self, live: Any, scenario: Any, catalog: Any, choices: list[int], *,
                         seed: int | None = None) -> Any:
        """App.continue_factory: after F5, the re-read scenario replayed to where the trainee
        was, saving into the same attempt (so one play stays one attempt in the history)."""
        attempt_id = getattr(live, "attempt_id", None)
        if attempt_id is None:  # nothing on disk to continue: an ordinary new attempt
            return self.make_session(scenario, catalog, choices, seed=seed)
        from simulator.engine.session import Session
        from simulator.records.game_bridge import RecordingSession

        session = Session.replay(scenario, catalog, choices, seed=seed)
        return RecordingSession(session, self.store, attempt_id, getattr(live, "profile", None)
                                or self.app.profile or GUEST)

    def on_session(self, kind: str, session: Any, entry: Any) -> None:
        """Session listener: abandon replaced or left attempts; say when nothing is saved."""
        from simulator.records.game_bridge import TURN_SAVE_WAIT_MS

        self.retry_unsaved(wait_ms=TURN_SAVE_WAIT_MS)  # turns a failed save kept: try again, briefly
        if kind == "start":
            previous = self._live
            same_attempt = getattr(previous, "attempt_id", None) is not None and (
                getattr(previous, "attempt_id", None) == getattr(session, "attempt_id", None))
            if (previous is not None and previous is not session and not same_attempt
                    and hasattr(previous, "abandon")):
                previous.abandon()  # restart / replay: the old attempt will never go on (F5 goes on with it)
            self._live = session
        elif kind == "left":
            if hasattr(session, "abandon"):
                session.abandon()
            self._live = None
        elif kind == "end":
            self._live = None
        if kind in ("start", "turn"):
            self._show_status(session)
        if kind in ("turn", "end") and self.sender is not None:
            self.sender.wake()  # the turn's statement is queued: send it now (returns at once)
        if getattr(session, "pending", False) and session not in self._unsaved:
            self._unsaved.append(session)

    def retry_unsaved(self, wait_ms: int | None = None) -> None:
        """Write what earlier failed saves kept (in order); at exit with the normal wait."""
        for session in list(self._unsaved):
            if session.flush(wait_ms=wait_ms):
                self._unsaved.remove(session)

    def _show_status(self, session: Any) -> None:
        from simulator.records.game_bridge import RecordingSession, saving_status

        status = saving_status(self.store, session if isinstance(session, RecordingSession) else None)
        notices = getattr(self.store, "notices", [])
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
        from simulator.ui.scenes.resume import ResumeScene

        self.app.stack.push(ResumeScene(self.app, offer), on_result=lambda choice: self._answered(offer, choice))

    def _answered(self, offer: Any, choice: Any) -> None:
        from simulator.records.game_bridge import ResumeError, decline, resume

        if choice != "resume":
            decline(self.store, offer)
            return
        entry = next((e for e in self.app.library.entries if e.ok and e.scenario_id == offer.attempt.scenario_id),
                     None)
        if entry is None:
            decline(self.store, offer)
            self.app.notify(f"\u201c{offer.scenario_title}\u201d is no longer available.", "warning")
            return
        try:
            play = resume(self.store, offer, entry.scenario, entry.catalog or self.app.library.catalog)
        except ResumeError as error:
            decline(self.store, offer)
            self.app.notify(f"Sorry, {error}. Starting fresh.", "warning")
            return
        from simulator.ui.scenes.conversation import ConversationScene

        self.app.stack.push(ConversationScene(self.app, entry, session=play))

    # -- progress -----------------------------------------------------------------------
    def progress(self) -> Any:
        """The Progress (simulator.records.progress) of the current trainee, or None."""
        from simulator.records.game_bridge import load_progress
        from simulator.records.store import RecordsError

        try:
            return load_progress(self.store, self.app.profile or GUEST, catalog=self.app.library.catalog)
        except RecordsError as error:
            self.app.notify(f"Your progress could not be read: {error}", "warning")
            return None


def attach_records(app: Any, store: Any) -> RecordsLink:
    """Route the app's sessions through the records `store` (see the module docstring)."""
    link = RecordsLink(app, store)
    from simulator.records.lrs_sender import start_background_sender

    link.sender = start_background_sender(store)  # stops when the store closes at exit
    store.on_close(link.retry_unsaved)  # the exit path closes the store: a last chance to save
    app.records = link
    app.session_factory = link.make_session
    app.continue_factory = link.continue_session
    app.add_session_listener(link.on_session)
    problems = [*store.warnings]
    profiles = app.store
    if problems and hasattr(profiles, "problem"):
        profiles.problem = " ".join([*problems, *([profiles.problem] if profiles.problem else [])])
    return link
