"""`customer-sim report` reads scores only from 0 to 100. A hand-edited or damaged export
(150, -5, NaN, inf, "abc") made the team's means, best scores and chart nonsense. Such an
attempt is skipped, whole, with a line naming the file, the row (CSV line or JSON
attempts[i]), the attempt and the bad value; the other attempts are still reported, as for
every other unreadable row (a team lead wants the team's report, and to be told what was
left out). The same rule holds for statements read from the LRS."""

from __future__ import annotations

import csv
import io
import json

import pytest

from records_helpers import BAD, GOOD, build_scenario, record_play
from simulator.cli import main
from simulator.records.store import open_store
from simulator.records.team_report_exports import report_from_exports
from simulator.records.team_report_lrs import report_from_statements


@pytest.fixture()
def machine(tmp_path, catalog):
    """Three finished attempts: Ana A, Ana F, Ben A."""
    folder = tmp_path / "machine"
    with open_store(folder) as store:
        for choices, name in ((GOOD, "Ana"), (BAD, "Ana"), (GOOD, "Ben")):
            record_play(store, build_scenario(), catalog, choices, profile=name)
    return folder


def _export(folder, fmt: str, out):
    assert main(["export", "--data-dir", str(folder), "--format", fmt, "-o", str(out)]) == 0
    return out


def test_json_scores_outside_0_to_100_skip_their_attempt_and_keep_the_rest(machine, tmp_path, capsys):
    path = _export(machine, "json", tmp_path / "team.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    first, second, third = document["attempts"]
    first["overall"] = 150
    second["skills"]["calm"] = float("nan")  # json writes NaN, and reads it back
    path.write_text(json.dumps(document), encoding="utf-8")

    report = report_from_exports([path])
    assert [row.profile for row in report.rows] == ["Ben"]
    assert report.problems == [
        f"{path}: attempts[0]: attempt {first['uid']}: overall 150 is not a score from 0 to 100; row skipped",
        f"{path}: attempts[1]: attempt {second['uid']}: calm nan is not a score from 0 to 100; row skipped"]
    assert report.mean_overall == third["overall"] == 100

    out = tmp_path / "summary.txt"
    assert main(["report", str(path), "-o", str(out), "-q"]) == 0  # the good row is still a report
    err = capsys.readouterr().err
    assert f"skipped: {path}: attempts[0]: attempt {first['uid']}: overall 150" in err
    assert "Traceback" not in err
    assert "1 attempt(s), 1 finished" in out.read_text(encoding="utf-8")


def _rewrite(path, rows):
    """Write the export's CSV rows back as the team lead's spreadsheet would save them."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.mark.parametrize("column, value", [("overall", "-5"), ("overall", "inf"), ("empathy", "nan"),
                                           ("solutions", "100.5"), ("overall", "abc")])
def test_csv_scores_outside_0_to_100_skip_their_row_naming_its_line(machine, tmp_path, column, value):
    path = _export(machine, "csv", tmp_path / "team.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][column] = value  # the second attempt: line 3 of the file
    _rewrite(path, rows)

    report = report_from_exports([path])
    assert report.problems == [f"{path}:3: attempt {rows[1]['attempt_uid']}: {column} {value!r} is not a "
                               "score from 0 to 100; row skipped"]
    assert [row.uid for row in report.rows] == [rows[0]["attempt_uid"], rows[2]["attempt_uid"]]


def test_scores_at_the_ends_of_the_scale_are_kept(machine, tmp_path):
    # 0 and 100 are scores; an empty skill cell is "not scored", not a bad value
    path = _export(machine, "csv", tmp_path / "team.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0]["overall"], rows[0]["calm"], rows[0]["empathy"] = "0", "100", ""
    _rewrite(path, rows)
    report = report_from_exports([path])
    assert report.problems == [] and len(report.rows) == 3
    assert report.rows[0].overall == 0 and report.rows[0].skills["calm"] == 100
    assert "empathy" not in report.rows[0].skills


def test_statements_from_the_lrs_follow_the_same_rule(machine, tmp_path):
    path = _export(machine, "xapi", tmp_path / "statements.jsonl")
    statements = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    results = [s for s in statements if s["verb"]["id"].endswith(("/passed", "/failed"))]
    assert len(results) == 3
    results[0]["result"]["score"]["raw"] = 250
    bad = results[0]["context"]["registration"]
    report = report_from_statements(statements, source="https://lrs.example")
    assert len(report.rows) == 2 and bad not in {row.uid for row in report.rows}
    assert report.problems == [f"https://lrs.example: attempt {bad} (Ana, wrong-size): overall 250 is not a "
                               "score from 0 to 100; skipped"]
