"""Skill labels, grades, pass grade and floor come from rubric.yaml, nowhere else."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import yaml

from simulator.scenario.model import SKILLS
from simulator.scenario.rubric_terms import rubric_terms

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = yaml.safe_load((ROOT / "scenarios" / "data" / "rubric.yaml").read_text(encoding="utf-8"))


def test_shipped_terms_are_the_rubric_files():
    terms = rubric_terms()
    assert terms.labels == {s: RUBRIC["skills"][s]["label"] for s in SKILLS}
    assert terms.pass_grade == RUBRIC["pass_grade"] and terms.floor == RUBRIC["floor"]
    letters = list(RUBRIC["grades"])
    assert terms.passing_grades == tuple(letters[:letters.index(RUBRIC["pass_grade"]) + 1])


def test_a_catalog_with_other_words_changes_the_labels_and_passing_grades():
    data = {**RUBRIC, "skills": {**RUBRIC["skills"], "calm": {**RUBRIC["skills"]["calm"], "label": "Composure"}},
            "pass_grade": "C"}
    terms = rubric_terms(SimpleNamespace(rubric=data))
    assert terms.label("calm") == "Composure"
    assert "C" in terms.passing_grades and "D" not in terms.passing_grades


def test_no_module_keeps_its_own_copy_of_the_labels_or_skills():
    pattern = re.compile(r'"follow_up":\s*"Follow-up"|\("calm",\s*"listening",\s*"empathy"|\("A",\s*"B"\)')
    owners = {ROOT / "simulator" / "scenario" / "model.py"}  # the scenario format's skill ids
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "simulator").rglob("*.py")
                 if p not in owners and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
