"""Trainee records survive kills, bad files, read-only folders, concurrency and upgrades.

About read-only folders: the tests run as root in CI, and root ignores permission bits, so
`chmod 555` proves nothing there. The read-only cases are simulated in two ways that bind
root too: (1) a records path *under a regular file*, which no user can create, and (2) the
database opened through SQLite's own read-only mode (`?mode=ro`), which SQLite enforces for
every user, standing in for "the file is there but may not be written". A third test uses
chmod for real and runs only when the tests are not root.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.records import dbfile, opening
from simulator.records.schema import APPLICATION_ID, SCHEMA_VERSION, migrate
from simulator.records.store import RecordsError, open_store

WORKER = Path(__file__).with_name("store_worker.py")


class Scenario:
    id = "wrong-size"
    title = "Shoes"
    source_sha256 = "a" * 64


class Catalog:
    sha256 = "b" * 64


def finished_attempt(store, profile="Ana") -> int:
    attempt_id = store.start_attempt(profile, Scenario, Catalog)
    store.save_turn(attempt_id, {"choices": [0]}, {"node": "opening", "mood_after": {"pleasure": 0.2}})
    store.finish_attempt(attempt_id, {"grade": "B", "overall": 85.0, "outcome": "resolved", "skills": {"calm": 90}})
    return attempt_id


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# ------------------------------------------------------------------ kill mid-write
@pytest.mark.parametrize("round_", range(3))
def test_killed_mid_write_the_database_opens_with_every_finished_attempt(tmp_path, round_):
    db = tmp_path / "records.sqlite3"
    child = subprocess.Popen([sys.executable, str(WORKER), "loop", str(db), "Ana"],
                             stdout=subprocess.PIPE, text=True)
    finished = []
    try:
        while len(finished) < 5 + 7 * round_:  # kill at a different point each round
            line = child.stdout.readline()
            assert line.startswith("finished "), f"worker said {line!r}"
            finished.append(int(line.split()[1]))
    finally:
        child.send_signal(signal.SIGKILL)  # no clean-up, no atexit: like pulling the plug on the process
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    with open_store(db) as store:
        assert store.warnings == () and store.saving
        for attempt_id in finished:
            attempt = store.attempt(attempt_id)
            assert attempt.status == "finished", attempt_id
            assert attempt.turn_count == 6 and len(attempt.moods) == 6
        unfinished = store.history(status="in_progress")
        assert len(unfinished) <= 1  # at most the attempt being written when killed
        # ... and that one is consistent: its choices, moods and transcript agree
        for attempt in store.history(status="in_progress", full=True):
            assert len(attempt.moods) == len(attempt.turns) == attempt.turn_count
    assert integrity(db) == "ok"


# ------------------------------------------------------------------ bad files
def test_a_text_file_is_left_untouched_and_nothing_is_saved(tmp_path):
    # Never rename a file the product did not create (issue 13): it may be the trainee's notes.
    db = tmp_path / "records.sqlite3"
    db.write_text("these are my notes, not a database\n")
    with open_store(tmp_path) as store:
        assert not store.saving
        assert "not a trainee records file" in store.read_only_reason and "left untouched" in store.read_only_reason
        finished_attempt(store)  # the session still plays, in memory
        assert store.count() == 1
    assert db.read_text() == "these are my notes, not a database\n"
    assert not list(tmp_path.glob("records.sqlite3.corrupt-*"))


def test_damaged_pages_are_detected_and_the_file_moved_aside(tmp_path):
    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        for _ in range(20):
            finished_attempt(store)
    data = bytearray(db.read_bytes())
    assert data.startswith(dbfile.SQLITE_HEADER) and len(data) > 8192
    data[4096:] = b"\xde\xad\xbe\xef" * ((len(data) - 4096) // 4)  # keep the header page, wreck the rest
    db.write_bytes(bytes(data))
    with open_store(db) as store:
        assert len(store.warnings) == 1 and "damaged" in store.warnings[0]
        assert store.count() == 0 and store.saving
    assert len(list(tmp_path.glob("records.sqlite3.corrupt-*"))) == 1


def test_another_programs_sqlite_database_is_refused_and_never_renamed(tmp_path):
    db = tmp_path / "budget.db"  # `--data-dir budget.db`: someone else's SQLite file
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE customers (name TEXT)")
    conn.execute("INSERT INTO customers VALUES ('kept')")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with open_store(db) as store:
        assert not store.saving and "another program" in store.read_only_reason
        assert "left untouched" in store.read_only_reason
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget.db"]


def test_an_empty_file_is_simply_initialised(tmp_path):
    db = tmp_path / "records.sqlite3"
    db.touch()
    with open_store(db) as store:
        assert store.warnings == () and store.schema_version() == SCHEMA_VERSION
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_a_database_from_a_newer_version_is_left_alone(tmp_path):
    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        finished_attempt(store)
        store._conn.execute("INSERT INTO migrations VALUES (99, 'from the future', 'x')")
    before = db.read_bytes()
    with open_store(db) as store:
        assert "newer version" in store.read_only_reason
        assert not store.saving
        finished_attempt(store)  # the game still plays, in memory
    assert not list(tmp_path.glob("*.corrupt-*"))
    assert db.read_bytes() == before


# ------------------------------------------------------------------ read-only folders
def test_a_folder_that_cannot_be_created_gives_a_store_that_saves_nothing(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the records folder should be")
    with open_store(blocker / "records") as store:  # simulated read-only: a path under a file
        assert not store.saving
        assert "cannot be created" in store.read_only_reason and "nothing will be saved" in store.read_only_reason
        attempt_id = finished_attempt(store)  # play goes on in memory
        assert store.attempt(attempt_id).grade == "B"
    assert blocker.read_text() == "a file where the records folder should be"


def test_a_read_only_database_keeps_history_visible_and_saves_nothing(tmp_path, monkeypatch):
    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        old = finished_attempt(store)

    real_connect = dbfile.connect

    def read_only_connect(path, *, uri=False):
        # Simulated read-only medium: SQLite itself refuses writes (this binds root too).
        return real_connect(path if uri else dbfile.read_only_uri(Path(path)), uri=True)

    monkeypatch.setattr(dbfile, "connect", read_only_connect)
    with open_store(db) as store:
        assert not store.saving and "read-only" in store.read_only_reason
        assert store.attempt(old).grade == "B"  # the history is still shown
        new = finished_attempt(store)
        assert store.count() == 2
    monkeypatch.undo()
    with open_store(db) as store:
        assert store.count() == 1 and store.attempt(new) is None  # nothing reached the disk


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores permission bits; covered by the two simulated read-only tests")
def test_a_chmod_read_only_folder_says_so(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with open_store(folder) as store:
            assert not store.saving and store.read_only_reason
            finished_attempt(store)
    finally:
        folder.chmod(0o755)
    assert not (folder / "records.sqlite3").exists()


def test_when_the_bad_file_cannot_be_moved_the_store_saves_nothing(tmp_path, monkeypatch):
    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        finished_attempt(store)
    data = bytearray(db.read_bytes())
    data[4096:] = b"\x00" * (len(data) - 4096)  # ours (header intact), pages wrecked
    db.write_bytes(bytes(data))
    damaged = db.read_bytes()

    def refuse(path, now=None):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(dbfile, "move_aside", refuse)
    with open_store(db) as store:
        assert "could not be moved aside" in store.read_only_reason
    assert db.read_bytes() == damaged


def test_a_save_that_fails_later_raises_a_clear_records_error(tmp_path):
    with open_store(tmp_path) as store:
        attempt_id = store.start_attempt("Ana", Scenario, Catalog)
        store._conn.execute("PRAGMA query_only = ON")  # from now on SQLite refuses every write
        with pytest.raises(RecordsError, match=r"could not .*trainee records in .*records\.sqlite3"):
            store.save_turn(attempt_id, {"choices": [0]}, {"node": "opening"})


def _disk_with_room(free: int, monkeypatch) -> None:
    import shutil

    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda path: real(path)._replace(free=free))


def test_a_full_disk_is_named_as_full_when_saving_and_when_opening(tmp_path, monkeypatch):
    with open_store(tmp_path) as store:
        attempt_id = store.start_attempt("Ana", Scenario, Catalog)
        store._conn.execute("PRAGMA query_only = ON")  # every write is refused, as on a full disk
        with pytest.raises(RecordsError, match="cannot be written"):  # room on the disk: not "full"
            store.save_turn(attempt_id, {"choices": [0]}, {"node": "opening"})
        _disk_with_room(4096, monkeypatch)
        with pytest.raises(RecordsError, match=r"the disk is full, free some space"):
            store.save_turn(attempt_id, {"choices": [0]}, {"node": "opening"})
    monkeypatch.undo()
    db = tmp_path / "records.sqlite3"
    real_connect = dbfile.connect
    monkeypatch.setattr(dbfile, "connect", lambda path, *, uri=False: real_connect(
        path if uri else dbfile.read_only_uri(Path(path)), uri=True))  # SQLite refuses the probe write
    with open_store(db) as store:
        assert "read-only or unavailable" in store.read_only_reason
    _disk_with_room(0, monkeypatch)
    with open_store(db) as store:
        assert not store.saving and "is full" in store.read_only_reason and str(tmp_path) in store.read_only_reason
        assert "not being saved" not in store.read_only_reason  # the banner around it says that once
        assert store.attempt(attempt_id) is not None  # what was saved before is still shown


# ------------------------------------------------------------------ two processes
def test_two_processes_writing_at_once_do_not_corrupt_each_other(tmp_path):
    db = tmp_path / "shared" / "records.sqlite3"  # neither process finds a database: both create it
    children = [subprocess.Popen([sys.executable, str(WORKER), "batch", str(db), name, "40"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for name in ("Ana", "Ben")]
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, outputs):
        assert child.returncode == 0, out + err
        assert out.strip() == "done"
    with open_store(db) as store:
        assert store.warnings == ()
        assert store.count("Ana") == store.count("Ben") == 40
        assert {a.status for a in store.history()} == {"finished"}
        assert all(len(a.turns) == 6 for a in store.history(full=True))
    assert integrity(db) == "ok"


# ------------------------------------------------------------------ schema upgrades
def test_a_version_1_database_is_migrated_and_keeps_its_attempts(tmp_path):
    db = tmp_path / "records.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=1)
    conn.execute("INSERT INTO profiles VALUES ('Ana', '{\"text_size\": \"large\"}', '2024-05-01T10:00:00.000Z')")
    conn.execute(
        "INSERT INTO attempts (profile, scenario_id, scenario_sha256, catalog_sha256, started_at, finished_at, "
        "status, choices, moods, evidence, skills, overall, grade, outcome) VALUES "
        "('Ana', 'wrong-size', 'aa', 'bb', '2024-05-01T10:00:00.000Z', '2024-05-01T10:05:00.000Z', 'finished', "
        "'[0, 1, 0]', '[]', '[]', '{\"calm\": 90}', 88.0, 'B', 'resolved')")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()

    with open_store(db) as store:
        assert store.warnings == () and store.schema_version() == SCHEMA_VERSION
        (attempt,) = store.history(full=True)
        assert (attempt.grade, attempt.overall, attempt.choices) == ("B", 88.0, (0, 1, 0))
        assert len(attempt.uid) == 36 and [t["choice"] for t in attempt.turns] == [0, 1, 0]
        assert attempt.updated_at == "2024-05-01T10:05:00.000Z"
        assert store.settings("Ana") == {"text_size": "large"}
        finished_attempt(store)  # new columns work after the upgrade
        applied = [r[0] for r in store._conn.execute("SELECT version FROM migrations ORDER BY version")]
    assert applied == list(range(1, SCHEMA_VERSION + 1))
    with open_store(db) as store:  # opening again migrates nothing twice
        assert store.count() == 2


def test_a_failed_migration_leaves_the_old_version_intact(tmp_path, monkeypatch):
    from simulator.records import schema

    db = tmp_path / "records.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=1)
    conn.close()

    real_upgrade = schema.MIGRATIONS[2][1]

    def broken(conn):
        real_upgrade(conn)  # what later migrations build on, then a change of its own
        conn.execute("ALTER TABLE attempts ADD COLUMN half_done TEXT")
        on_disk = conn.execute("PRAGMA database_list").fetchone()[2]
        if on_disk:  # the disk fails half way through; the in-memory fallback does not
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setitem(schema.MIGRATIONS, 2, ("broken", broken))
    with open_store(db) as store:
        assert not store.saving  # could not upgrade: play continues in memory
    monkeypatch.undo()
    conn = sqlite3.connect(db)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(attempts)")]
    assert "half_done" not in columns and conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


# ------------------------------------------------------------------ opening for reading (export)
def test_opening_for_reading_never_creates_a_file(tmp_path):
    with open_store(tmp_path / "nothing-here", read_only=True) as store:
        assert store.count() == 0 and "no trainee records" in store.warnings[0]
    assert not (tmp_path / "nothing-here").exists()


def test_opening_a_bad_file_for_reading_is_a_clear_error_and_moves_nothing(tmp_path):
    db = tmp_path / "records.sqlite3"
    db.write_text("not a database")
    with pytest.raises(RecordsError, match="cannot read trainee records .* not an SQLite database"):
        open_store(db, read_only=True)
    assert db.read_text() == "not a database"


def test_reading_an_old_version_upgrades_a_copy_only(tmp_path):
    db = tmp_path / "records.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=1)
    conn.close()
    with open_store(db, read_only=True) as store:
        assert store.schema_version() == SCHEMA_VERSION
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_sqlite_errors_are_classified_for_messages():
    assert dbfile.error_kind(sqlite3.DatabaseError("file is not a database")) == "corrupt"
    assert dbfile.error_kind(sqlite3.OperationalError("attempt to write a readonly database")) == "cannot-write"
    assert dbfile.error_kind(sqlite3.OperationalError("database is locked")) == "busy"
    assert opening.SYNCHRONOUS in ("NORMAL", "FULL")


def test_a_briefly_busy_database_is_tried_again(tmp_path, monkeypatch):
    calls = []
    real_migrate = opening.migrate

    def busy_once(conn):
        calls.append(1)
        if len(calls) == 1:  # another copy is creating the file at this very moment
            raise sqlite3.OperationalError("database is locked")
        return real_migrate(conn)

    monkeypatch.setattr(opening, "migrate", busy_once)
    with open_store(tmp_path) as store:
        assert store.saving and len(calls) == 2


def test_a_database_that_stays_busy_gives_a_clear_reason(tmp_path, monkeypatch):
    def always_busy(conn):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(opening, "migrate", always_busy)
    monkeypatch.setattr(opening.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(opening, "_in_memory", lambda db, reason, warnings, copy_from=None: (
        sqlite3.connect(":memory:"), db, reason, warnings))
    store = open_store(tmp_path)
    assert "kept busy by another program" in store.read_only_reason
    store.close()


def test_a_lock_held_past_the_busy_timeout_is_waited_on_once(tmp_path, monkeypatch):
    # Each try already waits the whole busy timeout; trying four times kept the game's
    # window from opening for 21 s while a backup tool or a DB browser held the lock.
    monkeypatch.setattr(dbfile, "BUSY_TIMEOUT_MS", 200)
    with open_store(tmp_path) as store:
        finished_attempt(store)
    holder = sqlite3.connect(tmp_path / "records.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    tries = []
    real_try = opening._try_open
    monkeypatch.setattr(opening, "_try_open", lambda db, warnings: tries.append(1) or real_try(db, warnings))
    try:
        store = open_store(tmp_path)
        assert "kept busy by another program" in store.read_only_reason
        store.close()
    finally:
        holder.rollback()
        holder.close()
    assert len(tries) == 1


def test_a_snapshot_nested_past_the_json_parser_reads_as_missing(tmp_path):
    # A damaged snapshot column must not stop the game at the trainee's resume offer.
    with open_store(tmp_path) as store:
        attempt_id = store.start_attempt("Ana", Scenario, Catalog)
        store.save_turn(attempt_id, {"choices": [0]}, {"node": "opening"})
    conn = sqlite3.connect(tmp_path / "records.sqlite3")
    conn.execute("UPDATE attempt_details SET snapshot = ?", ("[" * 100_000 + "]" * 100_000,))
    conn.commit()
    conn.close()
    with open_store(tmp_path) as store:
        attempt = store.unfinished_attempt("Ana")
    assert attempt is not None and attempt.snapshot is None and attempt.choices == (0,)
