"""Frozen scenario content: what a trainer wrote, with where they wrote it.

Every object keeps a `Span` so any later check (lint, analyse, the game's error list) can
point a trainer at the exact line. Nothing here changes during play; the changing state
lives in `simulator.engine.session`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from simulator.scenario.look import CustomerLook

SCHEMA_VERSION = 1
SKILLS: tuple[str, ...] = ("calm", "listening", "empathy", "solutions", "follow_up")
OUTCOMES: tuple[str, ...] = ("delighted", "resolved", "unresolved", "escalated", "walked-out")


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a source file. Lines and columns are 1-based, as a person reads them."""

    path: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


NO_SPAN = Span("<built-in>", 1, 1)


@dataclass(frozen=True, slots=True)
class Bound:
    """`dimension` must be >= at_least and/or <= at_most (None = no limit on that side)."""

    dimension: str
    at_least: float | None = None
    at_most: float | None = None
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class Condition:
    """All parts must hold (logical AND). An empty condition always holds."""

    mood: tuple[Bound, ...] = ()
    expression: tuple[str, ...] = ()  # current expression label is one of these
    visited: tuple[str, ...] = ()  # node ids seen earlier in this conversation
    not_visited: tuple[str, ...] = ()
    acts_used: tuple[str, ...] = ()  # acts the trainee has already performed
    acts_not_used: tuple[str, ...] = ()
    threshold: str | None = None  # a named threshold from mood.yaml, e.g. walk_out
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class LineVariant:
    """One wording of a customer line; `expression` is a mood label or 'default'."""

    expression: str
    text: str
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply the trainee may pick. Acts drive both the mood change and the score."""

    text: str
    acts: tuple[str, ...]
    next: str  # a node id or an ending id
    when: Condition | None = None
    mood: tuple[tuple[str, float], ...] = ()  # explicit effect: replaces the acts' summed effect
    skills: tuple[tuple[str, float], ...] = ()  # explicit skill points added as evidence
    note: str = ""  # one-line coaching note shown in the debrief
    span: Span = NO_SPAN
    # the author says this reply's `hand-off` act is the right move (a problem the agent
    # really cannot solve), so the rubric does not charge solutions for it
    hand_off_right: bool = False
    hand_off_right_span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    say: tuple[LineVariant, ...]
    replies: tuple[Reply, ...]
    span: Span = NO_SPAN
    # how the customer provokes the agent in this line (kinds listed in rubric.yaml, e.g.
    # insult, threat): the rubric scores calm by how the reply answers it
    provokes: tuple[str, ...] = ()
    provokes_span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class Ending:
    id: str
    outcome: str  # one of OUTCOMES
    text: str
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class Trigger:
    """Checked after every reply, in file order; the first whose condition holds jumps."""

    when: Condition
    goto: str
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class Customer:
    name: str
    persona: str
    mood: tuple[tuple[str, float], ...] = ()  # overrides of the persona's starting mood
    portraits: tuple[tuple[str, str], ...] = ()  # expression -> image path under assets/
    span: Span = NO_SPAN
    look: CustomerLook = CustomerLook()  # what the drawn face looks like (see look.py)


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Scenario:
    schema_version: int
    id: str
    title: str
    summary: str
    difficulty: int  # 1 (gentle) .. 3 (hard)
    briefing: str
    learning_goals: tuple[str, ...]
    customer: Customer
    start: str
    nodes: Mapping[str, Node]
    endings: Mapping[str, Ending]
    triggers: tuple[Trigger, ...] = ()
    path: str = "<memory>"
    source_sha256: str = ""  # hash of the file's bytes: records tell when a scenario changed
    span: Span = NO_SPAN

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", _frozen(self.nodes))
        object.__setattr__(self, "endings", _frozen(self.endings))

    def target(self, target_id: str) -> Node | Ending | None:
        """The node or ending a `next`/`goto` names, or None."""
        return self.nodes.get(target_id) or self.endings.get(target_id)
