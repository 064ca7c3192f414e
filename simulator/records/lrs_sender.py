"""Sends the outbox to the team's LRS: in the background while the game runs, or once
in the foreground for `customer-sim sync`.

    sender = Sender(store.path, settings)
    sender.start()        # a daemon thread with its own database connection
    sender.wake()         # a turn was saved: look now instead of at the next poll
    sender.stop()         # on exit: finishes the request in flight (bounded), then returns
    result = Sender(path, settings).send_pending()   # `customer-sim sync`

Why it never blocks a frame: the game thread only calls `wake()` (sets an event). The
thread holds the database write lock only to mark rows sent or rejected (one short
UPDATE), never during HTTP, so a turn save waits a millisecond at most.

Why nothing is lost or duplicated: a statement leaves the queue only after the store said
it has it (200/204), or when it is set aside as rejected. A kill mid-request leaves it
queued; it is sent again with the same id, which the store treats as the same statement.

A batch the store fails on (a 4xx about the content, or a 500) is split in halves until
the statement at fault is alone: the others go through, and that one is rejected with the
store's reason (a 500 on a lone statement is retried a few times with backoff first, since
it may be the store's own trouble). Authentication and address errors never reject
anything: the outbox waits for the settings to be fixed. Between failures the thread waits
with exponential backoff and jitter, capped.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from simulator.records import dbfile, outbox
from simulator.records.lrs_client import Answer, LrsClient
from simulator.records.lrs_settings import LrsSettings

log = logging.getLogger("simulator.records.lrs")

IDLE_POLL_S = 5.0  # with nothing queued, look again this often (wake() cuts it short)
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 300.0
LONE_FAILURES_BEFORE_REJECT = 5  # 500s on one statement alone, with backoff between them
STOP_WAIT_S = 3.0


@dataclass(slots=True)
class SendResult:
    """What one pass over the outbox did."""

    sent: int = 0
    rejected: int = 0
    conflicts: int = 0
    requests: int = 0
    stopped_by: Answer | None = None  # why the pass ended early (store away, auth…)
    rejected_reasons: list[str] = field(default_factory=list)


class _Pause(Exception):
    """Stop this pass and wait: the store is away, throttling, or refusing the credentials."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.message)
        self.answer = answer


class Sender:
    """Delivers the outbox of the records database at `db_path` to the LRS in `settings`."""

    def __init__(self, db_path: Path, settings: LrsSettings, *, client: LrsClient | None = None,
                 rng: random.Random | None = None, idle_poll: float = IDLE_POLL_S,
                 backoff_base: float = BACKOFF_BASE_S, backoff_cap: float = BACKOFF_CAP_S) -> None:
        self.db_path = Path(db_path)
        self.settings = settings
        self._client = client
        self._rng = rng or random.Random()
        self._idle_poll = idle_poll
        self._backoff_base, self._backoff_cap = backoff_base, backoff_cap
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0  # consecutive passes that ended early
        self.passes = 0  # passes over the outbox the background thread made
        self.last_answer: Answer | None = None

    # ------------------------------------------------------------------ background
    def start(self) -> "Sender":
        """Start the background thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="customer-sim-lrs-sender", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        """Something was queued: send it now. Returns at once (safe from the game loop)."""
        self._wake.set()

    def stop(self, timeout: float = STOP_WAIT_S) -> bool:
        """Ask the thread to finish and wait up to `timeout` s; True when it has ended.
        A request still in flight then is abandoned: its statements stay queued."""
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def close(self) -> None:
        """Close the HTTP connections (after `send_pending` in the foreground)."""
        if self._client is not None and not self.running:
            self._client.close()
            self._client = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        conn = None
        opened = None
        try:
            while not self._stopping.is_set():
                try:
                    if conn is not None and dbfile.file_id(self.db_path) != opened:
                        conn.close()  # the records file was written again elsewhere (folder removed)
                        conn = None
                    if conn is None:
                        conn = dbfile.connect(self.db_path)
                        opened = dbfile.file_id(self.db_path)
                    result = self.send_pending(conn=conn)
                    self.passes += 1
                except sqlite3.Error as error:  # the records file itself is in trouble
                    log.warning("cannot read the outbox in %s: %s", self.db_path, error)
                    result = SendResult(stopped_by=Answer("away", None, f"records file: {error}"))
                    if conn is not None:
                        conn.close()
                        conn = None
                if result.stopped_by is None:
                    self.failures = 0
                    delay = self._idle_poll
                else:
                    self.failures += 1
                    delay = self.backoff(self.failures, result.stopped_by.retry_after)
                self._pause(delay, idle=result.stopped_by is None)
        finally:
            if conn is not None:
                conn.close()
            if self._client is not None:
                self._client.close()

    def _pause(self, delay: float, *, idle: bool) -> None:
        """Wait `delay` s. Idle, a wake() (a turn was queued) ends the wait at once; backing
        off, it does not, so a trainee's turns never make the sender hammer a store that is
        down. stop() always ends it."""
        deadline = time.monotonic() + delay
        while not self._stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            woken = self._wake.wait(remaining)
            self._wake.clear()
            if woken and idle:
                return

    def backoff(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds to wait after `failures` failed passes in a row: exponential, capped, with
        "equal jitter" (half fixed, half random) so many desktops do not retry in step."""
        ceiling = min(self._backoff_cap, self._backoff_base * 2 ** max(0, failures - 1))
        delay = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        return max(delay, retry_after or 0.0)

    # ------------------------------------------------------------------ one pass
    def send_pending(self, *, conn: sqlite3.Connection | None = None,
                     progress: Callable[[SendResult], None] | None = None) -> SendResult:
        """Send queued statements, batch after batch, until none is left or the store
        stops the pass (then `stopped_by` says why). Used by the thread and by `sync`."""
        own = conn is None
        conn = dbfile.connect(self.db_path) if own else conn
        client = self._client = self._client or LrsClient(self.settings)
        result = SendResult()
        try:
            while not self._stopping.is_set():
                batch = outbox.next_batch(conn, self.settings.batch_size)
                if not batch:
                    break
                try:
                    self._deliver(conn, client, batch, result)
                except _Pause as pause:
                    result.stopped_by = pause.answer
                    if not self._stopping.is_set():
                        self._note_error(conn, pause.answer.message)
                    break
                if progress is not None:
                    progress(result)
            if result.sent or result.conflicts:
                outbox.set_note(conn, "last_success", f"{result.sent + result.conflicts} statement(s) delivered")
                if result.stopped_by is None:
                    outbox.clear_note(conn, "last_error")
        finally:
            if own:
                conn.close()
        return result

    def _deliver(self, conn: sqlite3.Connection, client: LrsClient, batch: list[tuple[str, str]],
                 result: SendResult) -> None:
        """Send `batch`; on a content failure split it to isolate the statement at fault."""
        if self._stopping.is_set():
            raise _Pause(Answer("away", None, "stopping"))
        answer = client.post_statements([text for _, text in batch])
        result.requests += 1
        self.last_answer = answer
        ids = [sid for sid, _ in batch]
        if answer.kind == "sent":
            result.sent += outbox.mark_sent(conn, ids)
            return
        if answer.kind in ("auth", "address", "throttled", "away"):
            raise _Pause(answer)
        if len(batch) > 1:  # conflict, rejected or failed: find the statement(s) at fault
            middle = len(batch) // 2
            self._deliver(conn, client, batch[:middle], result)
            self._deliver(conn, client, batch[middle:], result)
            return
        sid = ids[0]
        if answer.kind == "conflict":
            # The store already holds a statement under this id; sending again cannot change
            # that, and the id is ours (deterministic), so it is delivered as far as we can.
            result.conflicts += outbox.mark_sent(conn, ids, note=answer.message)
            log.warning("statement %s: %s", sid, answer.message)
            return
        if answer.kind == "failed":
            tries = outbox.note_failure(conn, sid, answer.message)
            if tries < LONE_FAILURES_BEFORE_REJECT:
                raise _Pause(answer)
            reason = f"the store failed on this statement {tries} times in a row: {answer.message}"
        else:
            reason = answer.message
        outbox.mark_rejected(conn, sid, reason)
        result.rejected += 1
        result.rejected_reasons.append(reason)
        log.warning("statement %s set aside: %s", sid, reason)

    def _note_error(self, conn: sqlite3.Connection, message: str) -> None:
        try:
            outbox.set_note(conn, "last_error", self.settings.scrub(message))
        except sqlite3.Error:
            pass  # the note is a courtesy; the outbox itself is untouched


def start_background_sender(store, settings: LrsSettings | None = None) -> Sender | None:
    """For the game: build the store's statements with the team's IRI base and, when an LRS
    is configured and the records are on disk, start sending in the background. The sender
    stops when the store closes (the game's exit path). None when nothing is to be sent."""
    from simulator.records.lrs_settings import load_settings

    settings = settings or load_settings()
    if not settings.problems:
        store.statements = settings.builder()
    for problem in (*settings.problems, *settings.notes):
        log.warning("LRS settings: %s", problem)
    if not settings.configured or not store.saving:
        return None
    sender = Sender(store.path, settings).start()
    store.on_close(sender.stop)
    return sender
