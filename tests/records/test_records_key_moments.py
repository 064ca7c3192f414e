"""One play-through, three surfaces, the same key moments: the game's debrief model, the
`run --format json` document and a JSON export of the attempt recorded by that run (through
the game's own recorder) list the same moments, and the export's turns are the run's turns
in the compact encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine.session import Session
from simulator.engine.turn_record import compact_json
from simulator.scenario.loader import load_scenario
from simulator.ui.debrief_model import debrief_for

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"


def _cli(capsys, *argv) -> dict:
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("choices", ["2,2,2,2", "1,1,2,1", "1,3,1,1,1"])  # walk-out, rescued, discount
def test_the_debrief_the_run_document_and_the_export_list_the_same_key_moments(catalog, capsys, tmp_path, choices):
    numbers = [int(n) for n in choices.split(",")]
    scenario, diagnostics = load_scenario(TOUR, catalog)  # loaded here: nothing shared with the run below
    assert scenario is not None, diagnostics
    game = [m.to_json() for m in debrief_for(Session.replay(scenario, catalog, [n - 1 for n in numbers])).moments]
    assert game, "this play-through should have moments worth discussing"

    data = str(tmp_path / "records")
    report = _cli(capsys, "run", str(TOUR), "--choices", choices, "--format", "json",
                  "--profile", "Ana", "--data-dir", data)
    document = _cli(capsys, "export", "--data-dir", data, "--format", "json", "-o", "-")
    (attempt,) = document["attempts"]

    assert report["key_moments"] == game
    assert attempt["key_moments"] == game
    assert [m["turn"] for m in game] == sorted({m["turn"] for m in game})
    # the same turns, once in full (run) and once compact (the records)
    assert [{k: v for k, v in line.items() if k != "at"} for line in attempt["turns"]] == [
        {k: v for k, v in compact_json(turn).items() if k != "evidence"} for turn in report["turns"]]
    assert attempt["choices"] == [n - 1 for n in report["choices"]]


def test_an_attempt_recorded_without_key_moments_exports_null(data_dir, capsys):
    from simulator.records.store import open_store

    class Scenario:
        id, title, source_sha256 = "s", "S", ""

    with open_store(data_dir) as store:
        attempt_id = store.start_attempt("Ana", Scenario, object(), {"choices": []})
        store.finish_attempt(attempt_id, {"grade": "B", "overall": 80.0, "outcome": "resolved", "skills": {}})
    document = _cli(capsys, "export", "--data-dir", str(data_dir), "--format", "json", "-o", "-")
    assert document["attempts"][0]["key_moments"] is None


def test_an_interactive_recorded_run_saves_every_turn_it_plays(capsys, tmp_path, monkeypatch):
    """`run --interactive --profile`: the turns typed on stdin (after one given by --choices)
    are played through the recorder's TurnFeed, so each reaches the trainee's history."""
    import io

    data = str(tmp_path / "records")
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n2\n1\n1\n1\n"))
    assert main(["run", str(TOUR), "--choices", "1", "--interactive", "--format", "json",
                 "--profile", "Ana", "--data-dir", data]) == 0, capsys.readouterr().err
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    result = lines[-1]["result"]
    assert lines[-1]["type"] == "result" and result["phase"] == "ended" and len(result["choices"]) > 2
    (attempt,) = _cli(capsys, "export", "--data-dir", data, "--format", "json", "-o", "-")["attempts"]
    assert attempt["choices"] == [n - 1 for n in result["choices"]]
    assert attempt["overall"] == result["overall"] and len(attempt["turns"]) == len(result["turns"])
