"""What the rubric reads and writes: the facts of one reply, the evidence, the scorecard.

Small frozen values shared by the tracker (`simulator.engine.rubric`), the session, the
analyser, snapshots and the records; `reply_facts` is the one place they are built from a
scenario's node and reply, so every scorer sees the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from simulator.scenario.graph import reply_reachable_ids
from simulator.scenario.model import Node, Reply, Scenario

RESOLVING = ("resolved", "delighted")  # outcomes that mean the problem was settled


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason a skill gained or lost points, tied to the turn where it happened."""

    turn: int  # 1-based turn the behaviour happened in
    skill: str
    points: float  # the points that actually counted (credits stop at the skill's cap; a kept
    #                order rule whose skill was already full is still listed, with 0 points)
    rule: str  # "credit:<act>", "penalty:<act>", "reply_skills", or an order-rule id
    message: str
    reply_text: str = ""

    def as_json(self) -> dict:
        return {"turn": self.turn, "skill": self.skill, "points": self.points, "rule": self.rule,
                "message": self.message, "reply": self.reply_text}


@dataclass(frozen=True, slots=True)
class TurnFacts:
    """What the rubric needs to know about one reply."""

    turn: int
    acts: tuple[str, ...]
    reply_text: str = ""
    skills: tuple[tuple[str, float], ...] = ()  # the reply's explicit `skills:` points
    note: str = ""
    ends: bool = False  # this reply ended the conversation
    provokes: tuple[str, ...] = ()  # the node's `provokes:` tags: this turn tests calm
    hand_off_right: bool = False  # the reply's hand-off is the right move (no solutions cost)


def reply_facts(node: Node, reply: Reply, turn: int, ends: bool) -> TurnFacts:
    """The facts the rubric scores for `reply` picked at `node` (every caller builds them
    here, so the session, the analyser, snapshots and re-scoring cannot drift apart)."""
    return TurnFacts(turn=turn, acts=reply.acts, reply_text=reply.text, skills=reply.skills, note=reply.note,
                     ends=ends, provokes=node.provokes, hand_off_right=reply.hand_off_right)


def resolution_reachable(scenario: Scenario) -> bool:
    """Can some run of replies reach a resolved or delighted ending from the start?
    (`when` conditions are ignored: the question is whether the scenario lets the agent
    solve it, not whether this particular conversation did; triggers are the customer's
    move, so they do not count. The walk is `scenario.graph.reply_reachable_ids`.)"""
    reached = reply_reachable_ids(scenario, (scenario.start,))
    return any(ending.outcome in RESOLVING for ending_id, ending in scenario.endings.items() if ending_id in reached)


@dataclass(frozen=True, slots=True)
class Scorecard:
    skills: Mapping[str, int]
    overall: float  # 0..100, one decimal, after caps
    grade: str
    passed: bool
    evidence: tuple[Evidence, ...]
    caps: tuple[str, ...]  # human-readable: which caps applied and why
    uncapped_overall: float
    held_back_by: tuple[str, ...] = ()  # skills under the rubric's floor (finished conversations only)
