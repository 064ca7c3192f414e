"""The records database layout, its version and the migrations between versions.

Each migration is a function run inside one write transaction and recorded in the
`migrations` table, so a database always says which version it is, a half-applied upgrade
is impossible, and two processes opening an old file at once upgrade it exactly once.
`PRAGMA user_version` mirrors the version so it can be read without touching any table, and
`PRAGMA application_id` marks the file as ours: any other SQLite file is "foreign".
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable

from simulator.records.serialize import dumps, iso_timestamp, loads

# "CSim" in ASCII: lets `open_store` tell our database from any other SQLite file.
APPLICATION_ID = 0x4353696D
SCHEMA_VERSION = 5

STATUSES = ("in_progress", "finished", "abandoned")


def _v1_initial(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE profiles (
               name TEXT PRIMARY KEY,
               settings TEXT NOT NULL DEFAULT '{}',
               created_at TEXT NOT NULL)"""
    )
    conn.execute(
        """CREATE TABLE attempts (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               profile TEXT NOT NULL,
               scenario_id TEXT NOT NULL,
               scenario_sha256 TEXT NOT NULL DEFAULT '',
               catalog_sha256 TEXT NOT NULL DEFAULT '',
               started_at TEXT NOT NULL,
               finished_at TEXT,
               status TEXT NOT NULL DEFAULT 'in_progress'
                   CHECK (status IN ('in_progress', 'finished', 'abandoned')),
               choices TEXT NOT NULL DEFAULT '[]',
               moods TEXT NOT NULL DEFAULT '[]',
               evidence TEXT NOT NULL DEFAULT '[]',
               skills TEXT,
               overall REAL,
               grade TEXT,
               outcome TEXT,
               snapshot TEXT)"""
    )
    conn.execute("CREATE INDEX attempts_by_profile ON attempts (profile, scenario_id, id)")


def _v2_split_details(conn: sqlite3.Connection) -> None:
    """Version 2: the big JSON (snapshot, transcript, moods, evidence) moves to its own
    table, so listing thousands of attempts reads only small rows; and attempts gain a
    global uid (stable xAPI ids; de-duplication when reports merge exports from many
    machines), the scenario title as played, a last-update time and the full result;
    profiles remember when they were last used (the start screen lists recent ones first)."""
    conn.execute(
        """CREATE TABLE attempts_v2 (
               id INTEGER PRIMARY KEY,
               uid TEXT NOT NULL UNIQUE,
               profile TEXT NOT NULL,
               scenario_id TEXT NOT NULL,
               scenario_title TEXT NOT NULL DEFAULT '',
               scenario_sha256 TEXT NOT NULL DEFAULT '',
               catalog_sha256 TEXT NOT NULL DEFAULT '',
               started_at TEXT NOT NULL,
               finished_at TEXT,
               updated_at TEXT,
               status TEXT NOT NULL DEFAULT 'in_progress'
                   CHECK (status IN ('in_progress', 'finished', 'abandoned')),
               choices TEXT NOT NULL DEFAULT '[]',
               skills TEXT,
               overall REAL,
               grade TEXT,
               outcome TEXT)"""
    )
    conn.execute(
        """CREATE TABLE attempt_details (
               attempt_id INTEGER PRIMARY KEY REFERENCES attempts (id),
               moods TEXT NOT NULL DEFAULT '[]',
               evidence TEXT NOT NULL DEFAULT '[]',
               turns TEXT NOT NULL DEFAULT '[]',
               snapshot TEXT,
               result TEXT)"""
    )
    rows = conn.execute(
        "SELECT id, profile, scenario_id, scenario_sha256, catalog_sha256, started_at, finished_at, status, "
        "choices, skills, overall, grade, outcome, moods, evidence, snapshot FROM attempts").fetchall()
    for row in rows:
        (attempt_id, profile, scenario_id, scenario_sha, catalog_sha, started, finished, status,
         choices, skills, overall, grade, outcome, moods, evidence, snapshot) = row
        conn.execute(
            "INSERT INTO attempts_v2 (id, uid, profile, scenario_id, scenario_sha256, catalog_sha256, started_at, "
            "finished_at, updated_at, status, choices, skills, overall, grade, outcome) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (attempt_id, str(uuid.uuid4()), profile, scenario_id, scenario_sha, catalog_sha, started, finished,
             finished or started, status, choices, skills, overall, grade, outcome))
        # Version 1 kept only the choices per turn; give each turn a stub so counts stay right.
        turns = [{"turn": n + 1, "choice": c} for n, c in enumerate(loads(choices, []))]
        conn.execute(
            "INSERT INTO attempt_details (attempt_id, moods, evidence, turns, snapshot) VALUES (?, ?, ?, ?, ?)",
            (attempt_id, moods, evidence, dumps(turns), snapshot if status == "in_progress" else None))
    conn.execute("DROP TABLE attempts")
    conn.execute("ALTER TABLE attempts_v2 RENAME TO attempts")
    conn.execute("CREATE INDEX attempts_by_profile ON attempts (profile, scenario_id, id)")
    conn.execute("CREATE INDEX attempts_by_status ON attempts (profile, status, id)")
    conn.execute("ALTER TABLE profiles ADD COLUMN last_used_at TEXT")


def _v3_attempt_seed(conn: sqlite3.Connection) -> None:
    """Version 3: attempts remember the seed their replies were shuffled with, so resume,
    replay-from-turn and re-scoring show exactly the order the trainee saw. Older attempts
    were shown in authored order, which is what NULL means."""
    conn.execute("ALTER TABLE attempts ADD COLUMN seed INTEGER")


def _v4_outbox(conn: sqlite3.Connection) -> None:
    """Version 4: the outbox of xAPI statements waiting for the team's learning record store.

    A statement is written here in the same transaction as the turn (or finish) it
    describes, so a turn on disk always has its statement queued; the background sender
    marks it sent, or rejected with the store's reason (kept, never deleted, never retried
    on its own). `position` is the turn number, 0 for the attempt's result statement.
    `lrs_state` keeps the sender's last error and last success for `customer-sim lrs status`."""
    conn.execute(
        """CREATE TABLE outbox (
               seq INTEGER PRIMARY KEY AUTOINCREMENT,
               statement_id TEXT NOT NULL UNIQUE,
               attempt_id INTEGER NOT NULL,
               position INTEGER NOT NULL,
               statement TEXT NOT NULL,
               state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'rejected')),
               queued_at TEXT NOT NULL,
               tries INTEGER NOT NULL DEFAULT 0,
               sent_at TEXT,
               reason TEXT)"""
    )
    conn.execute("CREATE INDEX outbox_by_state ON outbox (state, seq)")
    conn.execute("CREATE INDEX outbox_by_attempt ON outbox (attempt_id, position)")
    conn.execute(
        """CREATE TABLE lrs_state (
               key TEXT PRIMARY KEY,
               value TEXT NOT NULL,
               at TEXT NOT NULL)"""
    )


def _v5_turn_lines(conn: sqlite3.Connection) -> None:
    """Version 5: a transcript line is the engine's compact turn encoding
    (`TurnRecord.to_json(compact=True)`), which names two keys differently from the lines
    written before: `node_id` and `next_id` become `node` and `next`. Every other key, and
    every line that does not parse, is kept exactly as it was."""
    from simulator.records.turn_lines import upgrade_lines_text

    rows = conn.execute("""SELECT attempt_id, turns FROM attempt_details
                           WHERE instr(turns, '"node_id"') OR instr(turns, '"next_id"')""").fetchall()
    for attempt_id, turns in rows:
        upgraded = upgrade_lines_text(turns)
        if upgraded != turns:
            conn.execute("UPDATE attempt_details SET turns = ? WHERE attempt_id = ?", (upgraded, attempt_id))


# version -> (name, function). Append only: never edit a migration that has shipped.
MIGRATIONS: dict[int, tuple[str, Callable[[sqlite3.Connection], None]]] = {
    1: ("initial tables", _v1_initial),
    2: ("attempt details table, uid, title, transcript", _v2_split_details),
    3: ("attempt reply-order seed", _v3_attempt_seed),
    4: ("outbox of xAPI statements for the learning record store", _v4_outbox),
    5: ("transcript lines in the engine's compact turn encoding", _v5_turn_lines),
}
assert max(MIGRATIONS) == SCHEMA_VERSION


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the file (0 for a brand-new, empty database)."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    ).fetchone()
    if not has_table:
        return 0
    row = conn.execute("SELECT MAX(version) FROM migrations").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> list[int]:
    """Apply every migration above the file's version up to `target`; returns the versions
    applied. The connection must be in autocommit mode (isolation_level=None)."""
    applied: list[int] = []
    for version in range(1, target + 1):
        name, upgrade = MIGRATIONS[version]
        # BEGIN IMMEDIATE takes the write lock first, then we re-check the version: another
        # process may have upgraded the file while we waited for the lock.
        conn.execute("BEGIN IMMEDIATE")
        try:
            if current_version(conn) >= version:
                conn.execute("COMMIT")
                continue
            if version == 1:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(
                    """CREATE TABLE IF NOT EXISTS migrations (
                           version INTEGER PRIMARY KEY,
                           name TEXT NOT NULL,
                           applied_at TEXT NOT NULL)"""
                )
            upgrade(conn)
            conn.execute(
                "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, iso_timestamp()),
            )
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
            applied.append(version)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return applied
