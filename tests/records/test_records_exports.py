"""`customer-sim export`: CSV, JSON and xAPI files a team lead can use."""

from __future__ import annotations

import csv
import json

import pytest

from records_helpers import BAD, GOOD, record_play
from simulator.cli import main
from simulator.records.exports import CSV_COLUMNS, safe_cell, unsafe_cell
from simulator.records.store import open_store
from xapi_check import statements_problems


@pytest.fixture()
def history(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        record_play(store, scenario, catalog, BAD)
        record_play(store, scenario, catalog, GOOD, profile="Ben")
        record_play(store, scenario, catalog, GOOD[:1], profile="Ben")  # unfinished
    return data_dir


def test_export_all_writes_three_files_into_a_folder(history, tmp_path, capsys):
    out = tmp_path / "export"
    assert main(["export", "--data-dir", str(history), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["attempts.csv", "attempts.json", "statements.jsonl"]
    said = capsys.readouterr().out
    assert "exported 4 attempts" in said and "all trainees" in said and "xAPI statements" in said


def test_csv_has_one_row_per_attempt_with_the_promised_columns(history, tmp_path):
    out = tmp_path / "a.csv"
    assert main(["export", "--data-dir", str(history), "--format", "csv", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 4
    assert tuple(rows[0]) == CSV_COLUMNS
    first = rows[0]
    assert (first["profile"], first["scenario_id"], first["status"], first["grade"]) == ("Ana", "wrong-size",
                                                                                       "finished", "A")
    assert first["overall"] == "100.0" and first["turns"] == "5"
    assert all(first[s] == "100" for s in ("calm", "listening", "empathy", "solutions", "follow_up"))
    assert rows[1]["grade"] == "F" and rows[3]["status"] == "in_progress" and rows[3]["grade"] == ""


def test_json_export_carries_turns_moods_and_evidence(history, tmp_path):
    out = tmp_path / "a.json"
    assert main(["export", "--data-dir", str(history), "--format", "json", "--profile", "Ana", "-o", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "customer-sim-attempts" and document["profile"] == "Ana"
    (good, bad) = document["attempts"]
    assert good["grade"] == "A" and good["passed"] is True and len(good["turns"]) == 5
    assert len(good["moods"]) == 5 and set(good["moods"][0]) >= {"pleasure", "patience"}
    assert any(e["rule"] == "penalty:dismiss" for e in bad["evidence"])
    assert "snapshot" not in good  # internal engine state stays out of the export


def test_xapi_to_standard_output_is_valid(history, capsys):
    assert main(["export", "--data-dir", str(history), "--format", "xapi", "-o", "-",
                 "--xapi-base", "https://lms.example.com/sim"]) == 0
    statements = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert statements_problems(statements) == []
    assert all(s["object"]["id"].startswith("https://lms.example.com/sim/scenarios/") for s in statements)


def test_unknown_profile_is_a_clear_failure(history, tmp_path, capsys):
    assert main(["export", "--data-dir", str(history), "--profile", "Zoe", "-o", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "no trainee profile named 'Zoe'" in err and "Ana, Ben" in err


def test_a_missing_database_exports_nothing_and_creates_nothing(tmp_path, capsys):
    empty = tmp_path / "nobody"
    assert main(["export", "--data-dir", str(empty), "--format", "csv", "-o", str(tmp_path / "a.csv")]) == 0
    assert "no trainee records" in capsys.readouterr().err
    assert not empty.exists()
    assert (tmp_path / "a.csv").read_text().startswith("attempt_uid,profile")


def test_a_corrupt_database_is_reported_not_moved(tmp_path, capsys):
    (tmp_path / "records.sqlite3").write_text("junk")
    assert main(["export", "--data-dir", str(tmp_path), "-o", str(tmp_path / "out")]) == 1
    assert "not an SQLite database" in capsys.readouterr().err
    assert (tmp_path / "records.sqlite3").read_text() == "junk"


def test_an_unwritable_output_is_reported(history, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["export", "--data-dir", str(history), "-o", str(blocker / "out")]) == 1
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--format", "pdf"], ["--xapi-base", "not an address"], ["-o", "-"]])
def test_usage_errors_exit_2(history, argv, capsys):
    args = ["export", "--data-dir", str(history), *argv]
    if "-o" not in argv:
        args += ["-o", "out"]
    try:
        code = main(args)
    except SystemExit as stop:  # argparse's own usage errors
        code = stop.code
    assert code == 2


def test_formula_like_names_are_neutralised_in_csv_and_restored_on_read():
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("Ana") == "Ana"
    assert unsafe_cell(safe_cell("-Bob")) == "-Bob" and unsafe_cell("'quoted") == "'quoted"


def _export_bytes(store, out, formats, **kwargs) -> dict[str, bytes]:
    from simulator.records.exports import export

    out.mkdir()  # a folder: each format under its default name
    result = export(store, out, formats, **kwargs)
    files = {path.name: path.read_bytes() for path in result.files}
    if "attempts.json" in files:  # the one time-dependent field
        head, _, rest = files["attempts.json"].partition(b'"exported_at": ')
        files["attempts.json"] = head + rest.partition(b",")[2]
    return files | {"counts": repr((result.attempts, result.statements)).encode()}


@pytest.mark.parametrize("formats", [("csv", "json", "xapi"), ("json",), ("csv",), ("xapi", "csv")])
@pytest.mark.parametrize("profile", [None, "Ben", "Ana"])
def test_an_export_shared_out_between_two_processes_writes_the_same_bytes(history, tmp_path, monkeypatch,
                                                                           formats, profile):
    from simulator.engine import forked
    from simulator.records import exports

    halves = []
    run_forked = forked.run_forked
    monkeypatch.setattr(forked, "run_forked", lambda pieces: halves.append(run_forked(pieces)) or halves[-1])
    with open_store(history, read_only=True) as store:
        monkeypatch.setattr(exports, "SHARE_OUT_FROM", 10**9)
        alone = _export_bytes(store, tmp_path / "alone", formats, profile=profile)
        monkeypatch.setattr(exports, "SHARE_OUT_FROM", 2)
        monkeypatch.setattr(exports, "_usable_cpus", lambda: 2)
        shared = _export_bytes(store, tmp_path / "shared", formats, profile=profile)
    assert shared == alone
    if formats == ("csv",):
        assert halves == []  # not worth a second process
    else:
        assert len(halves) == 1 and halves[0] is not None and all(attempts for attempts, _ in halves[0])
    assert not [p for p in (tmp_path / "shared").iterdir() if p.name.startswith(".")]


def test_a_failed_half_is_written_again_by_the_exporting_process(history, tmp_path, monkeypatch):
    from simulator.engine import forked
    from simulator.records import exports

    with open_store(history, read_only=True) as store:
        monkeypatch.setattr(exports, "SHARE_OUT_FROM", 10**9)
        alone = _export_bytes(store, tmp_path / "alone", exports.FORMATS)
        monkeypatch.setattr(exports, "SHARE_OUT_FROM", 2)
        monkeypatch.setattr(exports, "_usable_cpus", lambda: 2)
        monkeypatch.setattr(forked, "run_forked", lambda pieces: None)  # a refused fork, a lost child
        assert _export_bytes(store, tmp_path / "again", exports.FORMATS) == alone


def test_a_list_column_holding_json_null_exports_as_empty_in_every_format(tmp_path, catalog):
    import sqlite3

    from records_helpers import BAD, build_scenario, record_play
    from simulator.records.exports import export_text
    from simulator.records.store import open_store

    with open_store(tmp_path) as store:
        record_play(store, build_scenario(), catalog, BAD)
        path = store.path
    conn = sqlite3.connect(path)
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for column in sorted({"evidence", "moods", "turns", "choices"} & columns):
            conn.execute(f"UPDATE {table} SET {column} = 'null'")  # valid JSON, but not a list
    conn.commit()
    conn.close()
    with open_store(tmp_path) as store:
        attempt = next(iter(store.iter_attempts(None)))
        assert attempt.evidence == () and attempt.moods == () and attempt.turns == ()
        for fmt in ("csv", "json", "xapi"):
            assert export_text(store, fmt).strip()  # something is written, and nothing raised


_STORED_RESULT = {"ending_id": "end", "ending_text": "“Thanks” \u200b— all sorted 🎉", "passed": True, "caps": ["x" * 5000],
                  "key_moments": [{"turn": 2, "headline": "Angry → Calm · “quoted”", "said": "\u200d👩‍💻 " * 300,
                                   "rules": ["a", "b"], "better": None, "points": 12.5}]}
_MOMENTS = json.dumps(_STORED_RESULT["key_moments"], ensure_ascii=False, separators=(",", ":"))
_HEAD = json.dumps({k: v for k, v in _STORED_RESULT.items() if k != "key_moments"}, ensure_ascii=False,
                   separators=(",", ":"))[:-1]
_AS_STORED = json.dumps(_STORED_RESULT, ensure_ascii=False, separators=(",", ":"))
_NESTED_FIRST = '{"note":{"key_moments":[1]},' + _HEAD[1:] + ',"key_moments":' + _MOMENTS + "}"  # an earlier key has some


@pytest.mark.parametrize("stored", [
    _AS_STORED, '{"key_moments":' + _MOMENTS + "}",  # (both cut without parsing the key moments)
    json.dumps(_STORED_RESULT),  # spaces and \u escapes: another encoder
    _HEAD + ',"key_moments":' + _MOMENTS + ',"passed":false}',  # a key after the key moments
    _HEAD + ',"key_moments":' + _MOMENTS + ',"key_moments":[]}',  # the key moments twice
    '{"passed":false,' + _HEAD[1:] + ',"key_moments":' + _MOMENTS + "}",  # `passed` twice, the last one wins
    _NESTED_FIRST, '{"note":{"a":1,"key_moments":[1]},' + _HEAD[1:] + ',"key_moments":' + _MOMENTS + "}",
    _HEAD + ',"key_moments":' + _MOMENTS[:-1] + "}",  # damaged
    _HEAD + ',"key_moments":[NaN]}', _HEAD + "}", "[1]", "null", None])
def test_the_key_moments_cut_from_the_stored_text_are_what_parsing_it_all_gives(stored):
    # The JSON and xAPI files cut the key moments out of the result's text after parsing only
    # the part before them; whatever the stored text, they must say what a full parse says.
    import sqlite3

    from simulator.records import exports
    from simulator.records.attempt import AttemptRow
    from simulator.records.store import _RESULT_MEMBERS

    [(members,)] = sqlite3.connect(":memory:").execute(f"SELECT {_RESULT_MEMBERS} FROM (SELECT ? AS result) AS d",
                                                        (stored,))
    row = AttemptRow(_any_attempt(), "[]", "[]", "[]", stored, members)
    result, moments = exports.result_and_moments(row)
    parsed = exports.stored_result(row)
    assert (result or {}).get("passed") == (parsed or {}).get("passed")
    assert moments == exports._key_moments_text(stored, parsed)
    assert json.loads(exports.json_record_text(row))["key_moments"] == (parsed or {}).get("key_moments")
    cut = stored in (_AS_STORED, '{"key_moments":' + _MOMENTS + "}", _NESTED_FIRST)
    assert (exports._cut_moments(row) is not None) == cut


def _any_attempt():
    from simulator.records.attempt import Attempt

    return Attempt(id=1, uid="", profile="Ana", scenario_id="s", scenario_title="S", scenario_sha256="",
                   catalog_sha256="", started_at="2025-01-01T00:00:00.000Z", finished_at=None, updated_at=None,
                   status="finished", choices=(), skills={}, overall=None, grade=None, outcome=None)


@pytest.mark.parametrize("moods", [
    '[{"pleasure":-0.4375,"arousal":1e-05,"patience":7.0},{"pleasure":0,"heard":-12}]',  # the store's shape
    '[{"a":1},{"b":"},{"}]', '[{"a":1},{}]', '[{"a":NaN}]', '[{"é":1.5}]', '[{"a":' + "1" * 5000 + "}]",
    '[{"a":1}, {"b":2}]', "[]"])
def test_moods_cut_from_the_stored_column_are_what_formatting_the_parsed_moods_gives(moods):
    from simulator.records.serialize import loads
    from simulator.records.xapi import StatementBuilder

    builder = StatementBuilder()
    parsed = loads(moods, [])
    expected = builder._mood_texts(parsed) if isinstance(parsed, list) else []
    got = builder._stored_mood_texts(moods)
    assert [None if text is None else json.loads(text) for text in got] == \
           [None if text is None else json.loads(text) for text in expected]


# _PLAIN_MOODS as first written, every quantifier free to give back what it took
_NUMBER_BACKTRACKING = r"-?(?:0|[1-9][0-9]{0,99})(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_MOOD_BACKTRACKING = rf'\{{"[A-Za-z0-9_-]+":{_NUMBER_BACKTRACKING}(?:,"[A-Za-z0-9_-]+":{_NUMBER_BACKTRACKING})*\}}'


@pytest.mark.parametrize("moods", [
    '[{"pleasure":-0.4375,"arousal":1e-05,"patience":7.0},{"pleasure":0,"heard":-12}]',  # the store's shape
    '[{"a":0}]', '[{"a":-0}]', '[{"a":1E+9}]', '[{"a":1e-0}]', '[{"a_b-9":10.25}]', '[{"a":1},{"b":2},{"c":3}]',
    '[{"a":' + "9" * 100 + "}]", '[{"a":' + "9" * 101 + "}]", '[{"a":1.' + "5" * 300 + "}]",
    '[{"a":00}]', '[{"a":01}]', '[{"a":1.}]', '[{"a":.5}]', '[{"a":-}]', '[{"a":1e}]', '[{"a":1e+}]', '[{"a":+1}]',
    '[{"a":--1}]', '[{"a":1.5.5}]', '[{"a":1e5e5}]', '[{"a":1,}]', '[{"a":1},]', '[{}]', "[]", '[{"":1}]',
    '[{"a":1}{"b":2}]', '[{"a":1},{"b":"},{"}]', '[{"a":NaN}]', '[{"é":1.5}]', '[{"a":1}, {"b":2}]',
    '[{"a":1,"a":2}]', '[{"a":1}]\n', ' [{"a":1}]', '[{"a":[1]}]', '[{"a":{"b":1}}]', '[{"a":true}]'])
def test_the_plain_moods_pattern_matches_what_the_backtracking_one_matches(moods):
    import re

    from simulator.records.xapi import _PLAIN_MOODS

    backtracking = re.compile(rf"\[{_MOOD_BACKTRACKING}(?:,{_MOOD_BACKTRACKING})*\]")
    assert bool(_PLAIN_MOODS.fullmatch(moods)) == bool(backtracking.fullmatch(moods))


def test_recorded_moods_take_the_cut(tmp_path, scenario, catalog):
    from simulator.records.xapi import _PLAIN_MOODS

    with open_store(tmp_path / "records.sqlite3") as store:
        record_play(store, scenario, catalog, GOOD)
        [row] = list(store.iter_attempt_rows())
    assert row.moods_json != "[]" and _PLAIN_MOODS.fullmatch(row.moods_json)
