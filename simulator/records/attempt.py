"""What the records layer hands out: attempts, grades, errors, and the profile-name rule.

Plain frozen values with no database behind them, so screens, exports and reports can hold
and pass them around freely; `store.Store` creates them.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.records.serialize import loads

MAX_PROFILE_NAME = 64


class RecordsError(Exception):
    """A records operation failed; the message says what and where, for a person."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt as stored. `moods`, `evidence`, `turns`, `snapshot` and `result` are None
    when the attempt was loaded as a summary (`Store.history(full=False)`)."""

    id: int
    uid: str
    profile: str
    scenario_id: str
    scenario_title: str
    scenario_sha256: str
    catalog_sha256: str
    started_at: str
    finished_at: str | None
    updated_at: str | None
    status: str  # in_progress | finished | abandoned
    choices: tuple[int, ...]
    skills: Mapping[str, float]
    overall: float | None
    grade: str | None
    outcome: str | None
    moods: tuple[dict, ...] | None = None  # mood after each turn
    evidence: tuple[dict, ...] | None = None
    turns: tuple[dict, ...] | None = None  # compact transcript, one dict per turn
    snapshot: dict | None = None  # Session.snapshot() after the last saved turn (in progress only)
    result: dict | None = None  # ending_id, ending_text, passed, caps
    seed: int | None = None  # the reply-order seed it was played with (None: authored order)

    @property
    def finished(self) -> bool:
        return self.status == "finished"

    @property
    def turn_count(self) -> int:
        return len(self.choices)


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """An attempt summary plus its detail columns as the JSON text stored (fast exports)."""

    attempt: Attempt
    moods_json: str
    evidence_json: str
    turns_json: str
    result_json: str | None
    # how many members SQLite counted in `result_json`, which it found valid JSON (None: not checked)
    result_members: int | None = None
    turns: list | None = None  # `turns_json` parsed (None: not asked for, `Store.iter_attempt_rows`)

    def full(self) -> Attempt:
        """The same attempt with moods, evidence, transcript and result parsed."""
        result = loads(self.result_json)
        return dataclasses.replace(self.attempt, moods=tuple(loads(self.moods_json, [])),
                        evidence=tuple(loads(self.evidence_json, [])), turns=tuple(loads(self.turns_json, [])),
                        result=result if isinstance(result, dict) else None)


@dataclass(frozen=True, slots=True)
class ScenarioGrades:
    """Best and latest finished result of one trainee on one scenario."""

    scenario_id: str
    scenario_title: str
    attempts: int
    finished: int
    best_grade: str | None
    best_overall: float | None
    latest_grade: str | None
    latest_overall: float | None
    latest_outcome: str | None
    latest_at: str | None


def clean_profile_name(name: str) -> str:
    """A trainee name as stored: trimmed, 1..64 printable characters. Raises RecordsError."""
    # NFC: "é" typed two ways must be one trainee, not two
    cleaned = " ".join(unicodedata.normalize("NFC", str(name)).split())
    if not cleaned:
        raise RecordsError("a profile name cannot be empty")
    if len(cleaned) > MAX_PROFILE_NAME:
        raise RecordsError(f"profile name is {len(cleaned)} characters; the limit is {MAX_PROFILE_NAME}")
    if not cleaned.isprintable():
        raise RecordsError(f"profile name {cleaned!r} contains control characters")
    return cleaned


def name_key(name: str) -> str:
    """What makes two names the same trainee: case and spaces do not count, so
    "sam rivera", "Sam  Rivera" and "SamRivera" are one person."""
    return "".join(unicodedata.normalize("NFC", str(name)).casefold().split())


def find_profile(names: list[str], typed: str, *, besides: str | None = None) -> str | None:
    """The existing name in `names` that `typed` means (see name_key), other than `besides`."""
    key = name_key(typed)
    return next((n for n in names if name_key(n) == key and n != besides), None)
