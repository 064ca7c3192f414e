"""The rubric's data: rubric.yaml and personas.yaml `scoring:` are checked with positions, the
scenario keys the rubric reads (`provokes`, `hand_off_right`) are parsed with spans, and
the lint that reads a node the way the rubric will score it (S310).
"""

from __future__ import annotations

import copy
import shutil

import pytest

from simulator.engine.rubric import rubric_problems
from simulator.paths import DATA_DIR
from simulator.scenario.catalog import load_catalog
from simulator.scenario.loader import load_scenario

SCENARIO = """\
schema_version: 1
id: tiny
title: Tiny
customer: {name: Pat, persona: hostile}
start: opening
nodes:
  opening:
    say: You people are useless.
    provokes: [insult, shouting]
    replies:
      - text: I want to help, and I will if we keep this civil.
        acts: [set-boundary, take-ownership]
        next: handover
      - text: There's no need for that.
        acts: [defensive]
        next: handover
  handover:
    say: Then fix it.
    replies:
      - text: This needs our safety team; I'll stay on the line while I connect you.
        acts: [hand-off, next-step]
        hand_off_right: true
        next: done
endings:
  done: {outcome: resolved, text: Fixed.}
"""


def load(text, catalog):
    return load_scenario("mem.yaml", catalog, data=text.encode())


# ----------------------------------------------------------------------------- scenario keys


def test_provokes_and_hand_off_right_are_read_with_their_positions(catalog):
    scenario, diagnostics = load(SCENARIO, catalog)
    assert diagnostics == [], [d.message for d in diagnostics]
    opening = scenario.nodes["opening"]
    assert opening.provokes == ("insult", "shouting")
    assert (opening.provokes_span.line, opening.provokes_span.column) == (9, 15)
    right = scenario.nodes["handover"].replies[0]
    assert right.hand_off_right and (right.hand_off_right_span.line, right.hand_off_right_span.column) == (22, 25)
    assert not opening.replies[0].hand_off_right and scenario.nodes["handover"].provokes == ()


def test_an_unknown_provocation_kind_is_an_error_at_its_position(catalog):
    scenario, diagnostics = load(SCENARIO.replace("[insult, shouting]", "[insult, shuoting]"), catalog)
    assert scenario is None
    [found] = diagnostics
    assert (found.code, found.line, found.column) == ("S213", 9, 24) and "shouting" in found.hint


def test_the_provocation_kinds_come_from_the_rubric(catalog):
    assert catalog.provocation_kinds == tuple(catalog.rubric["rules"]["provocation"]["kinds"])
    assert {"insult", "threat", "blame", "sarcasm", "shouting"} <= set(catalog.provocation_kinds)


def test_hand_off_right_must_be_true_or_false(catalog):
    scenario, diagnostics = load(SCENARIO.replace("hand_off_right: true", "hand_off_right: maybe"), catalog)
    assert scenario is None and ("S103", 22) in [(d.code, d.line) for d in diagnostics]


# ----------------------------------------------------------------------------- lint S310


def test_a_node_whose_every_reply_is_penalised_is_named(catalog):
    text = SCENARIO.replace("acts: [set-boundary, take-ownership]", "acts: [take-ownership]")
    scenario, diagnostics = load(text, catalog)
    assert scenario is not None  # a warning
    [found] = diagnostics
    assert (found.code, found.severity, found.line) == ("S310", "warning", 7)
    assert "'opening'" in found.message and "pass" in found.message and "'defensive'" in found.message


def test_a_right_hand_off_is_not_a_penalised_reply(catalog):
    text = SCENARIO.replace("        hand_off_right: true\n", "")
    _, diagnostics = load(text, catalog)
    assert [(d.code, d.line) for d in diagnostics] == [("S310", 17)]  # handover, once unmarked


# ----------------------------------------------------------------------------- rubric.yaml


def test_the_floor_needs_its_cap(catalog):
    data = copy.deepcopy(dict(catalog.rubric))
    del data["caps"]["below_floor"]
    assert "caps.below_floor: missing; the floor needs a cap below the pass line" in rubric_problems(data, catalog.acts)


def test_bad_rubric_settings_are_listed(catalog):
    data = copy.deepcopy(dict(catalog.rubric))
    data["floor"] = 160
    data["caps"]["ceiling"] = {"max_overall": 1}
    data["caps"]["below_floor"]["max_overall"] = "low"
    data["rules"]["provocation"]["let_pass_keeps"] = 1.5
    data["rules"]["provocation"]["kinds"] = []
    data["rules"]["hand_off"]["acts"] = ["hand-of"]
    del data["rules"]["provocation"]["answer_acts"]
    data["caps"]["avoidable_escalation"]["max_overall"] = 85
    text = "\n".join(rubric_problems(data, catalog.acts))
    for expected in ("floor: must be a number from 0 to 100", "caps.ceiling: unknown cap",
                     "caps.below_floor.max_overall: must be a number",
                     "rules.provocation.let_pass_keeps: must be a number from 0 to 1",
                     "rules.provocation.kinds: must be a list of names",
                     "rules.hand_off.acts: unknown act 'hand-of'", "rules.provocation.answer_acts: missing",
                     "caps.avoidable_escalation.max_overall: must be below the pass line (80)"):
        assert expected in text


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _refused(data_dir, path, old, new):
    """The diagnostics of the data folder after `old` became `new` in `path` (it must not load)."""
    _edit(path, old, new)
    catalog, diagnostics = load_catalog(data_dir)
    assert catalog is None
    return diagnostics


def _line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


def test_a_bad_rubric_setting_is_reported_at_its_line(data_dir):
    rubric = data_dir / "rubric.yaml"
    _edit(rubric, "let_pass_keeps: 0.4", "let_pass_keeps: 4")
    _edit(rubric, "floor: 60", "floor: 60\nceiling: 95")
    catalog, diagnostics = load_catalog(data_dir)
    assert catalog is None
    found = {(d.code, d.line) for d in diagnostics}
    assert found == {("S115", _line_of(rubric, "let_pass_keeps: 4")), ("S115", _line_of(rubric, "ceiling: 95"))}


# The words the screens show (advice, outcome words, a rule's general words) are data too: a
# missing or blank one is a diagnostic at its line, never a KeyError on the progress screen.
@pytest.mark.parametrize("old, new, needle, problem", [
    ("    advice: Name the feeling early and apologise once, specifically.\n", "    advice: '  '\n",
     "advice: '  '", "skills.empathy.advice: must be text, not blank"),
    ("    advice: Own the problem and offer two real options with a next step and a time.\n", "",
     "  solutions:", "skills.solutions.advice: missing"),
    ('  resolved: {label: Resolved, symbol: "✓"}', "  resolved: {label: Resolved}", "  resolved: {label: Resolved}",
     "outcomes.resolved.symbol: missing"),
    ('  escalated: {label: Escalated to a manager, symbol: "▲"}', '  escalated: {label: "", symbol: "▲"}',
     '  escalated: {label: ""', "outcomes.escalated.label: must be text, not blank"),
    ('  walked-out: {label: Walked out, symbol: "✗"}', '  walked-out: {label: Walked out, symbol: "✗"}\n'
     '  hung-up: {label: Hung up, symbol: "x"}', "hung-up:", "outcomes.hung-up: unknown outcome"),
    ("  act: a good move\n", "", "placeholder_words:",
     "placeholder_words.act: missing; rules.mixed_reply.message says {act}"),
    ("  kinds: provocation\n", "  kinds: ' '\n", "kinds: ' '", "placeholder_words.kinds: must be text, not blank"),
])
def test_a_missing_or_blank_word_is_reported_at_its_line(data_dir, old, new, needle, problem):
    rubric = data_dir / "rubric.yaml"
    diagnostics = _refused(data_dir, rubric, old, new)
    assert [(d.code, d.path, d.line) for d in diagnostics] == [("S115", str(rubric), _line_of(rubric, needle))]
    assert problem in diagnostics[0].message


def test_a_rubric_without_outcome_words_is_reported(data_dir):
    rubric = data_dir / "rubric.yaml"
    text = rubric.read_text(encoding="utf-8")
    rubric.write_text(text[:text.index("\noutcomes:\n")] + "\n", encoding="utf-8")
    catalog, diagnostics = load_catalog(data_dir)
    assert catalog is None and [d.code for d in diagnostics] == ["S115"]
    assert "outcomes: missing; give every outcome (delighted, resolved," in diagnostics[0].message


@pytest.mark.parametrize("old, new, code, needle", [
    ("      empathy_loop:\n", "      empathy_lop:\n", "S101", "empathy_lop:"),
    ("jargon: {listening: -10, solutions: -20}", "jargonn: {listening: -10, solutions: -20}", "S202", "jargonn"),
    ("jargon: {listening: -10, solutions: -20}", "jargon: {listening: -10, solution: -20}", "S204", "solution: -20"),
    ("        points: -20\n        message: A skeptic", "        points: 20\n        message: A skeptic", "S105",
     "points: 20"),
    ("        let_pass_keeps: 0.2", "        let_pass_keeps: 2", "S105", "let_pass_keeps: 2"),
    ("        allowed: 1", "        allowed: lots", "S103", "allowed: lots"),
])
def test_persona_scoring_mistakes_are_reported_at_their_line(data_dir, old, new, code, needle):
    personas = data_dir / "personas.yaml"
    diagnostics = _refused(data_dir, personas, old, new)
    assert [(d.code, d.line) for d in diagnostics] == [(code, _line_of(personas, needle))]


def test_persona_scoring_is_read_into_the_catalog(catalog):
    confused = catalog.personas["confused"].scoring
    assert dict(confused["act_penalties"]["acts"]["jargon"]) == {"listening": -10.0, "solutions": -20.0}
    assert set(catalog.personas["impatient"].scoring) >= {"empathy_loop"}
    assert all(p.scoring for p in catalog.personas.values())  # every shipped persona scores its own way


def test_a_folder_rubric_override_is_checked_once_merged(tmp_path):
    from simulator.scenario.catalog_extend import catalog_for_folder

    base, _ = load_catalog()
    (tmp_path / "data").mkdir()
    override = tmp_path / "data" / "rubric.yaml"
    override.write_text("schema_version: 1\npenalty:\n  no-such-act: -10\n", encoding="utf-8")
    catalog, diagnostics = catalog_for_folder(tmp_path, base)
    assert catalog is None  # else every scenario in the folder would fail to compile later
    assert [(d.code, d.line) for d in diagnostics] == [("S115", 3)]
    assert "no-such-act" in diagnostics[0].message and "unknown act" in diagnostics[0].message
