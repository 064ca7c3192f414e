"""Transcript lines: written only as the engine's compact turn encoding, and every older line
(records schema 4 and before, JSON exports of format 1) still read, with nothing lost."""

from __future__ import annotations

import dataclasses
import json
import sqlite3

from records_helpers import GOOD, record_play
from simulator.engine.session import Session
from simulator.records import exports
from simulator.records.schema import SCHEMA_VERSION, migrate
from simulator.records.serialize import dumps
from simulator.records.store import open_store
from simulator.records.turn_lines import turn_line, upgrade_line, upgrade_lines_text

# A transcript line exactly as records schema 4 wrote it (node_id / next_id; no trigger key
# when none fired), and the attempt it belonged to.
V4_LINE = {"turn": 1, "at": "2025-03-01T09:30:00.250Z", "node_id": "opening",
           "customer_line": "These are the wrong size!", "choice": 0, "reply_index": 0,
           "reply_text": "That's annoying - tell me what happened?", "acts": ["acknowledge", "invite"],
           "expression_after": "annoyed", "next_id": "story",
           "evidence": [{"turn": 1, "skill": "empathy", "points": 10.0, "rule": "credit:acknowledge",
                         "message": "Name the feeling."}]}
TODAY = {**{k: v for k, v in V4_LINE.items() if k not in ("node_id", "next_id")},
         "node": "opening", "next": "story"}


def test_upgrade_line_renames_the_two_old_keys_and_keeps_everything_else():
    assert upgrade_line(V4_LINE) == TODAY
    assert upgrade_line(TODAY) is TODAY  # already today's shape: untouched
    assert upgrade_line({"node_id": "old", "node": "new"}) == {"node": "new"}  # today's name wins
    assert upgrade_line({"turn": 1, "choice": 2, "extra": [1]}) == {"turn": 1, "choice": 2, "extra": [1]}
    assert upgrade_line("damaged") == "damaged" and upgrade_line(None) is None


def test_upgrade_lines_text_leaves_what_does_not_parse_alone():
    assert json.loads(upgrade_lines_text(json.dumps([V4_LINE, V4_LINE]))) == [TODAY, TODAY]
    for text in ("[{broken", '{"not": "a list"}', "", None):
        assert upgrade_lines_text(text) == text
    same = dumps([TODAY])
    assert upgrade_lines_text(same) is same


def test_a_line_is_the_compact_turn_encoding_plus_when(catalog, scenario):
    record = Session.replay(scenario, catalog, GOOD[:2]).transcript[1]
    line = turn_line(record, 2, "2025-03-01T09:30:00.250Z")
    assert line == {"turn": 2, "at": "2025-03-01T09:30:00.250Z",
                    **{k: v for k, v in record.to_json(compact=True).items() if k != "turn"}}
    assert line["node"] == record.node_id and line["next"] == record.next_id
    # a mapping of the same turn's JSON, with old or new key names, gives the same line
    for given in (record.to_json(), {**{k: v for k, v in record.to_json().items() if k not in ("node", "next")},
                                     "node_id": record.node_id, "next_id": record.next_id}):
        assert turn_line(given, 2, "2025-03-01T09:30:00.250Z") == line


def _v4_database(path):
    """A records file as schema 4 left it: one finished attempt with a v4 transcript line."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=4)
    conn.execute("INSERT INTO attempts (id, uid, profile, scenario_id, scenario_title, started_at, finished_at, "
                 "updated_at, status, choices, skills, overall, grade, outcome) VALUES (1, "
                 "'6f1c2a52-0000-5000-8000-000000000001', 'Ana', 'wrong-size', 'Shoes', "
                 "'2025-03-01T09:30:00.000Z', '2025-03-01T09:31:00.000Z', '2025-03-01T09:31:00.000Z', "
                 "'finished', '[0]', '{\"calm\": 90}', 88.0, 'B', 'resolved')")
    finished_line = {k: v for k, v in V4_LINE.items() if k != "evidence"}  # finishing dropped it
    conn.execute("INSERT INTO attempt_details (attempt_id, moods, evidence, turns, result) VALUES (1, ?, ?, ?, ?)",
                 (dumps([{"pleasure": -0.2}]), dumps(V4_LINE["evidence"]), dumps([finished_line]),
                  dumps({"ending_id": "happy", "passed": True})))
    conn.execute("INSERT INTO attempts (id, uid, profile, scenario_id, started_at, status, choices) VALUES "
                 "(2, 'u2', 'Ana', 'wrong-size', '2025-03-02T09:30:00.000Z', 'in_progress', '[0]')")
    conn.execute("INSERT INTO attempt_details (attempt_id, turns) VALUES (2, '[{broken')")
    conn.close()
    return finished_line


def test_a_schema_4_file_is_migrated_with_nothing_lost(tmp_path):
    db = tmp_path / "records.sqlite3"
    finished_line = _v4_database(db)
    with open_store(db) as store:
        assert store.schema_version() == SCHEMA_VERSION == 5
        old, damaged = store.history(full=True, newest_first=False)
        assert old.turns == (upgrade_line(finished_line),)
        assert old.turns[0]["node"] == "opening" and old.turns[0]["next"] == "story"
        assert old.moods == ({"pleasure": -0.2},) and old.evidence == tuple(V4_LINE["evidence"])
        assert damaged.turns == ()  # still read as damaged, as before the migration
        raw = store.connection.execute("SELECT turns FROM attempt_details WHERE attempt_id = 2").fetchone()[0]
        assert raw == "[{broken"  # the migration made nothing worse
        statements = store.statements.statements(old)
    assert statements[0]["object"]["id"].endswith("/scenarios/wrong-size#opening")
    assert statements[0]["result"]["response"] == V4_LINE["reply_text"]


def test_reading_a_schema_4_file_exports_todays_shape_and_leaves_the_file_alone(tmp_path):
    db = tmp_path / "records.sqlite3"
    _v4_database(db)
    before = db.read_bytes()
    with open_store(db, read_only=True) as store:
        document = json.loads(exports.export_text(store, "json"))
    assert db.read_bytes() == before
    assert document["format_version"] == exports.JSON_FORMAT_VERSION == 2
    (line,) = document["attempts"][0]["turns"]
    assert line["node"] == "opening" and "node_id" not in line and "next_id" not in line


def test_an_imported_attempt_from_an_old_export_is_stored_in_todays_shape(tmp_path, data_dir, catalog, scenario):
    db = tmp_path / "old.sqlite3"
    _v4_database(db)
    with open_store(db) as old_store:
        old = old_store.attempt(1)
    legacy = dataclasses.replace(old, turns=(V4_LINE,))  # as a format 1 export carried it
    with open_store(data_dir) as store:
        new_id = store.import_attempt(legacy)
        assert store.attempt(new_id).turns == (TODAY,)


def test_what_the_game_records_comes_back_as_the_compact_encoding(data_dir, catalog, scenario):
    with open_store(data_dir) as store:
        attempt_id = record_play(store, scenario, catalog, GOOD[:2])
        saved = store.attempt(attempt_id)
    played = Session.replay(scenario, catalog, GOOD[:2])
    expected = [r.to_json(compact=True) for r in played.transcript]
    assert [{k: v for k, v in line.items() if k != "at"} for line in saved.turns] == expected
