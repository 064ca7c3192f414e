"""Skill labels and advice, grades, pass grade, floor, the outcomes' words and the rules'
general words come from rubric.yaml, nowhere else."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import yaml

from simulator.scenario.model import OUTCOMES, SKILLS
from simulator.scenario.rubric_terms import general_fields, general_wording, rubric_terms

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


def test_shipped_advice_outcome_words_and_placeholder_words_are_the_rubric_files():
    terms = rubric_terms()
    assert terms.advice == {s: RUBRIC["skills"][s]["advice"] for s in SKILLS}
    assert terms.outcome_labels == {o: RUBRIC["outcomes"][o]["label"] for o in OUTCOMES}
    assert terms.outcome_symbols == {o: RUBRIC["outcomes"][o]["symbol"] for o in OUTCOMES}
    assert terms.placeholder_words == RUBRIC["placeholder_words"]
    # the words the screens showed before they moved into rubric.yaml
    assert (terms.outcome_label("escalated"), terms.outcome_symbol("walked-out")) == ("Escalated to a manager", "✗")


def test_an_outcome_or_skill_the_rubric_does_not_word_reads_as_its_id():
    terms = rubric_terms(SimpleNamespace(rubric={}))  # a data folder without rubric.yaml
    assert (terms.outcome_label("walked-out"), terms.outcome_symbol("walked-out")) == ("Walked out", "•")
    assert terms.skill_advice("calm") == ""


def test_a_rule_message_in_general_words():
    words = {"kinds": "provocation", "act": "a good move"}
    # a clause that counts goes; so does a bracketed field; a field without words reads "it"
    assert general_wording("Apology number {count}; after one sorry, action says it better.", words) \
        == "After one sorry, action says it better"
    assert general_wording("Stayed composed when provoked ({kinds}).", words) == "Stayed composed when provoked"
    assert general_wording('No credit for "{act}": it also did "{negative}".', words) \
        == 'No credit for "a good move": it also did "it"'
    assert general_fields('Past the {kinds} ({kinds}); number {count}; "{act}" or {kinds}') == ["kinds", "act"]


def test_no_module_keeps_its_own_copy_of_the_advice_or_the_outcome_words():
    pattern = re.compile(r"Escalated to a manager|apologise once, specifically|\"kinds\":\s*\"provocation\"|"
                         r"\"walked-out\":\s*\"(Walked out|✗)\"")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "simulator").rglob("*.py")
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
