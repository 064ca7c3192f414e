"""Golden transcripts: format_tour play-throughs compared with tests/engine/golden/*.json.

Each case first asserts what a trainer would reason about (outcome, grade, which rules
fired); only then is the whole report compared with its golden file, which catches any
unintended change in wording, mood numbers or evidence.

After an intended change to the engine or the data files, regenerate the files with

    CUSTOMER_SIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/engine/test_golden.py

and review the diff (`git diff tests/engine/golden/`) before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from simulator.engine.run_document import run_document
from simulator.engine.session import Session

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CUSTOMER_SIM_UPDATE_GOLDEN") == "1"


def rules(report, skill=None, negative=None):
    return {e["rule"] for e in report["evidence"]
            if (skill is None or e["skill"] == skill)
            and (negative is None or (e["points"] < 0) == negative)}


def check_best(report):
    assert (report["outcome"], report["grade"], report["overall"]) == ("delighted", "A", 100.0)
    assert rules(report, negative=True) == set()
    assert {"feel_before_fix", "listen_before_solve"} <= rules(report)
    assert report["turns"][-1]["expression_after"] == "delighted"


def check_walk_out(report):
    assert (report["outcome"], report["grade"]) == ("walked-out", "F")
    assert report["skills"]["solutions"] == 0 and report["skills"]["follow_up"] == 0
    assert {"penalty:hide-behind-policy", "penalty:refuse-flat", "two_roads", "penalty:dismiss"} <= rules(report)
    assert any("walked out" in cap for cap in report["caps"])
    assert report["turns"][-1]["expression_after"] == "furious"


def check_close_early(report):
    # good first three turns, then "Done. Bye now.": everything but follow-up is full, not a pass
    assert (report["outcome"], report["grade"], report["passed"]) == ("unresolved", "C", False)
    assert report["skills"]["follow_up"] == 0 and report["skills"]["solutions"] == 100
    assert "penalty:close-early" in rules(report, "follow_up")


def check_rescued(report):
    # a flat refusal, then a refund: resolved, but the behaviour still fails
    assert (report["outcome"], report["grade"]) == ("resolved", "F")
    assert "two_roads" not in rules(report, negative=True)  # the alternative came in the very next reply
    assert "two_roads" in rules(report)  # ...and keeping the rule is listed
    assert {"penalty:refuse-flat", "recap_before_end"} <= rules(report, negative=True)


def check_discount(report):
    # the discount-code reply carries an explicit `skills: {solutions: -5}`
    assert (report["outcome"], report["grade"]) == ("delighted", "A")
    override = [e for e in report["evidence"] if e["rule"] == "reply_skills"]
    assert [(e["turn"], e["skill"], e["points"]) for e in override] == [(2, "solutions", -5.0)]
    assert report["skills"]["solutions"] == 95


def check_in_progress(report):
    assert report["phase"] == "in_progress" and report["outcome"] is None and report["ending"] is None
    assert report["provisional"] and report["waiting"]["node"] == "options"
    assert [o["number"] for o in report["waiting"]["options"]] == [1, 2]


CASES = {
    "best": ([1, 1, 1, 1, 1], check_best),
    "walk_out": ([2, 2, 2, 2], check_walk_out),
    "close_early": ([1, 1, 1, 2], check_close_early),
    "rescued": ([1, 1, 2, 1], check_rescued),
    "discount": ([1, 3, 1, 1, 1], check_discount),
    "in_progress": ([1, 1], check_in_progress),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_format_tour_golden(name, catalog, format_tour):
    choices, check = CASES[name]
    session = Session.replay(format_tour, catalog, [c - 1 for c in choices])
    report = run_document(session)
    check(report)
    assert report["choices"] == choices
    for moment in report["key_moments"]:  # a moment that says points slipped away names the reply that kept them
        if "fewer within reach" in moment["headline"]:
            better = moment["better"]
            assert better is not None and better["best_overall"] > better["chosen_best"], moment["headline"]
    text = json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    path = GOLDEN / f"format_tour_{name}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path.name}; regenerate (see this module's docstring)"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs from this run; if the change is intended, regenerate (see this module's docstring)")
