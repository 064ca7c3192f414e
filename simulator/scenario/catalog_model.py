"""Frozen shared vocabulary: acts, personas, mood parameters and the rubric.

These come from the data files in `scenarios/data/` that trainers may extend. A scenario
names acts and a persona; the engine reads the numbers from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from simulator.scenario.model import NO_SPAN, Bound, Span


@dataclass(frozen=True, slots=True)
class Act:
    id: str
    label: str  # short human name, e.g. "Acknowledge the feeling"
    description: str
    skill: str | None  # the skill this act is evidence for (None: neutral filler)
    polarity: str  # "positive" | "negative" | "neutral"
    critical: bool  # insulting/blaming: caps the grade
    progress: bool  # moves the problem forward: patience does not drain this turn
    resolves: bool  # settles the grievance: the mood baseline stops being angry
    effect: tuple[tuple[str, float], ...]  # mood dimension -> change
    lesson: str  # what to do instead / why it works, for the debrief
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class Persona:
    id: str
    label: str
    description: str
    start: tuple[tuple[str, float], ...]  # starting mood (dimension -> value)
    act_gains: tuple[tuple[str, float], ...]  # act id -> multiplier on its effect
    dimension_gains: tuple[tuple[str, float], ...]  # mood dimension -> multiplier
    span: Span = NO_SPAN
    # how this persona changes the rubric (personas.yaml `scoring:`, checked by the catalog
    # loader and interpreted by simulator.engine.rubric); empty: the rubric as written
    scoring: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    minimum: float
    maximum: float
    baseline: float
    description: str = ""
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class Expression:
    """A mood label for the portrait; the first in file order whose bounds hold wins."""

    id: str
    bounds: tuple[Bound, ...]
    span: Span = NO_SPAN


@dataclass(frozen=True, slots=True)
class MoodParams:
    dimensions: tuple[Dimension, ...]  # the order is the numpy vector's order
    decay: float  # share of the gap to the baseline closed each turn
    grievance: tuple[tuple[str, float], ...]  # baseline shift while the grievance is open
    repeat_falloff: float  # effect multiplier per earlier use of the same act
    patience_drain: float  # patience lost on a turn without progress
    thresholds: Mapping[str, tuple[Bound, ...]]  # e.g. walk_out, escalate
    expressions: tuple[Expression, ...]  # ordered worst .. best
    span: Span = NO_SPAN

    def __post_init__(self) -> None:
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    @property
    def expression_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.expressions)


@dataclass(frozen=True, slots=True)
class Catalog:
    """Everything a scenario is checked against and scored with."""

    acts: Mapping[str, Act]
    personas: Mapping[str, Persona]
    mood: MoodParams
    rubric: Mapping[str, Any]  # parsed rubric.yaml, interpreted by simulator.engine.rubric
    sha256: str = ""  # hash of all data files: records tell when the rules changed
    span: Span = NO_SPAN

    def __post_init__(self) -> None:
        object.__setattr__(self, "acts", MappingProxyType(dict(self.acts)))
        object.__setattr__(self, "personas", MappingProxyType(dict(self.personas)))

    @property
    def provocation_kinds(self) -> tuple[str, ...]:
        """The kinds a node may name in `provokes:` (rubric.yaml rules.provocation.kinds)."""
        rules = self.rubric.get("rules") if isinstance(self.rubric, Mapping) else None
        spec = rules.get("provocation") if isinstance(rules, Mapping) else None
        kinds = spec.get("kinds") if isinstance(spec, Mapping) else None
        return tuple(k for k in kinds if isinstance(k, str)) if isinstance(kinds, list) else ()
