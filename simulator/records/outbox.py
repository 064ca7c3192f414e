"""The outbox: xAPI statements on their way to the team's learning record store (LRS).

Writing side (called by `Store` inside the transaction that saves a turn or a finish, so a
turn on disk always has its statement queued, and a turn lost to a crash has none):

    queue(conn, attempt_id, position, text, now)      # position: turn number, 0 = result
    drop_after(conn, attempt_id, position)            # "replay from turn k" in the same attempt

Sending side (the background sender and `customer-sim sync`, on their own connection):

    next_batch(conn, limit)  ->  [(statement_id, text), ...] oldest first
    mark_sent / mark_rejected / note_failure / counts / rejected / requeue_rejected
    set_note / notes                                  # last error, last success (lrs status)

Statement ids are the deterministic uuid5 ids the export writes, so a statement sent twice
(after a kill, a lost answer, a second machine) is the same statement to the store. A
statement the store refuses is *rejected*: kept with the store's reason, never deleted and
never retried by itself (`requeue_rejected` puts them back once the cause is fixed).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from simulator.records.serialize import iso_timestamp
from simulator.records.xapi import statement_id

STATES = ("queued", "sent", "rejected")
MAX_REASON = 2000  # a store may answer with a whole page; keep what a person can read


# ------------------------------------------------------------------ writing (inside the store's transaction)
def queue(conn: sqlite3.Connection, attempt_id: int, position: int, text: str, now: str) -> str:
    """Queue statement `text` for the attempt's turn `position` (0: its result). Saving the
    same statement again changes nothing; a changed statement under the same id (a turn
    saved again differently) goes back in the queue. Returns the statement id."""
    sid = statement_id(text)
    conn.execute(
        "INSERT INTO outbox (statement_id, attempt_id, position, statement, queued_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(statement_id) DO UPDATE SET statement = excluded.statement, state = 'queued', tries = 0, "
        "reason = NULL, sent_at = NULL, queued_at = excluded.queued_at WHERE outbox.statement <> excluded.statement",
        (sid, attempt_id, position, text, now))
    return sid


def drop_after(conn: sqlite3.Connection, attempt_id: int, position: int) -> None:
    """Forget queued turn statements after `position`: the attempt was rewound, and the
    export will not have those turns either. (Sent ones are the store's history.)"""
    conn.execute("DELETE FROM outbox WHERE attempt_id = ? AND position > ? AND state = 'queued'",
                 (attempt_id, position))


# ------------------------------------------------------------------ sending side
@contextmanager
def _write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One short write transaction (the game's turn saves wait for it at most a moment)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        raise


def next_batch(conn: sqlite3.Connection, limit: int, *, after: str | None = None) -> list[tuple[str, str]]:
    """Up to `limit` queued statements, oldest first: [(statement_id, text), ...]."""
    rows = conn.execute("SELECT statement_id, statement FROM outbox WHERE state = 'queued' ORDER BY seq LIMIT ?",
                        (int(limit),)).fetchall()
    return [(row[0], row[1]) for row in rows]


def mark_sent(conn: sqlite3.Connection, ids: Iterable[str], *, note: str | None = None,
              now: str | None = None) -> int:
    """The store has these statements now. Returns how many rows changed."""
    ids = list(ids)
    stamp = now or iso_timestamp()
    with _write(conn):
        changed = 0
        for start in range(0, len(ids), 500):  # SQLite caps the number of ? in one statement
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            changed += conn.execute(
                f"UPDATE outbox SET state = 'sent', sent_at = ?, reason = ? WHERE state = 'queued' "
                f"AND statement_id IN ({marks})", (stamp, note, *chunk)).rowcount
    return changed


def mark_rejected(conn: sqlite3.Connection, sid: str, reason: str, *, now: str | None = None) -> None:
    """Put one statement aside with the store's reason: kept, not retried by itself."""
    with _write(conn):
        conn.execute("UPDATE outbox SET state = 'rejected', reason = ?, sent_at = ? WHERE statement_id = ?",
                     (reason[:MAX_REASON], now or iso_timestamp(), sid))


def note_failure(conn: sqlite3.Connection, sid: str, reason: str) -> int:
    """Count one more failed try of a statement sent alone; returns its tries so far."""
    with _write(conn):
        conn.execute("UPDATE outbox SET tries = tries + 1, reason = ? WHERE statement_id = ?",
                     (reason[:MAX_REASON], sid))
        row = conn.execute("SELECT tries FROM outbox WHERE statement_id = ?", (sid,)).fetchone()
    return int(row[0]) if row else 0


def requeue_rejected(conn: sqlite3.Connection) -> int:
    """Give every rejected statement another chance (after the cause was fixed)."""
    with _write(conn):
        return conn.execute("UPDATE outbox SET state = 'queued', tries = 0 WHERE state = 'rejected'").rowcount


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """{"queued": n, "sent": n, "rejected": n}."""
    found = dict(conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
    return {state: int(found.get(state, 0)) for state in STATES}


@dataclass(frozen=True, slots=True)
class Rejected:
    statement_id: str
    attempt_id: int
    position: int
    reason: str
    at: str | None


def rejected(conn: sqlite3.Connection, limit: int | None = 20) -> list[Rejected]:
    """The statements put aside, newest first, each with the store's reason."""
    sql = ("SELECT statement_id, attempt_id, position, COALESCE(reason, ''), sent_at FROM outbox "
           "WHERE state = 'rejected' ORDER BY seq DESC")
    rows = conn.execute(sql + (" LIMIT ?" if limit is not None else ""),
                        (int(limit),) if limit is not None else ()).fetchall()
    return [Rejected(*row) for row in rows]


def set_note(conn: sqlite3.Connection, key: str, value: str, *, now: str | None = None) -> None:
    """Remember `key` (last_error, last_success…) for `customer-sim lrs status`."""
    with _write(conn):
        conn.execute("INSERT INTO lrs_state (key, value, at) VALUES (?, ?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value, at = excluded.at",
                     (key, value[:MAX_REASON], now or iso_timestamp()))


def clear_note(conn: sqlite3.Connection, key: str) -> None:
    with _write(conn):
        conn.execute("DELETE FROM lrs_state WHERE key = ?", (key,))


def notes(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """key -> (value, when)."""
    return {row[0]: (row[1], row[2]) for row in conn.execute("SELECT key, value, at FROM lrs_state")}
