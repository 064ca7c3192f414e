"""`customer-sim report`: exports from several trainees combined into one team summary."""

from __future__ import annotations

import re

import pytest

from records_helpers import BAD, GOOD, build_scenario, record_play
from simulator.cli import main
from simulator.records.team_report_exports import report_from_exports
from simulator.records.team_report_render import render_html, render_text
from simulator.records.store import open_store


@pytest.fixture()
def exports(tmp_path, catalog):
    """Two trainees on two machines: Ana exports JSON, Ben exports CSV."""
    shoes, parcel = build_scenario(), build_scenario(scenario_id="late-parcel")
    files = []
    for name, plays, fmt in (("Ana", [(shoes, GOOD), (shoes, BAD), (parcel, GOOD)], "json"),
                             ("Ben", [(shoes, BAD), (parcel, GOOD[:2])], "csv")):
        folder = tmp_path / f"machine-{name}"
        with open_store(folder) as store:
            for scenario, choices in plays:
                record_play(store, scenario, catalog, choices, profile=name)
        out = tmp_path / f"{name}.{fmt}"
        assert main(["export", "--data-dir", str(folder), "--format", fmt, "-o", str(out)]) == 0
        files.append(out)
    return files


def test_report_combines_json_and_csv_from_several_trainees(exports):
    report = report_from_exports(exports)
    assert report.problems == [] and len(report.rows) == 5
    shoes, parcel = report.scenarios["wrong-size"], report.scenarios["late-parcel"]
    assert shoes.trainees == {"Ana", "Ben"} and (shoes.finished, shoes.passed) == (3, 1)
    assert shoes.mean("empathy") == pytest.approx(100 / 3)
    assert (parcel.attempts, parcel.finished) == (2, 1)  # Ben's parcel attempt is unfinished
    assert report.trainees["Ana"].best["wrong-size"] == (100.0, "A")
    assert report.trainees["Ana"].latest["wrong-size"][1] == "F"
    assert report.weakest_skill in ("listening", "empathy", "solutions")


def test_the_same_export_given_twice_counts_once(exports):
    report = report_from_exports(exports + exports)
    assert len(report.rows) == 5 and report.duplicates == 5


def test_text_summary_has_a_table_per_scenario_and_skill(exports):
    text = render_text(report_from_exports(exports))
    assert "2 trainee(s), 5 attempt(s), 4 finished" in text
    header = next(line for line in text.splitlines() if line.startswith("scenario"))
    assert all(label in header for label in ("Calm", "Listening", "Empathy", "Solutions", "Follow-up"))
    shoes = next(line for line in text.splitlines() if line.startswith("wrong-size"))
    assert shoes.split()[1:4] == ["2", "3", "33"]  # trainees, finished, pass %
    assert re.search(r"^Ana\s+A \(A\)\s+A \(F\)$", text, re.MULTILINE)  # late-parcel, wrong-size


def test_html_is_self_contained_with_an_inline_svg_chart(exports):
    page = render_html(report_from_exports(exports))
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "</svg>" in page
    assert page.count("<rect") == 2 * 5  # two scenarios x five skills
    assert "<script" not in page and "<link" not in page and "<img" not in page
    external = re.findall(r"(?:src|href)=\"(?!#)[^\"]*\"", page)
    assert external == []
    assert "http://www.w3.org/2000/svg" in page  # the only address: the SVG namespace name


def test_names_are_escaped_in_html(tmp_path, catalog):
    folder = tmp_path / "m"
    with open_store(folder) as store:
        record_play(store, build_scenario(), catalog, GOOD, profile="<b>Eve</b>")
    out = tmp_path / "eve.json"
    assert main(["export", "--data-dir", str(folder), "--format", "json", "-o", str(out)]) == 0
    page = render_html(report_from_exports([out]))
    assert "<b>Eve</b>" not in page and "&lt;b&gt;Eve&lt;/b&gt;" in page


def test_report_command_writes_html_and_text_into_a_folder(exports, tmp_path, capsys):
    out = tmp_path / "team"
    assert main(["report", *map(str, exports), "-o", str(out)]) == 0
    assert (out / "summary.html").read_text().startswith("<!DOCTYPE html>")
    assert "Per scenario" in (out / "summary.txt").read_text()
    assert "Per scenario" in capsys.readouterr().out


def test_bad_files_are_reported_and_the_rest_still_summarised(exports, tmp_path, capsys):
    junk = tmp_path / "junk.json"
    junk.write_text("{ not json")
    other_csv = tmp_path / "other.csv"
    other_csv.write_text("name,score\nAna,3\n")
    statements = tmp_path / "statements.jsonl"
    statements.write_text('{"actor": {}}\n')
    missing = tmp_path / "missing.csv"
    out = tmp_path / "team.html"
    assert main(["report", *map(str, exports), str(junk), str(other_csv), str(statements), str(missing),
                 "-o", str(out), "-q"]) == 0
    err = capsys.readouterr().err
    assert f"{junk}:1:3: not valid JSON" in err
    assert f"{other_csv}:1: not a customer-sim CSV export" in err
    assert f"{missing}: no such file" in err
    assert "learning record store" in err  # xAPI files are named as such
    assert "<svg" in out.read_text()


def test_nothing_readable_is_a_failure(tmp_path, capsys):
    junk = tmp_path / "junk.csv"
    junk.write_text("")
    assert main(["report", str(junk), "-o", str(tmp_path / "t.txt")]) == 1
    assert "no attempts could be read" in capsys.readouterr().err


def test_an_unknown_output_suffix_is_a_usage_error(exports, tmp_path):
    assert main(["report", str(exports[0]), "-o", str(tmp_path / "team.pdf")]) == 2


def test_report_can_draw_the_chart_as_png(exports, tmp_path):
    pygame = pytest.importorskip("pygame")
    import numpy as np

    out = tmp_path / "team.png"
    assert main(["report", *map(str, exports), "-o", str(out), "-q"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = pygame.surfarray.array3d(pygame.image.load(str(out)))
    calm_blue = np.array([0x00, 0x72, 0xB2])
    assert pixels.shape[0] >= 560 and (pixels == calm_blue).all(axis=2).sum() > 100  # the Calm bars


@pytest.fixture()
def renamed_data(edited_data):
    """A copy of the shipped data folder whose rubric.yaml calls the solutions skill otherwise."""
    return edited_data("data", ("label: Solutions\n", "label: Ways forward\n"))


def test_the_report_words_the_skills_as_its_data_folder_does(exports, renamed_data, tmp_path, capsys):
    out = tmp_path / "team"
    assert main(["report", *map(str, exports), "--data-dir", str(renamed_data), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    header = next(line for line in printed.splitlines() if line.startswith("scenario"))
    assert "Ways forward" in header and "Solutions" not in header
    assert (out / "summary.txt").read_text(encoding="utf-8") == printed[:printed.index("wrote ")]
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "Ways forward" in page and "Solutions" not in page  # tables, legend and the bars' titles


def test_without_a_data_folder_the_report_uses_the_shipped_words(exports, tmp_path, capsys):
    assert main(["report", *map(str, exports), "-o", str(tmp_path / "team.txt")]) == 0
    assert "Solutions" in capsys.readouterr().out


def test_a_data_folder_that_is_not_there_is_a_usage_error(exports, tmp_path, capsys):
    missing = tmp_path / "no-such-data"
    assert main(["report", *map(str, exports), "--data-dir", str(missing), "-o", str(tmp_path / "t.txt")]) == 2
    assert f"no such data folder: {missing}" in capsys.readouterr().err
    assert not (tmp_path / "t.txt").exists()


def test_a_data_folder_with_errors_is_reported_with_its_line(exports, renamed_data, tmp_path, capsys):
    (renamed_data / "rubric.yaml").write_text("schema_version: 1\nfloor: [\n", encoding="utf-8")
    assert main(["report", *map(str, exports), "--data-dir", str(renamed_data), "-o", str(tmp_path / "t.txt")]) == 1
    err = capsys.readouterr().err
    assert "rubric.yaml:" in err and "cannot be used" in err
    assert not (tmp_path / "t.txt").exists()
