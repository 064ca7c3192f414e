"""The rubric's words and thresholds - skill ids, labels and advice, grades, the pass grade,
the floor, the outcomes' words and symbols, the general words for a rule's message - as
rubric.yaml states them, for the layers that score nothing themselves (records, exports,
xAPI, the UI). The engine's compiled `Rubric` reads the same file; nothing else keeps its
own copy of these values. Which letters pass is `passing_letters`, and how a rule's message
is worded in general is `general_wording`, each here once for every layer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

from simulator.scenario.model import OUTCOMES, SKILLS

__all__ = ["RubricTerms", "SKILLS", "general_fields", "general_wording", "passing_letters", "rubric_terms"]

_FIELD = re.compile(r"\{(\w+)\}")
_BRACKETED_FIELD = re.compile(r"\s*\(\{\w+\}\)")
# a field the general wording has no words for (a rubric.yaml that passed the loader has them all)
_UNNAMED = "it"


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
    advice: Mapping[str, str]  # skill id -> what to practise (rubric.yaml skills.<id>.advice)
    outcome_labels: Mapping[str, str]  # outcome id -> its words (rubric.yaml outcomes)
    outcome_symbols: Mapping[str, str]  # outcome id -> its symbol
    placeholder_words: Mapping[str, str]  # a rule message's {field} -> its general words

    def label(self, skill: str) -> str:
        """The skill's label (an id the rubric does not know reads as itself, capitalised)."""
        return self.labels.get(skill) or skill.replace("_", " ").capitalize()

    def skill_advice(self, skill: str) -> str:
        """What to practise for `skill` ("" when the rubric gives no advice for it)."""
        return self.advice.get(skill, "")

    def outcome_label(self, outcome: str) -> str:
        """The outcome in rubric.yaml's words; an id the rubric does not word reads as
        itself, capitalised."""
        return self.outcome_labels.get(outcome) or outcome.replace("-", " ").capitalize()

    def outcome_symbol(self, outcome: str) -> str:
        """The outcome's symbol from rubric.yaml; a plain bullet for an id it does not word."""
        return self.outcome_symbols.get(outcome) or "•"

    def general(self, message: str) -> str:
        """A rule's message worded in general, with this rubric's placeholder words."""
        return general_wording(message, self.placeholder_words)

    @property
    def passing_grades(self) -> tuple[str, ...]:
        """The letters at or above the pass grade (for old records that did not store `passed`)."""
        return passing_letters([letter for letter, _ in self.grades], self.pass_grade)


def general_wording(message: str, words: Mapping[str, str]) -> str:
    """A rubric message made general (not about one turn): the clauses with a {count}
    dropped, a bracketed field dropped, every other {field} in `words`."""
    text = _uncounted(message).strip().rstrip(".")
    text = _BRACKETED_FIELD.sub("", text)
    text = _FIELD.sub(lambda m: words.get(m.group(1)) or _UNNAMED, text)
    return text[:1].upper() + text[1:]


def general_fields(message: str) -> list[str]:
    """The {fields} `general_wording` needs words for in `message`, in order of first use
    (what rubric.yaml's placeholder_words must cover)."""
    return list(dict.fromkeys(_FIELD.findall(_BRACKETED_FIELD.sub("", _uncounted(message)))))


def _uncounted(message: str) -> str:
    """`message` without its clauses that count ("Apology number {count}"); all of it when
    every clause counts."""
    return ";".join([c for c in message.split(";") if "{count}" not in c] or [message])


def rubric_terms(catalog: Any = None) -> RubricTerms:
    """The terms of `catalog`'s rubric, or of the shipped rubric.yaml when no catalog is given.

    Screens and reports ask for them often, so the terms of the last few rubrics are kept,
    each with its rubric mapping (a catalog's is never changed after loading), so an id
    cannot be reused while its entry is kept."""
    data = getattr(catalog, "rubric", None) if catalog is not None else None
    if not isinstance(data, Mapping):
        return _shipped()
    kept = _RECENT.get(id(data))
    if kept is not None and kept[0] is data:
        return kept[1]
    terms = _terms(data)
    _RECENT[id(data)] = (data, terms)
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.pop(next(iter(_RECENT)))
    return terms


_RECENT: dict[int, tuple[Mapping[str, Any], RubricTerms]] = {}
_RECENT_SIZE = 8


@lru_cache(maxsize=1)
def _shipped() -> RubricTerms:
    from simulator.scenario.catalog import load_catalog

    catalog, _ = load_catalog()
    return _terms(catalog.rubric if catalog is not None else {})


def _terms(data: Mapping[str, Any]) -> RubricTerms:
    skills = _mapping(data.get("skills"))
    labels = {s: str(_mapping(skills.get(s)).get("label") or s.replace("_", " ").capitalize()) for s in SKILLS}
    grades = _mapping(data.get("grades"))
    floor = data.get("floor")
    outcomes = _mapping(data.get("outcomes"))
    return RubricTerms(labels=labels, grades=tuple((str(k), float(v)) for k, v in grades.items()),
                       pass_grade=str(data.get("pass_grade", "")),
                       floor=float(floor) if isinstance(floor, (int, float)) else None,
                       advice=_texts({s: _mapping(skills.get(s)).get("advice") for s in SKILLS}),
                       outcome_labels=_texts({o: _mapping(outcomes.get(o)).get("label") for o in OUTCOMES}),
                       outcome_symbols=_texts({o: _mapping(outcomes.get(o)).get("symbol") for o in OUTCOMES}),
                       placeholder_words=_texts(_mapping(data.get("placeholder_words"))))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _texts(values: Mapping[str, Any]) -> dict[str, str]:
    """The entries that are words (the loader reports the others, with their line)."""
    return {str(k): v for k, v in values.items() if isinstance(v, str) and v.strip()}
