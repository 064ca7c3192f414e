"""How `open_store` gets a usable connection whatever state the file and folder are in.

Decisions, in order:
1. The folder cannot be created        -> in-memory store, "nothing will be saved".
2. The file is not one of ours (not SQLite, or another program's SQLite: its header's
   application_id is not ours)          -> left untouched, in-memory store, "nothing will be
                                           saved" with the reason. We never rename a file the
                                           product did not create.
2b. Ours, but damaged (PRAGMA quick_check, or unreadable pages)
                                        -> renamed to <name>.corrupt-<time>, fresh file.
3. The file was made by a newer version -> in-memory store (we must not touch it).
4. The file or folder is read-only      -> in-memory copy of the history (still shown),
                                           "nothing will be saved".
5. Otherwise: WAL mode, schema migrated to the current version.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from simulator.records import dbfile
from simulator.records.schema import SCHEMA_VERSION, current_version, migrate

# NORMAL in WAL mode: a committed turn survives a crash or kill of the program (the write
# is in the OS cache); only a power cut can drop the last few commits, and never corrupts.
# FULL would fsync every turn, which costs more than the 5 ms turn budget on slow disks.
SYNCHRONOUS = "NORMAL"

Opened = tuple[sqlite3.Connection, Path, "str | None", list[str]]


def open_database(db: Path, *, read_only: bool = False) -> Opened:
    """(connection, path, read_only_reason, warnings) for the records file `db`."""
    if read_only:
        return _open_for_reading(db)
    warnings: list[str] = []
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return _in_memory(db, f"the records folder {db.parent} cannot be created "
                              f"({error.strerror or error}); nothing will be saved", warnings)
    for _ in range(3):  # move-aside then retry; a third round only if another copy raced us
        problem = dbfile.header_problem(db)
        if problem is not None and not dbfile.marked_as_ours(db):
            return _in_memory(db, _foreign(db, problem), warnings)
        if problem is None:
            try:
                outcome = _try_open_patiently(db, warnings)
            except dbfile.NotOurDatabase as error:
                return _in_memory(db, _foreign(db, str(error)), warnings)
            if not isinstance(outcome, str):
                return outcome
            problem = outcome
        try:
            moved = dbfile.move_aside(db)
        except FileNotFoundError:
            continue  # another copy of the game moved it a moment ago
        except OSError as error:
            return _in_memory(db, f"{db} cannot be used ({problem}) and could not be moved aside "
                                  f"({error.strerror or error}); nothing will be saved", warnings)
        warnings.append(f"The trainee records file {db} could not be used: {problem}. "
                        f"It was kept as {moved.name} and a fresh records file was started; "
                        f"`customer-sim export --data-dir \"{moved}\" -o FOLDER` saves what is "
                        "readable from it.")  # the way back, where the trainee reads the loss
    return _in_memory(db, f"{db} could not be opened after moving bad files aside; nothing will be saved",
                      warnings)


def _foreign(db: Path, problem: str) -> str:
    return (f"{db} is not a trainee records file of this program ({problem}); it was left untouched. "
            "Nothing will be saved: choose another --data-dir, or move that file away")


class _Transient(Exception):
    """Busy or an unexpected error while another copy is creating or upgrading the file."""


def _try_open_patiently(db: Path, warnings: list[str]) -> Opened | str:
    """`_try_open`, tried again a few times when another copy of the game is creating or
    upgrading the same file at this moment (the busy timeout covers most such waits)."""
    # Each try may itself wait the whole busy timeout for a held lock: retrying after that
    # only multiplied it (21 s before the game's window opened). The short retries are for
    # the errors that come back at once, while another copy creates or upgrades the file.
    deadline = time.monotonic() + dbfile.BUSY_TIMEOUT_MS / 1000
    for delay in (0.1, 0.3, 1.0, None):
        try:
            return _try_open(db, warnings)
        except _Transient as error:
            if delay is None or time.monotonic() + delay > deadline:
                return _in_memory(db, f"{db} could not be opened ({error}); nothing will be saved",
                                  warnings, copy_from=db)
            time.sleep(delay)
    raise AssertionError("unreachable")


def _try_open(db: Path, warnings: list[str]) -> Opened | str:
    """An open store, or a string saying why the file must be moved aside."""
    try:
        conn = dbfile.connect(db)
    except sqlite3.Error as error:
        return _in_memory(db, _cannot_write(db, error), warnings, copy_from=db)
    try:
        version = dbfile.check_identity(conn)
        damage = dbfile.quick_check(conn) if version else None
        if damage is not None:  # damaged pages in the middle go unnoticed by a plain open
            conn.close()
            return f"it is damaged (SQLite's quick check: {damage})"
        if version > SCHEMA_VERSION:
            conn.close()
            return _in_memory(db, f"{db} was written by a newer version of this program (records schema "
                                  f"{version}; this version knows up to {SCHEMA_VERSION}); nothing will be "
                                  "saved until the program is updated", warnings)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            warnings.append(f"{db}: write-ahead logging is not available here (journal mode {mode}); "
                            "records are still saved safely, but two copies of the game may wait on each other")
        conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
        migrate(conn)
        _probe_write(conn)
        return conn, db, None, warnings
    except dbfile.NotOurDatabase:
        conn.close()
        raise
    except sqlite3.Error as error:
        conn.close()
        kind = dbfile.error_kind(error)
        if kind == "corrupt":
            return f"it is damaged ({error})"
        if kind == "cannot-write":
            return _in_memory(db, _cannot_write(db, error), warnings, copy_from=db)
        raise _Transient(f"kept busy by another program: {error}" if kind == "busy" else str(error)) from None


def _probe_write(conn: sqlite3.Connection) -> None:
    """Write the header's version number (unchanged) to learn *now*, not at the first turn,
    whether this file accepts writes: a read-only medium or file opens and reads fine."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except sqlite3.Error:
        conn.execute("ROLLBACK")
        raise


def _cannot_write(db: Path, error: Exception) -> str:
    # (the callers say "not being saved" themselves: the reason says only why)
    if dbfile.disk_full(db.parent):
        return f"the disk holding the records folder {db.parent} is full ({error}); free some space and start again"
    return f"the records folder {db.parent} is read-only or unavailable ({error})"


def _in_memory(db: Path, reason: str, warnings: list[str], copy_from: Path | None = None) -> Opened:
    """A store that lives in memory for this session, seeded with the existing history when
    it can be read, so the progress screen still shows past attempts."""
    if copy_from is not None and copy_from.is_file():
        source = _reader(copy_from)
        if source is not None:
            memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            try:
                source.backup(memory)
                migrate(memory)
                return memory, db, reason, warnings
            except sqlite3.Error:
                memory.close()  # the history cannot be shown; an empty session store still works
            finally:
                source.close()
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    migrate(memory)
    return memory, db, reason, warnings


def _reader(db: Path) -> sqlite3.Connection | None:
    """A read-only connection to our database at `db`, or None when it cannot be read."""
    for uri, _ in dbfile.reading_uris(db):
        try:
            conn = dbfile.connect(uri, uri=True)
        except sqlite3.Error:
            continue
        try:
            version = dbfile.check_identity(conn)
            if 0 < version <= SCHEMA_VERSION:
                return conn
        except (sqlite3.Error, dbfile.NotOurDatabase):
            pass
        conn.close()
    return None


def _salvage_reader(uri: str) -> sqlite3.Connection | None:
    """A read-only connection to a damaged file of ours that still reads its schema, or None.

    A file cut short (a copy to a USB stick pulled out) is refused whole by SQLite because
    its header counts more pages than there are, so export could save nothing from it;
    `writable_schema` makes SQLite read the pages that are there instead. Nothing can be
    written through a read-only connection; the export's row-by-row reading does the rest."""
    try:
        conn = dbfile.connect(uri, uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA writable_schema = ON")
        if conn.execute("PRAGMA application_id").fetchone()[0] == dbfile.APPLICATION_ID \
                and current_version(conn) == SCHEMA_VERSION:
            return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None


def _open_for_reading(db: Path) -> Opened:
    """For export and report: never creates, moves or changes a file."""
    from simulator.records.store import RecordsError

    reason = "opened for reading only"
    if not db.exists():
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        migrate(memory)
        return memory, db, reason, [f"no trainee records at {db} yet"]
    problem = dbfile.header_problem(db)
    if problem:
        raise RecordsError(f"cannot read trainee records from {db}: {problem}")
    for uri, complete in dbfile.reading_uris(db):  # nothing made beside the file, nothing changed
        try:
            conn = dbfile.connect(uri, uri=True)
            version = dbfile.check_identity(conn)
        except dbfile.NotOurDatabase as error:
            raise RecordsError(f"cannot read trainee records from {db}: {error}") from None
        except sqlite3.Error as error:
            if dbfile.error_kind(error) == "corrupt":
                salvage = _salvage_reader(uri)
                if salvage is not None:
                    return salvage, db, reason, [f"{db} is damaged ({error}); reading what is left of it"]
                raise RecordsError(f"cannot read trainee records from {db}: it is damaged ({error})") from None
            continue
        if version > SCHEMA_VERSION:
            conn.close()
            raise RecordsError(f"{db} was written by a newer version of this program (records schema "
                               f"{version}); update the program to read it")
        warnings = [] if complete else ["read without the write-ahead log: the newest turns may be missing"]
        if version < SCHEMA_VERSION:  # upgrade a copy in memory; the file stays as it is
            memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            conn.backup(memory)
            conn.close()
            migrate(memory)
            return memory, db, reason, warnings
        return conn, db, reason, warnings
    raise RecordsError(f"cannot read trainee records from {db}: the file cannot be opened")
