"""The rubric's words and thresholds - skill ids and labels, grades, the pass grade, the
floor - as rubric.yaml states them, for the layers that score nothing themselves (records,
exports, xAPI, the UI). The engine's compiled `Rubric` reads the same file; nothing else
keeps its own copy of these values. Which letters pass is `passing_letters`, here once for
both.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

from simulator.scenario.model import SKILLS

__all__ = ["RubricTerms", "SKILLS", "passing_letters", "rubric_terms"]


def passing_letters(letters: Sequence[str], pass_grade: str) -> tuple[str, ...]:
    """The grade letters (best first) at or above `pass_grade`; () when it is not one of them."""
    letters = tuple(letters)
    return letters[:letters.index(pass_grade) + 1] if pass_grade in letters else ()


@dataclass(frozen=True, slots=True)
class RubricTerms:
    """What a screen, report or statement needs to say about a score."""

    labels: Mapping[str, str]  # skill id -> label, in SKILLS order
    grades: tuple[tuple[str, float], ...]  # (letter, lowest overall), best first
    pass_grade: str
    floor: float | None

    def label(self, skill: str) -> str:
        """The skill's label (an id the rubric does not know reads as itself, capitalised)."""
        return self.labels.get(skill) or skill.replace("_", " ").capitalize()

    @property
    def passing_grades(self) -> tuple[str, ...]:
        """The letters at or above the pass grade (for old records that did not store `passed`)."""
        return passing_letters([letter for letter, _ in self.grades], self.pass_grade)


def rubric_terms(catalog: Any = None) -> RubricTerms:
    """The terms of `catalog`'s rubric, or of the shipped rubric.yaml when no catalog is given."""
    data = getattr(catalog, "rubric", None) if catalog is not None else None
    return _terms(data) if isinstance(data, Mapping) else _shipped()


@lru_cache(maxsize=1)
def _shipped() -> RubricTerms:
    from simulator.scenario.catalog import load_catalog

    catalog, _ = load_catalog()
    return _terms(catalog.rubric if catalog is not None else {})


def _terms(data: Mapping[str, Any]) -> RubricTerms:
    skills = data.get("skills") if isinstance(data.get("skills"), Mapping) else {}
    labels = {s: str((skills.get(s) or {}).get("label") or s.replace("_", " ").capitalize()) for s in SKILLS}
    grades = data.get("grades") if isinstance(data.get("grades"), Mapping) else {}
    floor = data.get("floor")
    return RubricTerms(labels=labels, grades=tuple((str(k), float(v)) for k, v in grades.items()),
                       pass_grade=str(data.get("pass_grade", "")),
                       floor=float(floor) if isinstance(floor, (int, float)) else None)
