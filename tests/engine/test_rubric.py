"""The rubric: credits, penalties, order rules, caps and grades, each explained by evidence."""

from __future__ import annotations

import copy

import pytest

from simulator.engine.rubric import Rubric, RubricError, TurnFacts, compile_rubric, rubric_problems
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.model import SKILLS

GOOD = [("acknowledge", "invite"), ("paraphrase", "clarify"), ("take-ownership", "offer-options"),
        ("summarize", "check-remaining"), ("thank", "close-positive")]


@pytest.fixture(scope="module")
def rubric(catalog) -> Rubric:
    return compile_rubric(catalog)


def turns(*acts_per_turn, last_ends=True, skills=None):
    out = []
    for i, acts in enumerate(acts_per_turn, start=1):
        out.append(TurnFacts(turn=i, acts=tuple(acts), reply_text=f"reply {i}",
                             skills=tuple((skills or {}).get(i, ())),
                             ends=last_ends and i == len(acts_per_turn)))
    return out


def rules_hit(card, rule):
    return [e for e in card.evidence if e.rule == rule]


def test_shipped_rubric_is_valid(catalog):
    assert rubric_problems(catalog.rubric, catalog.acts) == []


def test_good_conversation_scores_full_marks(rubric):
    card = rubric.score(turns(*GOOD), "delighted")
    assert dict(card.skills) == {s: 100 for s in SKILLS}
    assert card.overall == 100.0 and card.grade == "A" and card.passed and card.caps == ()


def test_evidence_explains_every_point(rubric):
    card = rubric.score(turns(("acknowledge",), ("interrupt", "offer-solution"), ("dismiss",)), "resolved")
    for skill in SKILLS:
        total = rubric.starts[skill] + sum(e.points for e in card.evidence if e.skill == skill)
        assert card.skills[skill] == round(min(100, max(0, total)))
    assert all(e.turn in (1, 2, 3) and e.reply_text for e in card.evidence)


def test_credit_counts_once_per_act(rubric):
    once = rubric.score(turns(("invite",)), None)
    twice = rubric.score(turns(("invite",), ("invite",)), None)
    assert once.skills["listening"] == twice.skills["listening"] == 50
    assert len(rules_hit(twice, "credit:invite")) == 1


def test_credits_cannot_buy_back_a_penalty(rubric):
    # three listening acts would overfill the skill; the interrupt still costs its full points
    card = rubric.score(turns(("invite",), ("interrupt",), ("paraphrase", "clarify")), None)
    assert card.skills["listening"] == 100 + rubric.penalties["interrupt"]


def test_every_skill_can_reach_zero(rubric):
    awful = turns(("insult", "refuse-flat"), ("interrupt", "dismiss", "stall"), ("jargon", "but"),
                  ("close-early",))
    card = rubric.score(awful, "walked-out")
    assert dict(card.skills) == {s: 0 for s in SKILLS}
    assert card.overall == 0.0 and card.grade == "F" and not card.passed


def test_feel_before_fix(rubric):
    broken = rubric.score(turns(("offer-solution",), ("acknowledge",)), None)
    kept = rubric.score(turns(("acknowledge",), ("offer-solution",)), None)
    assert [e.turn for e in rules_hit(broken, "feel_before_fix")] == [1]
    assert rules_hit(broken, "feel_before_fix")[0].points < 0
    assert rules_hit(kept, "feel_before_fix")[0].points > 0
    assert kept.skills["empathy"] > broken.skills["empathy"]


def test_listen_before_solve_is_judged_at_the_first_fix_only(rubric):
    card = rubric.score(turns(("offer-solution",), ("invite",), ("offer-options",)), None)
    hits = rules_hit(card, "listen_before_solve")
    assert len(hits) == 1 and hits[0].turn == 1 and hits[0].points < 0


def test_one_sorry_then_solve(rubric):
    two = rubric.score(turns(("apologize",), ("apologize", "offer-solution")), None)
    three = rubric.score(turns(("apologize",), ("apologize",), ("over-apologize",)), None)
    assert rules_hit(two, "one_sorry") == []
    hits = rules_hit(three, "one_sorry")
    assert [e.turn for e in hits] == [3] and "3" in hits[0].message


def test_offer_two_roads(rubric):
    same_reply = rubric.score(turns(("explain-policy", "offer-options")), "resolved")
    next_reply = rubric.score(turns(("refuse-flat",), ("offer-solution",)), "resolved")
    never = rubric.score(turns(("refuse-flat",), ("acknowledge",), ("offer-solution",)), "resolved")
    at_the_end = rubric.score(turns(("hide-behind-policy",)), "walked-out")
    assert [e.points for e in rules_hit(same_reply, "two_roads")] == [0.0]  # kept: listed, no points
    assert [(e.turn, e.points) for e in rules_hit(next_reply, "two_roads")] == [(1, 0.0)]
    assert [(e.turn, e.skill) for e in rules_hit(never, "two_roads")] == [(1, "solutions")]
    assert [e.turn for e in rules_hit(at_the_end, "two_roads")] == [1]


def test_recap_check_close(rubric):
    early = rubric.score(turns(("offer-solution",), ("close-positive",)), "resolved")
    messages = [e.message for e in rules_hit(early, "recap_check_close")]
    assert len(messages) == 2  # no recap, no check
    proper = rubric.score(turns(("offer-solution",), ("summarize", "check-remaining"), ("close-positive",)),
                         "resolved")
    assert [e for e in rules_hit(proper, "recap_check_close") if e.points < 0] == []
    assert proper.skills["follow_up"] == 100


def test_thank_only_closes_in_the_final_reply(rubric):
    mid = rubric.score(turns(("thank",), ("summarize", "check-remaining"), ("close-positive",)), "resolved")
    assert [e for e in rules_hit(mid, "recap_check_close") if e.points < 0] == []
    final = rubric.score(turns(("offer-solution",), ("thank",)), "resolved")
    assert len([e for e in rules_hit(final, "recap_check_close") if e.points < 0]) == 2


def test_settled_without_recap_costs_follow_up(rubric):
    card = rubric.score(turns(("offer-solution",)), "resolved")
    assert [e.skill for e in rules_hit(card, "recap_before_end")] == ["follow_up"]
    walked = rubric.score(turns(("offer-solution",)), "walked-out")
    assert rules_hit(walked, "recap_before_end") == []


def test_reply_skill_overrides_are_evidence(rubric):
    card = rubric.score(turns(("acknowledge",), skills={1: [("solutions", -5), ("listening", 20)]}), None)
    hits = rules_hit(card, "reply_skills")
    assert sorted((e.skill, e.points) for e in hits) == [("listening", 20.0), ("solutions", -5.0)]


def test_critical_act_caps_the_grade(rubric):
    card = rubric.score(turns(*GOOD[:3], ("blame-customer",), *GOOD[3:]), "delighted")
    assert card.uncapped_overall > 69
    assert card.overall == 69.0 and card.grade == "D"
    critical = [c for c in card.caps if "Blame" in c]
    assert len(critical) == 1 and "turn 4" in critical[0]


def test_walk_out_caps_at_c(rubric):
    card = rubric.score(turns(*GOOD), "walked-out")
    assert card.overall == 79.0 and card.grade == "C" and "walked out" in card.caps[0]


def test_in_progress_scores_leave_pending_rules_open(rubric):
    pending = rubric.score(turns(("refuse-flat",), last_ends=False), None)
    assert rules_hit(pending, "two_roads") == []


def test_grades_and_pass_line(rubric):
    assert [rubric.grade_for(x) for x in (100, 90, 89.9, 80, 79.9, 70, 60, 59.9, 0)] == \
        ["A", "A", "B", "B", "C", "C", "D", "F", "F"]
    assert rubric.passes(80) and not rubric.passes(79.9)


def test_bad_rubric_data_lists_every_problem(catalog):
    data = copy.deepcopy(dict(catalog.rubric))
    data["skills"] = dict(data["skills"])
    del data["skills"]["calm"]
    data["penalty"] = {"shout": -10}
    data["grades"] = {"A": 50, "B": 80, "F": 0}
    data["rules"] = {"feel_before_fix": {"skill": "empathy", "fix_acts": ["fixx"]}, "be_nice": {}}
    data["colour"] = "blue"
    problems = rubric_problems(data, catalog.acts)
    text = "\n".join(problems)
    for expected in ("skills.calm: missing", "penalty.shout: unknown act", "grades:",
                     "rules.feel_before_fix.fix_acts: unknown act 'fixx'", "rules.be_nice: unknown rule",
                     "colour: unknown key"):
        assert expected in text
    broken = Catalog(acts=catalog.acts, personas=catalog.personas, mood=catalog.mood, rubric=data)
    with pytest.raises(RubricError, match="skills.calm: missing"):
        compile_rubric(broken)
