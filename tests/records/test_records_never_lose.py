"""Records must never lose a turn (issue 13): damage found at open, foreign files never
renamed, unsaved turns kept and written in order, a held write lock never blocks a turn,
and the "moved aside" warning reaches a trainee who starts with --profile."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from records_helpers import GOOD, record_play
from simulator.records.store import open_store


def _wreck_middle_pages(db: Path, seed: int = 13) -> None:
    """Random bytes over a few pages in the middle of the file (not the first pages, whose
    tables a plain open reads): what a failing disk or a stray write does."""
    data = bytearray(db.read_bytes())
    pages = len(data) // 4096
    assert pages > 20
    rng = random.Random(seed)
    for page in rng.sample(range(pages // 3, pages - 2), 4):
        data[page * 4096:(page + 1) * 4096] = rng.randbytes(4096)
    db.write_bytes(bytes(data))


def _wreck_leaf_pages_of(db: Path, table: str, count: int = 2, seed: int = 5) -> None:
    """Random bytes over `count` leaf pages that hold rows of `table` (found with SQLite's
    dbstat table), so a read of that table is sure to meet the damage."""
    conn = sqlite3.connect(db)
    try:
        pages = [row[0] for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,))]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    rng = random.Random(seed)
    data = bytearray(db.read_bytes())
    for page in rng.sample(pages[1:-1], count):  # pageno is 1-based
        data[(page - 1) * size:page * size] = rng.randbytes(size)
    db.write_bytes(bytes(data))


def test_random_bytes_in_middle_pages_are_found_at_open_and_the_file_moved_aside(tmp_path, scenario, catalog):
    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        for n in range(120):
            record_play(store, scenario, catalog, GOOD, profile=f"Trainee {n}")
    _wreck_middle_pages(db)
    damaged = db.read_bytes()
    with open_store(db) as store:
        assert len(store.warnings) == 1
        assert "damaged" in store.warnings[0] and "quick check" in store.warnings[0]
        assert store.saving and store.count() == 0  # a fresh file; play goes on
    (kept,) = tmp_path.glob("records.sqlite3.corrupt-*")
    assert kept.read_bytes() == damaged and kept.name in store.warnings[0]  # nothing deleted
    assert f'customer-sim export --data-dir "{kept}"' in store.warnings[0]  # and the way back


def test_a_healthy_file_opens_without_a_word(tmp_path, scenario, catalog):
    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        for _ in range(30):
            record_play(store, scenario, catalog, GOOD)
    with open_store(db) as store:
        assert store.warnings == () and store.count() == 30


def test_an_sqlite_file_with_our_mark_but_wrecked_pages_is_ours_to_move(tmp_path, scenario, catalog):
    from simulator.records import dbfile

    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        record_play(store, scenario, catalog, GOOD)
    assert dbfile.marked_as_ours(db)
    other = tmp_path / "budget.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert not dbfile.marked_as_ours(other)
    (tmp_path / "notes.db").write_text("not a database")
    assert not dbfile.marked_as_ours(tmp_path / "notes.db")


# ------------------------------------------------------------------ unsaved turns are kept
def _records_of(tmp_path: Path, scenario, catalog, attempts: int) -> Path:
    """A records file holding `attempts` good play-throughs, one trainee each."""
    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        for n in range(attempts):
            record_play(store, scenario, catalog, GOOD, profile=f"Trainee {n}")
    return db


def _export_turn_numbers(store, tmp_path: Path) -> tuple[list[int], list[int], list[str]]:
    import csv
    import json

    from simulator.records.exports import export

    out = tmp_path / "export"
    export(store, out)
    attempt = json.loads((out / "attempts.json").read_text())["attempts"][-1]
    statements = [json.loads(line) for line in (out / "statements.jsonl").read_text().splitlines()]
    turn_key = next(k for k in statements[0]["result"]["extensions"] if k.endswith("/turn"))
    xapi = [s["result"]["extensions"][turn_key] for s in statements if turn_key in s["result"].get("extensions", {})]
    rows = list(csv.DictReader((out / "attempts.csv").read_text().splitlines()))
    return [line["turn"] for line in attempt["turns"]], xapi, [rows[-1]["turns"]]


def test_turns_that_could_not_be_saved_are_written_in_order_by_the_next_save(tmp_path, scenario, catalog):
    from simulator.records.game_bridge import AttemptRecorder, saving_status

    with open_store(tmp_path / "data") as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        play.feed.play(play.session, GOOD[0])
        play.feed.play(play.session, GOOD[1])
        store.connection.execute("PRAGMA query_only = ON")  # disk full at turn 3 …
        play.feed.play(play.session, GOOD[2])
        play.feed.play(play.session, GOOD[3])
        assert play.unsaved_turns == 2 and "2 turns are not saved yet" in saving_status(store, play)
        assert store.attempt(play.attempt_id).turn_count == 2
        store.connection.execute("PRAGMA query_only = OFF")  # … freed by turn 5
        play.feed.play(play.session, GOOD[4])
        assert play.unsaved_turns == 0 and play.save_problem is None and saving_status(store, play) is None
        attempt = store.attempt(play.attempt_id)
        assert attempt.status == "finished" and attempt.choices == tuple(GOOD)
        assert [line["turn"] for line in attempt.turns] == [1, 2, 3, 4, 5]
        json_turns, xapi_turns, csv_turns = _export_turn_numbers(store, tmp_path)
    assert json_turns == xapi_turns == [1, 2, 3, 4, 5] and csv_turns == ["5"]  # the formats agree


def test_a_finish_that_could_not_be_saved_is_saved_later(tmp_path, scenario, catalog):
    from simulator.records.game_bridge import AttemptRecorder

    with open_store(tmp_path / "data") as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        for choice in GOOD[:-1]:
            play.feed.play(play.session, choice)
        store.connection.execute("PRAGMA query_only = ON")
        play.feed.play(play.session, GOOD[-1])
        assert play.session.result is not None and play.pending
        store.connection.execute("PRAGMA query_only = OFF")
        assert play.flush() and not play.pending
        assert store.attempt(play.attempt_id).status == "finished"


def test_another_program_holding_the_write_lock_never_holds_up_a_turn(tmp_path, scenario, catalog):
    from simulator.records.game_bridge import AttemptRecorder

    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process keeps the write lock
        issued: list[str] = []
        store.connection.set_trace_callback(issued.append)
        try:
            play.feed.play(play.session, GOOD[0])
            store.connection.set_trace_callback(None)
            busy_wait = store.connection.execute("PRAGMA busy_timeout").fetchone()[0]
            # the save asked SQLite to wait only briefly for the lock (no timing needed to know)
            from simulator.records.game_bridge import TURN_SAVE_WAIT_MS

            assert TURN_SAVE_WAIT_MS <= 20
            assert issued.index(f"PRAGMA busy_timeout = {TURN_SAVE_WAIT_MS}") < issued.index("BEGIN IMMEDIATE")
            assert play.unsaved_turns == 1  # kept, not lost; the game did not wait for the lock
            assert "another program is holding the records file" in play.save_problem
            assert "start a save trainee" not in play.save_problem
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        play.feed.play(play.session, GOOD[1])
        assert play.unsaved_turns == 0
        assert [line["turn"] for line in store.attempt(play.attempt_id).turns] == [1, 2]
    assert busy_wait == 5000  # the short wait applied to the game's turn save only


def test_the_records_folder_deleted_mid_game_is_written_again_with_everything(tmp_path, scenario, catalog):
    import shutil

    from simulator.records.game_bridge import AttemptRecorder

    folder = tmp_path / "data"
    with open_store(folder) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        play.feed.play(play.session, GOOD[0])
        shutil.rmtree(folder)  # someone cleans up the folder while the trainee plays
        for choice in GOOD[1:]:
            play.feed.play(play.session, choice)
        assert play.save_problem is None and store.notices and "was removed" in store.notices[0]
    with open_store(folder) as again:  # after exit: the finished attempt is on disk
        (attempt,) = again.history(full=True)
        assert attempt.status == "finished" and attempt.choices == tuple(GOOD) and attempt.turn_count == 5


# ------------------------------------------------------------------ the game tells the trainee
def test_the_moved_aside_warning_is_shown_when_the_game_starts_with_profile(tmp_path, scenario, catalog):
    import pygame

    from simulator.paths import ROOT
    from simulator.records.game_bridge import open_store as game_store
    from simulator.records.profile_store import RecordsProfileStore
    from simulator.ui.app import App
    from simulator.ui.profiles import ProfileError
    from simulator.ui.records_link import attach_records
    from tools.game_driver import scene_name

    db = tmp_path / "data" / "records.sqlite3"
    with open_store(db) as store:
        for n in range(120):
            record_play(store, scenario, catalog, GOOD, profile=f"Trainee {n}")
    _wreck_middle_pages(db)
    store = game_store(db.parent)
    app = App(ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml",
              store=RecordsProfileStore(store, error=ProfileError), size=(1280, 720), profile="Kim",
              shuffle_replies=False)
    attach_records(app, store)
    try:
        app.open()
        app.settle()
        assert scene_name(app) == "picker"  # --profile skipped the start screen …
        assert app.notice is not None and "was kept as records.sqlite3.corrupt-" in app.notice[0]  # … not the warning
        assert app.notice[1] == "warning"
    finally:
        app.close()
        store.close()
        pygame.display.quit()


def test_export_salvages_what_is_readable_from_a_file_that_was_moved_aside(tmp_path, scenario, catalog, capsys):
    import json

    from simulator.cli import main

    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        for n in range(120):
            record_play(store, scenario, catalog, GOOD, profile=f"Trainee {n}")
    _wreck_leaf_pages_of(db, "attempt_details")  # transcripts of a few attempts are lost
    with open_store(db):
        pass  # the game opens it: damaged, so it is moved aside
    (kept,) = tmp_path.glob("records.sqlite3.corrupt-*")
    out = tmp_path / "salvaged"
    code = main(["export", "--data-dir", str(kept), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    attempts = json.loads((out / "attempts.json").read_text())["attempts"]
    assert len(attempts) == 120  # every attempt row is readable; only some transcripts are not
    assert "is damaged; everything readable was read" in err and "without their transcript" in err
    assert sum(1 for a in attempts if not a["turns"]) >= 1
    assert len((out / "attempts.csv").read_text().splitlines()) == len(attempts) + 1  # header + rows


def test_a_records_file_cut_short_is_exported_as_far_as_it_goes(tmp_path, scenario, catalog, capsys):
    # a copy to a USB stick pulled out half-way: SQLite refused the whole file (its header
    # counts more pages than there are), so export saved nothing of what was still there
    import json

    from simulator.cli import main

    db = _records_of(tmp_path, scenario, catalog, 60)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = conn.execute("SELECT pageno FROM dbstat WHERE name = 'attempts'").fetchall()
    kept = max(page for (page,) in rows) * 4096  # every attempt row, not every transcript
    assert kept < db.stat().st_size
    cut = tmp_path / "copied.sqlite3"
    cut.write_bytes(db.read_bytes()[:kept])
    out = tmp_path / "salvaged"
    code = main(["export", "--data-dir", str(cut), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "is damaged" in err and "reading what is left of it" in err and "Traceback" not in err
    attempts = json.loads((out / "attempts.json").read_text())["attempts"]
    assert len(attempts) == 60
    assert cut.read_bytes() == db.read_bytes()[:kept]  # read, never changed


def test_a_damaged_transcript_column_leaves_the_json_export_readable(tmp_path, scenario, catalog, capsys):
    # the stored transcript is spliced into the export unparsed: one row damaged as
    # '[not json]' made attempts.json unreadable, and `report` then found no attempts at all
    import json

    from simulator.cli import main

    db = _records_of(tmp_path, scenario, catalog, 3)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE attempt_details SET turns = '[not json]' WHERE attempt_id = 1")
        conn.execute("UPDATE attempt_details SET moods = ? WHERE attempt_id = 2", ("[" * 50_000 + "]" * 50_000,))
    out = tmp_path / "out"
    assert main(["export", "--data-dir", str(db), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "of 2 attempt(s) were damaged and are exported empty (#1, #2)" in err
    attempts = json.loads((out / "attempts.json").read_text())["attempts"]
    assert [len(a["turns"]) > 0 for a in attempts] == [False, True, True]
    assert [len(a["moods"]) > 0 for a in attempts] == [True, False, True]
    assert main(["report", str(out / "attempts.json"), "-o", str(tmp_path / "team.txt")]) == 0


def test_damaged_columns_are_found_without_sqlite_json_functions(tmp_path, scenario, catalog, monkeypatch):
    from simulator.records.store import Store

    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        record_play(store, scenario, catalog, GOOD, profile="Kim")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE attempt_details SET evidence = '[1,]'")
    monkeypatch.setattr(Store, "_has_json_valid", lambda self: False)
    with open_store(db, read_only=True) as store:
        [row] = list(store.iter_attempt_rows())
        assert row.evidence_json == "[]" and row.turns_json.startswith("[{")
        assert "were damaged and are exported empty (#1)" in store.notices[0]


_ODD_TRANSCRIPTS = [  # stored transcript columns, as text unless said otherwise
    "[]", '[{"turn":1,"choice":0}]', '[{"turn":1,"reply_text":"\u201cfine\u201d \u200d\U0001f642"}]',
    "[NaN]", '[{"x":Infinity}]', "[-Infinity]", "[1,]", '["\x01"]', '["\\ud800"]', "[1e400]", "[01]",
    "[" * 1500 + "]" * 1500,  # deeper than Python's parser goes; SQLite reads it
    "[1]\x00", " [1]", "[1] ", '{"turn":1}', "null", "", "[", 7, b"[1]", b"[1,]", 2.5,
]


def test_parsing_the_transcript_finds_what_sqlite_checking_it_finds(tmp_path, scenario, catalog):
    """`iter_attempt_rows(parse_turns=True)` parses the transcript in Python instead of
    asking SQLite whether it is valid: the rows, their parse and the damage notice are
    what the SQLite check and a parse afterwards give."""
    from simulator.records.serialize import loads

    db = tmp_path / "records.sqlite3"
    with open_store(db) as store:
        for _ in _ODD_TRANSCRIPTS:
            record_play(store, scenario, catalog, GOOD)
    with sqlite3.connect(db) as conn:
        for number, stored in enumerate(_ODD_TRANSCRIPTS, start=1):
            conn.execute("UPDATE attempt_details SET turns = ? WHERE attempt_id = ?", (stored, number))
    with open_store(db, read_only=True) as store:
        checked = list(store.iter_attempt_rows())
        checked_notices = list(store.notices)
    with open_store(db, read_only=True) as store:
        parsed = list(store.iter_attempt_rows(parse_turns=True))
        assert store.notices == checked_notices and "damaged and are exported empty" in checked_notices[0]
    assert [row.turns_json for row in parsed] == [row.turns_json for row in checked]
    assert [row.turns for row in parsed] == [loads(row.turns_json, []) for row in checked]
    assert all(row.turns is None for row in checked)
    # the parse the rows hand out is the one the check made (none made twice): the real transcript
    assert parsed[1].turns == [{"turn": 1, "choice": 0}] and parsed[2].turns[0]["reply_text"].endswith("\U0001f642")
    from simulator.records import store as store_module
    assert "json_valid(d.turns)" not in store_module._EXPORT_COLUMNS_TURNS_PARSED  # SQLite's check is left out
