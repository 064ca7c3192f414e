"""`customer-sim run`: the command-line contract (output forms, exit codes, determinism)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.cli.run_cmd import parse_choices

ROOT = Path(__file__).resolve().parents[2]
TOUR = str(ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml")
SKILLS = {"calm", "listening", "empathy", "solutions", "follow_up"}


def run(capsys, *argv):
    code = main(["run", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_has_the_contract_fields(capsys):
    code, out, err = run(capsys, TOUR, "--choices", "1,1,1,1,1", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["outcome"], report["grade"], report["overall"], report["phase"]) == ("delighted", "A", 100.0, "ended")
    assert set(report["skills"]) == SKILLS and all(0 <= v <= 100 for v in report["skills"].values())
    assert [t["turn"] for t in report["turns"]] == [1, 2, 3, 4, 5]
    first = report["turns"][0]
    for key in ("turn", "node", "customer_line", "choice", "reply_text", "acts", "mood_after", "expression_after"):
        assert key in first
    assert first["choice"] == 0 and first["options"][0]["number"] == 1  # an index into the options shown
    assert first["node"] == "opening" and first["acts"] == ["acknowledge", "invite"]
    assert report["ending"]["id"] == "delighted_end" and report["evidence"]


def test_a_bad_path_fails(capsys):
    code, out, _ = run(capsys, TOUR, "--choices", "2,2,2,2", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["grade"] == "F" and report["outcome"] == "walked-out" and not report["passed"]


def test_text_output_is_a_readable_transcript(capsys):
    code, out, _ = run(capsys, TOUR, "--choices", "1,1,1,1,1")
    assert code == 0
    assert "Turn 1 · opening" in out and "You (1 of 2): That's really frustrating" in out
    assert "Ending: delighted_end (delighted)" in out and "Grade A · overall 100.0 (pass)" in out


def test_json_is_byte_identical_across_processes():
    cmd = [sys.executable, "-m", "simulator", "run", TOUR, "--choices", "1,3,1,2", "--format", "json"]
    env = dict(os.environ, PYTHONHASHSEED="random")
    first = subprocess.run(cmd, capture_output=True, cwd=ROOT, env=env)
    second = subprocess.run(cmd, capture_output=True, cwd=ROOT, env=env)
    assert first.returncode == 0, first.stderr.decode()
    assert first.stdout == second.stdout and first.stdout


def test_floats_are_rounded_to_four_decimals(capsys):
    _, out, _ = run(capsys, TOUR, "--choices", "1,1", "--format", "json")
    for turn in json.loads(out)["turns"]:
        for value in [*turn["mood_before"].values(), *turn["mood_after"].values()]:
            assert round(value, 4) == value


def test_choices_running_out_is_still_a_played_run(capsys):
    code, out, _ = run(capsys, TOUR, "--choices", "1,1", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["phase"] == "in_progress" and report["outcome"] is None
    assert report["provisional"] and len(report["waiting"]["options"]) == 2
    code, out, _ = run(capsys, TOUR)
    assert code == 0 and "In progress: the choices ran out at turn 1" in out


def test_a_choice_not_on_screen_names_the_turn_and_the_count(capsys):
    code, out, err = run(capsys, TOUR, "--choices", "1,4")
    assert code == 1 and out == ""
    assert "turn 2" in err and "showed only 3 replies" in err and "1. So the box says 38" in err


def test_hidden_replies_do_not_count(capsys):
    # after hiding behind policy, the discount-code reply is hidden: only 2 replies at turn 2
    code, _, err = run(capsys, TOUR, "--choices", "2,3")
    assert code == 1 and "showed only 2 replies" in err


def test_choices_after_the_ending_are_an_error(capsys):
    code, _, err = run(capsys, TOUR, "--choices", "1,1,1,1,1,1")
    assert code == 1 and "already ended after turn 5" in err


@pytest.mark.parametrize("bad", ["a", "1,,2", "1;2", "0", "1,-1", "2,1,"])
def test_bad_choice_syntax_is_a_usage_error(capsys, bad):
    code, out, err = run(capsys, TOUR, "--choices", bad)
    assert code == 2 and out == "" and "--choices" in err


def test_parse_choices():
    assert parse_choices("2, 1 ,3") == ([2, 1, 3], "")
    assert parse_choices("") == ([], "")
    assert parse_choices("0")[0] is None


def test_missing_file_and_folder_are_usage_errors(capsys, tmp_path):
    assert run(capsys, str(tmp_path / "nope.yaml"))[0] == 2
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "folder" in err


def test_an_invalid_scenario_prints_diagnostics_and_exits_1(capsys, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text(Path(TOUR).read_text().replace("next: story", "next: stroy", 1))
    code, out, err = run(capsys, str(bad), "--choices", "1")
    assert code == 1 and out == ""
    assert "broken.yaml:" in err and "stroy" in err


LOOP = """\
schema_version: 1
id: loop
title: Round and round
summary: A loop with an exit the player never takes.
difficulty: 1
briefing: Test.
learning_goals: [Test.]
customer: {name: Kim, persona: reasonable}
start: a
nodes:
  a:
    say: "Well?"
    replies:
      - {text: "Let me check.", acts: [next-step], next: b}
  b:
    say: "And?"
    replies:
      - {text: "Still checking.", acts: [next-step], next: a}
      - {text: "Here is a refund.", acts: [offer-solution], next: done}
endings:
  done: {outcome: resolved, text: Done.}
"""


def test_a_conversation_going_round_in_circles_ends_at_the_turn_limit(capsys, tmp_path):
    from simulator.engine.session import TURN_LIMIT

    path = tmp_path / "loop.yaml"
    path.write_text(LOOP)
    code, out, err = run(capsys, str(path), "--choices", ",".join(["1"] * TURN_LIMIT), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["phase"] == "ended" and report["outcome"] == "unresolved" and report["ending"] is None
    assert f"{TURN_LIMIT}-turn limit" in report["note"] and len(report["turns"]) == TURN_LIMIT


# ---------------------------------------------------------------- --seed: the game's reply order


def _shuffling_seed() -> int:
    """A seed under which the first turn of the tour is not in authored order."""
    from simulator.engine.shuffle import display_order

    return next(seed for seed in range(100) if display_order(seed, 1, 2) != (0, 1))


def test_without_a_seed_run_shows_the_files_order(capsys):
    _, out, _ = run(capsys, TOUR, "--format", "json")
    report = json.loads(out)
    assert report["seed"] is None
    assert report["waiting"]["options"][0]["text"].startswith("That's really frustrating")


def test_with_a_seed_choices_mean_the_order_shown(capsys):
    seed = _shuffling_seed()
    _, out, _ = run(capsys, TOUR, "--seed", str(seed), "--format", "json")
    waiting = json.loads(out)["waiting"]["options"]
    assert waiting[1]["text"].startswith("That's really frustrating")  # the authored first reply, shown second
    code, out, err = run(capsys, TOUR, "--seed", str(seed), "--choices", "2", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["seed"] == seed and report["choices"] == [2]
    assert report["turns"][0]["reply_text"].startswith("That's really frustrating")
    assert report["turns"][0]["options"][0]["text"] == waiting[0]["text"]


def test_text_output_says_which_order_it_shows(capsys):
    assert "in the order the file lists them" in run(capsys, TOUR)[1]
    assert "game's order for seed 7" in run(capsys, TOUR, "--seed", "7")[1]


@pytest.mark.parametrize("bad", ["-1", "x", "1.5", "9" * 30])
def test_a_bad_seed_is_a_usage_error(capsys, bad):
    with pytest.raises(SystemExit) as stop:
        main(["run", TOUR, f"--seed={bad}"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "--seed" in err and "Traceback" not in err


def test_interactive_needs_json(capsys):
    code, out, err = run(capsys, TOUR, "--interactive")
    assert code == 2 and out == "" and "--format json" in err
