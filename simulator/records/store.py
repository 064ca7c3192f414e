"""Attempt history: every play-through of every trainee, saved turn by turn in SQLite.

Open it with `open_store()`; it never raises for a bad file or folder:

* a corrupt or foreign file is renamed to `<name>.corrupt-<time>` and a fresh database is
  started; `store.warnings` holds the message to show;
* a folder we cannot write (or a database made by a newer version of the program) gives a
  store that keeps this session's attempts in memory only; `store.read_only_reason` says
  why nothing is being saved, and the game plays on.

Every write is one short `BEGIN IMMEDIATE … COMMIT` transaction in WAL mode, with a busy
timeout, so a kill mid-write loses at most that write and two copies of the game can save
at once. Later failures (disk full, folder removed) raise `RecordsError` with a clear
message; `simulator.records.game_bridge` turns those into an on-screen note.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from simulator.records import dbfile, outbox
from simulator.records.location import database_path
from simulator.records.attempt import (MAX_PROFILE_NAME, Attempt, AttemptRow, RecordsError, ScenarioGrades,
                                       clean_profile_name)
from simulator.records.schema import SCHEMA_VERSION, STATUSES
from simulator.records.serialize import dumps, field, iso_timestamp, loads, to_jsonable
from simulator.records.turn_lines import turn_line, upgrade_lines
from simulator.records.xapi import StatementBuilder

# Summaries read the small `attempts` rows only; the big JSON lives in `attempt_details`.
_BASE_COLUMNS = ("a.id, a.uid, a.profile, a.scenario_id, a.scenario_title, a.scenario_sha256, "
                 "a.catalog_sha256, a.started_at, a.finished_at, a.updated_at, a.status, a.choices, "
                 "a.skills, a.overall, a.grade, a.outcome")
# The reply-order seed (schema 3) is always the last column, so `_attempt` reads it as row[-1]
# and the positions of every other column stay as they were.
_SEED_COLUMN = ", a.seed"
_SUMMARY_COLUMNS = _BASE_COLUMNS + _SEED_COLUMN
_FULL_COLUMNS = _BASE_COLUMNS + ", d.moods, d.evidence, d.turns, d.snapshot, d.result" + _SEED_COLUMN
_NO_SNAPSHOT_COLUMNS = _BASE_COLUMNS + ", d.moods, d.evidence, d.turns, NULL, d.result" + _SEED_COLUMN


def _checked(column: str) -> str:
    """`column` when it is NULL or valid JSON, else '' (damaged). SQLite's json_valid is
    C and costs a tenth of parsing in Python; a column spliced into the JSON export
    unchecked made the whole file unreadable when one row was damaged."""
    return f"CASE WHEN {column} IS NULL OR json_valid({column}) THEN {column} ELSE '' END"


# How many members the stored result has when it is valid JSON (else NULL), in the slot the
# snapshot has elsewhere: with it the exports cut the key moments out of the result's text
# after parsing only the small part before them (exports.result_and_moments).
_RESULT_MEMBERS = "CASE WHEN json_valid(d.result) THEN (SELECT COUNT(*) FROM json_each(d.result)) END"
_EXPORT_COLUMNS = (f"{_BASE_COLUMNS}, {_checked('d.moods')}, {_checked('d.evidence')}, {_checked('d.turns')}, "
                   f"{_RESULT_MEMBERS}, d.result{_SEED_COLUMN}")
# The same with the transcript unchecked, for a caller that parses it anyway (`parse_turns`).
_EXPORT_COLUMNS_TURNS_PARSED = _EXPORT_COLUMNS.replace(_checked("d.turns"), "d.turns")
_SUMMARY_FROM = " FROM attempts AS a"
# Salvage (a damaged file): the full row's shape with the details left empty.
_DETAILS_LOST = f"{_BASE_COLUMNS}, NULL, NULL, NULL, NULL, NULL{_SEED_COLUMN}{_SUMMARY_FROM}"
_FULL_FROM = " FROM attempts AS a LEFT JOIN attempt_details AS d ON d.attempt_id = a.id"


class Store:
    """The trainee records database. Create it with `open_store()`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only_reason: str | None = None,
                 warnings: tuple[str, ...] = (), clock: Callable[[], str] = iso_timestamp) -> None:
        self._conn = conn
        self.path = path
        self.read_only_reason = read_only_reason  # None while saving to disk works
        self.warnings = warnings  # messages about what open_store had to do (moved a file…)
        self._clock = clock
        self._batch_depth = 0
        # Builds the statements queued in the outbox with each turn: set it to the team's
        # builder (IRI base) before play; the export must use the same base to match.
        self.statements = StatementBuilder()
        self._closers: list[Callable[[], None]] = []
        self.notices: list[str] = []  # things that happened while saving (a removed file rewritten)
        self._file_id = _file_id(path) if read_only_reason is None else None

    # ---------------------------------------------------------------- housekeeping
    @property
    def saving(self) -> bool:
        """True when attempts are being written to disk."""
        return self.read_only_reason is None

    def close(self) -> None:
        """Stop what was attached with `on_close` (the LRS sender), then close the file."""
        closers, self._closers = self._closers, []
        for closer in reversed(closers):
            with contextlib.suppress(Exception):  # closing must always reach the database
                closer()
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def on_close(self, closer: Callable[[], None]) -> None:
        """Call `closer` when the store closes (e.g. stop the background LRS sender, which
        the game's exit path then stops without knowing about it)."""
        self._closers.append(closer)

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection, for the records modules (outbox status) only."""
        return self._conn

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes into one transaction (imports, benchmarks). Not for the game:
        there each turn must be its own transaction so a crash loses at most one turn."""
        with self._write():
            self._batch_depth += 1
            try:
                yield
            finally:
                self._batch_depth -= 1

    @contextlib.contextmanager
    def _write(self, wait_ms: int | None = None) -> Iterator[sqlite3.Connection]:
        """One write transaction. `wait_ms`: how long to wait for another program's write
        lock (default: the connection's busy timeout); the game passes 0 so a held lock
        never holds up a frame (the turn is kept and saved with the next one)."""
        if self._batch_depth:
            yield self._conn
            return
        self._check_file()
        if wait_ms is not None:
            self._conn.execute(f"PRAGMA busy_timeout = {max(0, int(wait_ms))}")
        try:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise self._error("start saving", error) from error
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except sqlite3.Error as error:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise self._error("save", error) from error
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
                raise
        finally:
            if wait_ms is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute(f"PRAGMA busy_timeout = {dbfile.BUSY_TIMEOUT_MS}")

    def _check_file(self) -> None:
        """Before a write: is the records file still the one we opened? A folder deleted
        mid-game leaves SQLite writing into a file nobody can open again; then the whole
        database is written out afresh at its path, so nothing played so far is lost."""
        if self._file_id is None or _file_id(self.path) == self._file_id:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = dbfile.connect(self.path)
            self._conn.backup(fresh)
            fresh.execute("PRAGMA journal_mode = WAL")
            from simulator.records.opening import SYNCHRONOUS

            fresh.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        except (OSError, sqlite3.Error) as error:
            reason = getattr(error, "strerror", None) or error
            raise RecordsError(f"could not save trainee records: {self.path} was removed while you played and "
                               f"cannot be written again ({reason}); what you play is kept until it can") from None
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._conn = fresh
        self._file_id = _file_id(self.path)
        self.notices.append(f"The records file {self.path} was removed while you played; it was written "
                            "again with everything so far.")

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise self._error("read", error) from error

    def _error(self, doing: str, error: sqlite3.Error) -> RecordsError:
        kind = dbfile.error_kind(error)
        if kind in ("cannot-write", "other") and doing != "read" and dbfile.disk_full(self.path.parent):
            return RecordsError(f"could not {doing} the trainee records in {self.path}: the disk is full, "
                                f"free some space ({error})")
        why = {
            "busy": "another program is holding the records file (it is busy)",
            "cannot-write": "the records folder cannot be written (read-only, full or removed)",
            "corrupt": "the records file is damaged",
        }.get(kind, "the database reported a problem")
        return RecordsError(f"could not {doing} the trainee records in {self.path}: {why} ({error})")

    # ---------------------------------------------------------------- profiles
    def ensure_profile(self, name: str) -> str:
        """Create the profile if new; returns the cleaned name."""
        name = clean_profile_name(name)
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO profiles (name, settings, created_at) VALUES (?, '{}', ?)",
                         (name, self._clock()))
        return name

    def profiles(self, *, recent_first: bool = False) -> list[str]:
        """Every profile, in the order they were created (or most recently used first)."""
        order = ("last_used_at IS NULL, last_used_at DESC, created_at DESC, name" if recent_first
                 else "created_at, name")
        return [row[0] for row in self._read(f"SELECT name FROM profiles ORDER BY {order}")]

    def touch_profile(self, name: str) -> str:
        """Note that `name` is in use now (creating it if new); returns the cleaned name."""
        name = clean_profile_name(name)
        now = self._clock()
        # two profiles touched within one millisecond must still come back in the order they
        # were used: the newest touch is later than every earlier one, by a millisecond if need be
        with self._write() as conn:
            latest = conn.execute("SELECT MAX(last_used_at) FROM profiles").fetchone()[0]
            if isinstance(latest, str) and now <= latest:
                now = _millisecond_after(latest)
            conn.execute("INSERT INTO profiles (name, settings, created_at, last_used_at) VALUES (?, '{}', ?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET last_used_at = excluded.last_used_at", (name, now, now))
        return name

    def last_profile(self) -> str | None:
        """The profile used most recently, if any was ever marked with `touch_profile`."""
        rows = self._read("SELECT name FROM profiles WHERE last_used_at IS NOT NULL "
                          "ORDER BY last_used_at DESC LIMIT 1")
        return rows[0][0] if rows else None

    def settings(self, profile: str) -> dict[str, Any]:
        """The profile's saved settings ({} for a new or unknown profile)."""
        rows = self._read("SELECT settings FROM profiles WHERE name = ?", (clean_profile_name(profile),))
        value = loads(rows[0][0], {}) if rows else {}
        return value if isinstance(value, dict) else {}

    def set_settings(self, profile: str, settings: Mapping[str, Any]) -> None:
        """Replace the profile's settings (any JSON-able mapping); creates the profile."""
        name = clean_profile_name(profile)
        text = dumps(dict(settings))
        with self._write() as conn:
            conn.execute(
                "INSERT INTO profiles (name, settings, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET settings = excluded.settings",
                (name, text, self._clock()))

    def update_settings(self, profile: str, **changes: Any) -> dict[str, Any]:
        """Merge `changes` into the profile's settings; returns the new settings."""
        merged = {**self.settings(profile), **changes}
        self.set_settings(profile, merged)
        return merged

    def rename_profile(self, old: str, new: str) -> str:
        """Rename a profile and move its attempts with it; returns the cleaned new name.
        Statements already queued for the LRS keep the name they were made with."""
        old, new = clean_profile_name(old), clean_profile_name(new)
        with self._write() as conn:
            if new != old:
                conn.execute("UPDATE profiles SET name = ? WHERE name = ?", (new, old))
                conn.execute("UPDATE attempts SET profile = ? WHERE profile = ?", (new, old))
        return new

    def delete_profile(self, name: str, *, keep_history: bool) -> int:
        """Remove a profile. With `keep_history` its attempts stay (exports and the team
        lead still see them); without, they go too, with their details and queued
        statements. Returns how many attempts were removed."""
        name = clean_profile_name(name)
        with self._write() as conn:
            removed = 0
            if not keep_history:
                ids = "SELECT id FROM attempts WHERE profile = ?"
                conn.execute(f"DELETE FROM attempt_details WHERE attempt_id IN ({ids})", (name,))
                conn.execute(f"DELETE FROM outbox WHERE attempt_id IN ({ids})", (name,))
                removed = conn.execute("DELETE FROM attempts WHERE profile = ?", (name,)).rowcount
            conn.execute("DELETE FROM profiles WHERE name = ?", (name,))
        return removed

    # ---------------------------------------------------------------- attempts: writing
    def start_attempt(self, profile: str, scenario: Any, catalog: Any,
                      snapshot: Mapping | None = None) -> int:
        """Record a new in-progress attempt of `scenario` (needs .id; .title and
        .source_sha256 are used when present) scored with `catalog` (.sha256). Returns its id.
        The reply-order seed is taken from the snapshot's `seed` (None: authored order)."""
        name = clean_profile_name(profile)
        now = self._clock()
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO profiles (name, settings, created_at) VALUES (?, '{}', ?)",
                         (name, now))
            cursor = conn.execute(
                "INSERT INTO attempts (uid, profile, scenario_id, scenario_title, scenario_sha256, "
                "catalog_sha256, started_at, updated_at, status, seed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'in_progress', ?)",
                (str(uuid.uuid4()), name, str(field(scenario, "id")), str(field(scenario, "title", "") or ""),
                 str(field(scenario, "source_sha256", "") or ""), str(field(catalog, "sha256", "") or ""),
                 now, now, _seed_of(snapshot)))
            attempt_id = int(cursor.lastrowid)
            conn.execute("INSERT INTO attempt_details (attempt_id, snapshot) VALUES (?, ?)",
                         (attempt_id, dumps(snapshot) if snapshot is not None else None))
            return attempt_id

    def save_turn(self, attempt_id: int, snapshot: Mapping, turn: Any = None, *, wait_ms: int | None = None) -> None:
        """Save the state after a turn: the session snapshot, and from the turn record its
        choice, mood after, evidence and its transcript line (`turn_lines.turn_line`: the
        engine's compact turn encoding). One short transaction.

        Idempotent and replay-safe: the turn's position is taken from the snapshot's choices,
        and everything recorded for that position or later is replaced, so saving turn n
        again (or after "replay from turn k") overwrites instead of duplicating."""
        self.save_turns(attempt_id, snapshot, [turn] if turn is not None else [], wait_ms=wait_ms)

    def save_turns(self, attempt_id: int, snapshot: Mapping, turns: list, *, times: list | None = None,
                   wait_ms: int | None = None) -> None:
        """`save_turn` for the last `len(turns)` turns at once, in order, in one transaction:
        the turns a failed save (disk full, a held lock) kept in memory are written with the
        next one that works, numbered as they were played. `times`: when each was played."""
        choices = [int(c) for c in (field(snapshot, "choices") or [])]
        records = list(turns)[-len(choices):] if choices else []
        keep = max(len(choices) - max(len(records), 1), 0)  # turns before these stay as they are
        with self._write(wait_ms) as conn:
            row = conn.execute(f"SELECT a.status, d.moods, d.turns{_FULL_FROM} WHERE a.id = ?",
                               (attempt_id,)).fetchone()
            if row is None:
                raise RecordsError(f"cannot save a turn: there is no attempt #{attempt_id} in {self.path}")
            if row[0] != "in_progress":
                raise RecordsError(f"cannot save a turn: attempt #{attempt_id} is already {row[0]}")
            moods = list(loads(row[1], []))[:keep]
            lines = list(loads(row[2], []))[:keep]
            now = self._clock()
            first = len(choices) - len(records) + 1
            for index, record in enumerate(records):
                at = (times[index] if times is not None and index < len(times) else None) or now
                moods.append(_rounded_mood(field(record, "mood_after")))
                lines.append(turn_line(record, first + index, at))
            # Evidence is kept per turn *that produced it* (a rule may name an earlier turn),
            # so cutting the transcript back also cuts exactly the evidence it produced.
            evidence = [item for line in lines for item in line.get("evidence", ())]
            conn.execute("UPDATE attempts SET choices = ?, updated_at = ? WHERE id = ?",
                         (dumps(choices), now, attempt_id))
            conn.execute(
                "INSERT OR REPLACE INTO attempt_details (attempt_id, moods, evidence, turns, snapshot) "
                "VALUES (?, ?, ?, ?, ?)", (attempt_id, dumps(moods), dumps(evidence), dumps(lines), dumps(snapshot)))
            # The turns' xAPI statements go into the outbox in this same transaction: on disk
            # together or not at all. Numbered as the export numbers them (transcript lines).
            outbox.drop_after(conn, attempt_id, len(lines))
            for position in range(len(lines) - len(records) + 1, len(lines) + 1):
                self._queue_statement(conn, attempt_id, position, now)

    def finish_attempt(self, attempt_id: int, result: Any, snapshot: Mapping | None = None, *,
                       key_moments: list | None = None, wait_ms: int | None = None) -> None:
        """Mark the attempt finished with the session's Result (skills, overall, grade,
        outcome, evidence, ending_id, ending_text, passed, caps, note) and the debrief's key
        moments (`engine.debrief.moments_json`; None: not known), kept with the result for
        the exports.

        The session snapshot is dropped: a finished attempt is fully described by its
        choices (the session is deterministic) and its compact transcript, which keeps a
        history of thousands of attempts small. `snapshot`, when given, only supplies the
        final choices."""
        evidence = [_compact_evidence(item) for item in field(result, "evidence") or ()]
        extra = {key: to_jsonable(field(result, key)) for key in ("ending_id", "ending_text", "passed", "caps", "note")
                 if field(result, key) is not None}
        if key_moments is not None:
            extra["key_moments"] = to_jsonable(list(key_moments))
        now = self._clock()
        overall = field(result, "overall")
        with self._write(wait_ms) as conn:
            row = conn.execute("SELECT status FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                raise RecordsError(f"cannot finish: there is no attempt #{attempt_id} in {self.path}")
            if row[0] == "finished":
                return  # finishing twice (e.g. after a resumed save) changes nothing
            conn.execute(
                "UPDATE attempts SET status = 'finished', finished_at = ?, updated_at = ?, skills = ?, overall = ?, "
                "grade = ?, outcome = ?, choices = COALESCE(?, choices) WHERE id = ?",
                (now, now, dumps(field(result, "skills") or {}), None if overall is None else float(overall),
                 field(result, "grade"), field(result, "outcome"),
                 dumps(field(snapshot, "choices") or []) if snapshot is not None else None, attempt_id))
            conn.execute("INSERT OR IGNORE INTO attempt_details (attempt_id) VALUES (?)", (attempt_id,))
            turns_text = conn.execute("SELECT turns FROM attempt_details WHERE attempt_id = ?",
                                      (attempt_id,)).fetchone()[0]
            # The per-turn copies of evidence were only needed to rewind a game in progress;
            # the result's evidence list (each item names its turn) replaces them.
            turns = [{k: v for k, v in line.items() if k != "evidence"} for line in loads(turns_text, [])
                     if isinstance(line, dict)]
            conn.execute("UPDATE attempt_details SET evidence = ?, turns = ?, result = ?, snapshot = NULL "
                         "WHERE attempt_id = ?", (dumps(evidence), dumps(turns), dumps(extra), attempt_id))
            self._queue_statement(conn, attempt_id, 0, now)  # the passed/failed statement, same transaction

    def _queue_statement(self, conn: sqlite3.Connection, attempt_id: int, position: int, now: str) -> None:
        """Queue the statement of turn `position` (0: the result) exactly as the export
        would write it, built from the rows just written."""
        row = conn.execute(f"SELECT {_NO_SNAPSHOT_COLUMNS}{_FULL_FROM} WHERE a.id = ?", (attempt_id,)).fetchone()
        attempt = _attempt(row, full=True)
        text = (self.statements.result_statement(attempt) if position == 0
                else self.statements.reply_statement(attempt, position))
        if text is not None:
            outbox.queue(conn, attempt_id, position, text, now)

    def abandon(self, attempt_id: int) -> None:
        """Mark an in-progress attempt abandoned (the trainee declined to resume it)."""
        with self._write() as conn:
            conn.execute("UPDATE attempts SET status = 'abandoned', updated_at = ? "
                         "WHERE id = ? AND status = 'in_progress'", (self._clock(), attempt_id))

    def import_attempt(self, attempt: Attempt) -> int | None:
        """Copy an attempt from another store or an export; skipped (None) when its uid is
        already here. Returns the new local id. Transcript lines in an older shape are stored
        with today's key names (`turn_lines.upgrade_line`)."""
        if attempt.status not in STATUSES:
            raise RecordsError(f"attempt {attempt.uid}: unknown status {attempt.status!r}")
        profile = clean_profile_name(attempt.profile)
        with self._write() as conn:
            conn.execute("INSERT OR IGNORE INTO profiles (name, settings, created_at) VALUES (?, '{}', ?)",
                         (profile, self._clock()))
            cursor = conn.execute(
                "INSERT OR IGNORE INTO attempts (uid, profile, scenario_id, scenario_title, scenario_sha256, "
                "catalog_sha256, started_at, finished_at, updated_at, status, choices, skills, overall, grade, "
                "outcome, seed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (attempt.uid or str(uuid.uuid4()), profile, attempt.scenario_id, attempt.scenario_title,
                 attempt.scenario_sha256, attempt.catalog_sha256, attempt.started_at, attempt.finished_at,
                 attempt.updated_at or attempt.started_at, attempt.status, dumps(attempt.choices),
                 dumps(attempt.skills) if attempt.skills else None, attempt.overall, attempt.grade, attempt.outcome,
                 _seed_of({"seed": attempt.seed})))
            if not cursor.rowcount:
                return None
            attempt_id = int(cursor.lastrowid)
            conn.execute(
                "INSERT INTO attempt_details (attempt_id, moods, evidence, turns, snapshot, result) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (attempt_id, dumps(attempt.moods or []), dumps(attempt.evidence or []),
                 dumps(upgrade_lines(list(attempt.turns or []))),
                 dumps(attempt.snapshot) if attempt.snapshot is not None and attempt.status == "in_progress" else None,
                 dumps(attempt.result) if attempt.result is not None else None))
            return attempt_id

    # ---------------------------------------------------------------- attempts: reading
    def attempt(self, attempt_id: int) -> Attempt | None:
        """One attempt with everything (snapshot, moods, evidence, transcript)."""
        rows = self._read(f"SELECT {_FULL_COLUMNS}{_FULL_FROM} WHERE a.id = ?", (attempt_id,))
        return _attempt(rows[0], full=True) if rows else None

    def unfinished_attempt(self, profile: str, scenario_id: str | None = None) -> Attempt | None:
        """The profile's most recent in-progress attempt (what "Resume?" offers), or None."""
        sql = f"SELECT {_FULL_COLUMNS}{_FULL_FROM} WHERE a.profile = ? AND a.status = 'in_progress'"
        params: tuple = (clean_profile_name(profile),)
        if scenario_id is not None:
            sql += " AND a.scenario_id = ?"
            params += (scenario_id,)
        rows = self._read(sql + " ORDER BY a.id DESC LIMIT 1", params)
        return _attempt(rows[0], full=True) if rows else None

    def history(self, profile: str | None = None, scenario_id: str | None = None, *,
                status: str | None = None, full: bool = False, limit: int | None = None,
                newest_first: bool = True) -> list[Attempt]:
        """Attempts filtered by profile / scenario / status. Summaries by default (no
        snapshot, moods, evidence or transcript): cheap enough for thousands of rows."""
        where, params = _filters(profile, scenario_id, status)
        columns = f"{_FULL_COLUMNS}{_FULL_FROM}" if full else f"{_SUMMARY_COLUMNS}{_SUMMARY_FROM}"
        sql = f"SELECT {columns}{where} ORDER BY a.id"
        sql += " DESC" if newest_first else ""
        if limit is not None:
            sql += " LIMIT ?"
            params += (int(limit),)
        return [_attempt(row, full=full) for row in self._read(sql, params)]

    def iter_attempts(self, profile: str | None = None, *, full: bool = True, snapshot: bool = False,
                      ids: tuple[int | None, int | None] = (None, None)) -> Iterator[Attempt]:
        """Every attempt, oldest first, streamed (exports of big histories). `full` adds
        moods, evidence and transcript; the snapshot only when asked for. `ids`: only the
        attempts with from <= id < to (None: no bound)."""
        where, params = _id_range(*_filters(profile, None, None), ids)
        if full:
            columns = f"{_FULL_COLUMNS if snapshot else _NO_SNAPSHOT_COLUMNS}{_FULL_FROM}"
        else:
            columns = f"{_SUMMARY_COLUMNS}{_SUMMARY_FROM}"
        fallback = columns if not full else _DETAILS_LOST
        yield from self._stream(columns, fallback, where, params, lambda row: _attempt(row, full=full))

    def iter_attempt_rows(self, profile: str | None = None, *, ids: tuple[int | None, int | None] = (None, None),
                          parse_turns: bool = False) -> Iterator["AttemptRow"]:
        """Every attempt, oldest first, with the big columns left as their stored JSON text
        (`ids` as in `iter_attempts`).

        For exports of large histories: the JSON export splices the text in unparsed, and
        each format parses only what it needs. `parse_turns`: give each row's transcript
        parsed too (`AttemptRow.turns`), for a caller that reads it: then the parse is what
        finds a damaged transcript, instead of SQLite's check (`_turns_checked`)."""
        where, params = _id_range(*_filters(profile, None, None), ids)
        details = len(_BASE_COLUMNS.split(","))  # the detail columns follow the base ones
        checked = self._has_json_valid()
        parse_turns = parse_turns and checked
        damaged: list[int] = []

        def make(row: tuple) -> AttemptRow:
            texts = row[details:details + 3]
            turns = None
            if not checked:  # an SQLite without its JSON functions: the same check in Python
                texts = tuple(text if text is None or _parses(text) else "" for text in texts)
            elif parse_turns:
                turns_text, turns = self._turns_checked(texts[2])
                texts = (texts[0], texts[1], turns_text)
            if "" in texts:
                damaged.append(row[0])
            result = row[details + 4] if isinstance(row[details + 4], str) else None
            members = row[details + 3] if result is not None and type(row[details + 3]) is int else None
            texts = tuple(_json_text(text) for text in texts)
            if parse_turns and (turns is None or texts[2] != turns_text):
                turns = loads(texts[2], [])  # (an object or scalar transcript is read as none)
            return AttemptRow(_attempt(row, full=False), *texts, result, members, turns)

        columns = _NO_SNAPSHOT_COLUMNS if not checked else (_EXPORT_COLUMNS_TURNS_PARSED if parse_turns
                                                             else _EXPORT_COLUMNS)
        yield from self._stream(f"{columns}{_FULL_FROM}", _DETAILS_LOST, where, params, make)
        if damaged:
            shown = ", ".join(f"#{n}" for n in damaged[:10]) + (" …" if len(damaged) > 10 else "")
            self.notices.append(f"{self.path}: the transcript, moods or evidence of {len(damaged)} attempt(s) "
                                f"were damaged and are exported empty ({shown})")

    def _turns_checked(self, stored: Any) -> tuple[Any, list | None]:
        """(what `_checked` gives for the stored transcript, its parse or None), parsing it
        in Python: SQLite's check of the column cost ~0.07 s of CPU over ten thousand
        attempts, on top of the parse the caller needs anyway. Python reads NaN and
        Infinity, which SQLite calls damaged, so the parse refuses them; what Python cannot
        read (nesting past its recursion limit, a non-text value...) is left to SQLite."""
        if stored is None:
            return None, None
        if type(stored) is str:
            try:
                return stored, _STRICT_JSON.decode(stored)
            except (ValueError, RecursionError):
                pass
        valid = self._conn.execute("SELECT json_valid(?)", (stored,)).fetchone()[0]
        return (stored if valid else ""), None

    def _has_json_valid(self) -> bool:
        try:
            self._conn.execute("SELECT json_valid('[]')").fetchone()
            return True
        except sqlite3.Error:  # built without JSON support
            return False

    def _stream(self, columns: str, fallback: str, where: str, params: tuple, make: Callable) -> Iterator:
        """Rows of `SELECT columns … ORDER BY id`, made into objects. When the file turns out
        damaged part-way (export of a file that was moved aside), go on attempt by attempt:
        each readable attempt is still given (without its transcript when only that part is
        damaged), and `notices` says which ones could not be read at all."""
        last = 0
        try:
            for row in self._conn.execute(f"SELECT {columns}{where} ORDER BY a.id", params):
                last = row[0]
                yield make(row)
            return
        except sqlite3.Error as error:
            if dbfile.error_kind(error) != "corrupt":
                raise self._error("read", error) from error
        lost: list[int] = []
        partial = 0
        by_id = (" AND " if where else " WHERE ") + "a.id = ?"
        for attempt_id in self._ids_after(last):
            for select in (columns, fallback):
                try:
                    rows = self._conn.execute(f"SELECT {select}{where}{by_id}", (*params, attempt_id)).fetchall()
                except sqlite3.Error:
                    continue
                partial += select is fallback and bool(rows)
                for row in rows:
                    yield make(row)
                break
            else:
                lost.append(attempt_id)
        shown = ", ".join(f"#{n}" for n in lost[:10]) + (" …" if len(lost) > 10 else "")
        self.notices.append(f"{self.path} is damaged; everything readable was read"
                            + (f", {partial} attempt(s) without their transcript" if partial else "")
                            + (f"; {len(lost)} attempt(s) could not be read ({shown})" if lost else ""))

    def _ids_after(self, last: int, probe_limit: int = 1_000_000) -> list[int]:
        """Attempt ids above `last` that may exist, even when the id index is damaged."""
        try:
            return [row[0] for row in self._conn.execute("SELECT id FROM attempts WHERE id > ? ORDER BY id", (last,))]
        except sqlite3.Error:
            pass
        top = 0
        for sql in ("SELECT MAX(id) FROM attempts", "SELECT seq FROM sqlite_sequence WHERE name = 'attempts'"):
            try:
                top = max(top, int(self._conn.execute(sql).fetchone()[0] or 0))
            except (sqlite3.Error, TypeError):
                continue
        return list(range(last + 1, min(max(top, last + 1000), last + probe_limit) + 1))

    def count(self, profile: str | None = None) -> int:
        where, params = _filters(profile, None, None)
        return int(self._read(f"SELECT COUNT(*){_SUMMARY_FROM}{where}", params)[0][0])

    def middle_id(self, profile: str | None = None, *, at_least: int = 2) -> int | None:
        """The id the second half of `profile`'s attempts starts at (by id, as the exports
        stream them), for sharing an export out; None when there are fewer than `at_least`."""
        total = self.count(profile)
        if total < max(2, at_least):
            return None
        where, params = _filters(profile, None, None)
        rows = self._read(f"SELECT a.id{_SUMMARY_FROM}{where} ORDER BY a.id LIMIT 1 OFFSET ?", (*params, total // 2))
        return int(rows[0][0]) if rows else None

    def shared_file(self) -> Path | None:
        """The database file another process can open to read what this store reads; None
        for a store in memory, or one inside a transaction (its writes are not visible yet)."""
        if self._conn.in_transaction:
            return None
        try:
            row = self._conn.execute("PRAGMA database_list").fetchone()
        except sqlite3.Error:
            return None
        return Path(row[2]) if row and row[2] else None

    def grades(self, profile: str) -> dict[str, ScenarioGrades]:
        """Per scenario id: attempts, finished, best and latest grade/overall for `profile`.
        Grades compare as letters (A best), so MIN(grade) is the best grade."""
        name = clean_profile_name(profile)
        rows = self._read(
            """SELECT s.scenario_id, s.attempts, s.finished, s.best_grade, s.best_overall,
                      l.grade, l.overall, l.outcome, l.finished_at, COALESCE(l.scenario_title, s.title)
               FROM (SELECT scenario_id, COUNT(*) AS attempts,
                            SUM(status = 'finished') AS finished,
                            MIN(CASE WHEN status = 'finished' THEN grade END) AS best_grade,
                            MAX(CASE WHEN status = 'finished' THEN overall END) AS best_overall,
                            MAX(CASE WHEN status = 'finished' THEN id END) AS latest_id,
                            MAX(scenario_title) AS title
                     FROM attempts WHERE profile = ? GROUP BY scenario_id) AS s
               LEFT JOIN attempts AS l ON l.id = s.latest_id
               ORDER BY s.scenario_id""", (name,))
        return {row[0]: ScenarioGrades(row[0], row[9] or "", int(row[1]), int(row[2] or 0), row[3], row[4],
                                       row[5], row[6], row[7], row[8]) for row in rows}


_file_id = dbfile.file_id


def _filters(profile: str | None, scenario_id: str | None, status: str | None) -> tuple[str, tuple]:
    clauses, params = [], []
    if profile is not None:
        clauses.append("a.profile = ?")
        params.append(clean_profile_name(profile))
    if scenario_id is not None:
        clauses.append("a.scenario_id = ?")
        params.append(scenario_id)
    if status is not None:
        if status not in STATUSES:
            raise RecordsError(f"unknown attempt status {status!r}; expected one of {', '.join(STATUSES)}")
        clauses.append("a.status = ?")
        params.append(status)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def _id_range(where: str, params: tuple, ids: tuple[int | None, int | None]) -> tuple[str, tuple]:
    """`where` narrowed to from <= a.id < to."""
    for bound, test in zip(ids, ("a.id >= ?", "a.id < ?")):
        if bound is not None:
            where += (" AND " if where else " WHERE ") + test
            params += (int(bound),)
    return where, params


def _attempt(row: tuple, *, full: bool) -> Attempt:
    skills = loads(row[12], {})
    attempt = Attempt(
        id=row[0], uid=row[1] or "", profile=row[2], scenario_id=row[3], scenario_title=row[4] or "",
        scenario_sha256=row[5] or "", catalog_sha256=row[6] or "", started_at=row[7], finished_at=row[8],
        updated_at=row[9], status=row[10], choices=_listed(row[11]),
        skills=skills if isinstance(skills, dict) else {}, overall=row[13], grade=row[14], outcome=row[15],
        seed=row[-1] if isinstance(row[-1], int) else None)
    if not full:
        return attempt
    snapshot, result = loads(row[19]), loads(row[20])
    return dataclasses.replace(attempt, moods=_listed(row[16]), evidence=_listed(row[17]),
                    turns=_listed(row[18]), snapshot=snapshot if isinstance(snapshot, dict) else None,
                    result=result if isinstance(result, dict) else None)


def _listed(text: str | None) -> tuple:
    """A JSON list column as a tuple; anything else (null, damage, a hand edit) reads as empty."""
    value = loads(text, [])
    return tuple(value) if isinstance(value, list) else ()


def _seed_of(snapshot: Any) -> int | None:
    """The reply-order seed a snapshot carries, or None (authored order; also for junk)."""
    seed = field(snapshot, "seed") if snapshot is not None else None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2**63 else None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# json.loads without NaN, Infinity and -Infinity: what SQLite's json_valid accepts of it
_STRICT_JSON = json.JSONDecoder(parse_constant=_no_constant)


def _parses(text: Any) -> bool:
    return isinstance(text, str) and loads(text, _parses) is not _parses


def _json_text(value: Any) -> str:
    """A stored JSON list as text; anything unexpected (NULL, damaged) becomes '[]'."""
    return value if isinstance(value, str) and value.startswith("[") and value.endswith("]") else "[]"


def _compact_evidence(item: Any) -> Any:
    """Evidence as stored: the engine's JSON form minus the copy of the reply's text (the
    transcript line of the same turn already has it), which keeps big histories small."""
    item = to_jsonable(item)
    if isinstance(item, dict):
        item.pop("reply", None)
        item.pop("reply_text", None)
    return item


MOOD_DECIMALS = 4  # plenty for charts; the exact state lives in the snapshot


def _rounded_mood(mood: Any) -> dict:
    values = to_jsonable(mood or {})
    if not isinstance(values, dict):
        return {}
    return {key: round(value, MOOD_DECIMALS) if isinstance(value, float) else value for key, value in values.items()}


# -------------------------------------------------------------------- opening
def open_store(path: str | Path | None = None, *, read_only: bool = False,
               clock: Callable[[], str] = iso_timestamp) -> Store:
    """Open (creating if needed) the records database and bring its schema up to date.

    `path`: a folder (records.sqlite3 inside), a .sqlite3/.sqlite/.db file, or None for
    `--data-dir`'s default ($CUSTOMER_SIM_DATA_DIR, else the platform user data folder).
    `read_only=True` (exports, reports) never creates or changes anything on disk.
    Never raises for a bad file or folder: see the module docstring."""
    from simulator.records.opening import open_database

    conn, db, reason, warnings = open_database(database_path(path), read_only=read_only)
    return Store(conn, db, read_only_reason=reason, warnings=tuple(warnings), clock=clock)


def _millisecond_after(stamp: str) -> str:
    """The `iso_timestamp` one millisecond after `stamp` (`stamp` itself if it is not one)."""
    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return stamp
    return iso_timestamp(moment + timedelta(milliseconds=1))


__all__ = ["Attempt", "AttemptRow", "RecordsError", "ScenarioGrades", "Store", "clean_profile_name", "open_store",
           "MAX_PROFILE_NAME", "SCHEMA_VERSION"]
