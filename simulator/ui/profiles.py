"""Trainee profiles: names, their settings, and the best grade per scenario.

The game talks to a `ProfileStore` only through the protocol below: the records layer's
`records.profile_store.RecordsProfileStore` (profiles next to the attempt history) when the
records are on, else `MemoryProfileStore` here (tests, records off: nothing is kept).
"""

from __future__ import annotations

import json
import time
import unicodedata
from typing import Any, Mapping, Protocol, runtime_checkable

# the records' rules are the rules: what makes two names one trainee, and how long a name may
# be (a name the CLI's `run --profile` stored must be one the game can show and pick)
from simulator.records.attempt import MAX_PROFILE_NAME, RecordsError, clean_profile_name, find_profile, name_key
from simulator.scenario.rubric_terms import rubric_terms

__all__ = ["MAX_NAME", "MemoryProfileStore", "ProfileError", "ProfileStore", "clean_name", "find_profile", "name_key"]

MAX_NAME = MAX_PROFILE_NAME  # the name field's limit, read from the records


class ProfileError(ValueError):
    """A profile name that cannot be used; the message says why."""


@runtime_checkable
class ProfileStore(Protocol):
    """What the game needs from wherever profiles live."""

    problem: str | None  # set when saving fails (e.g. read-only folder): the UI says so

    def list_profiles(self) -> list[str]:
        """Profile names, most recently used first."""

    def create_profile(self, name: str) -> str:
        """Create (or find) a profile; returns the stored name. Raises ProfileError."""

    def last_profile(self) -> str | None:
        """The profile used last, if any."""

    def remember_last(self, name: str) -> None:
        """Note that `name` is the profile in use now."""

    def load_settings(self, name: str) -> dict[str, Any]:
        """The profile's stored settings (empty when none)."""

    def save_settings(self, name: str, settings: Mapping[str, Any]) -> None:
        """Store the profile's settings."""

    def best_grades(self, name: str) -> dict[str, str]:
        """scenario id -> best grade letter so far."""

    def record_result(self, name: str, scenario_id: str, grade: str, overall: float) -> None:
        """Remember a finished attempt's grade if it beats the best so far."""

    def rename_profile(self, old: str, new: str) -> str:
        """Give a profile a new name (its settings and history move with it); returns the
        stored name. Raises ProfileError when the name is unusable or another trainee has it."""

    def delete_profile(self, name: str, keep_history: bool) -> None:
        """Remove a profile; its attempt history stays in the records or goes with it."""


def clean_name(name: str) -> str:
    """Normalise a typed profile name or raise ProfileError with the reason.

    Characters that cannot be printed (a pasted tab or control code) are dropped first, as a
    typist would expect; the rest is the records' own clean_profile_name (NFC, spaces, length)."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", str(name)) if ch.isprintable() or ch.isspace())
    if not text.split():
        raise ProfileError("Type a name first.")
    try:
        return clean_profile_name(text)
    except RecordsError as error:  # only the length is left to fail, but say whatever it was
        too_long = len(" ".join(text.split())) > MAX_NAME
        raise ProfileError(f"Names can be at most {MAX_NAME} characters." if too_long
                           else f"{str(error)[:1].upper()}{str(error)[1:]}.") from None


def _better(new_grade: str, new_overall: float, old: Mapping[str, Any] | None) -> bool:
    if not old:
        return True
    try:
        return float(new_overall) > float(old.get("overall", -1))
    except (TypeError, ValueError):  # no number to compare: the better letter, as rubric.yaml orders them
        letters = [letter for letter, _ in rubric_terms().grades]  # best first
        rank = {letter: len(letters) - i for i, letter in enumerate(letters)}
        return rank.get(new_grade, 0) > rank.get(str(old.get("grade", letters[-1])), 0)


class MemoryProfileStore:
    """Profiles kept in memory only (nothing survives the process)."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self.problem: str | None = None
        self._data: dict[str, Any] = {"version": 1, "last": None, "profiles": {}}
        if isinstance(data, Mapping) and isinstance(data.get("profiles"), Mapping):
            self._data["profiles"] = {
                str(k): dict(v) for k, v in data["profiles"].items() if isinstance(v, Mapping)}
            last = data.get("last")
            self._data["last"] = last if last in self._data["profiles"] else None

    def _profile(self, name: str) -> dict[str, Any]:
        profiles = self._data["profiles"]
        if name not in profiles:
            raise ProfileError(f"No profile named {name!r}.")
        return profiles[name]

    def list_profiles(self) -> list[str]:
        profiles = self._data["profiles"]
        return sorted(profiles, key=lambda n: (-float(profiles[n].get("used", 0)), n.casefold()))

    def create_profile(self, name: str) -> str:
        name = clean_name(name)
        existing = find_profile(list(self._data["profiles"]), name)
        if existing is not None:
            return existing
        self._data["profiles"][name] = {"settings": {}, "best": {}, "used": time.time()}
        return name

    def last_profile(self) -> str | None:
        last = self._data.get("last")
        return last if last in self._data["profiles"] else None

    def remember_last(self, name: str) -> None:
        self._profile(name)["used"] = time.time()
        self._data["last"] = name

    def load_settings(self, name: str) -> dict[str, Any]:
        settings = self._profile(name).get("settings")
        return dict(settings) if isinstance(settings, Mapping) else {}

    def save_settings(self, name: str, settings: Mapping[str, Any]) -> None:
        self._profile(name)["settings"] = dict(settings)

    def best_grades(self, name: str) -> dict[str, str]:
        try:
            best = self._profile(name).get("best")
        except ProfileError:
            return {}
        if not isinstance(best, Mapping):
            return {}
        return {str(k): str(v.get("grade")) for k, v in best.items()
                if isinstance(v, Mapping) and v.get("grade")}

    def record_result(self, name: str, scenario_id: str, grade: str, overall: float) -> None:
        best = self._profile(name).setdefault("best", {})
        if _better(grade, overall, best.get(scenario_id)):
            best[scenario_id] = {"grade": grade, "overall": float(overall), "at": time.time()}

    def rename_profile(self, old: str, new: str) -> str:
        profile = self._profile(old)
        new = clean_name(new)
        taken = find_profile(list(self._data["profiles"]), new, besides=old)
        if taken is not None:
            raise ProfileError(f"There is already a trainee called {taken}.")
        profiles = self._data["profiles"]
        # rebuilt rather than popped, so the list keeps its order on screen
        self._data["profiles"] = {(new if key == old else key): value for key, value in profiles.items()}
        self._data["profiles"][new] = profile
        if self._data.get("last") == old:
            self._data["last"] = new
        return new

    def delete_profile(self, name: str, keep_history: bool) -> None:
        """Best grades are the only history kept here; `keep_history` has nothing to keep."""
        self._profile(name)
        del self._data["profiles"][name]
        if self._data.get("last") == name:
            self._data["last"] = None

    def as_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(self._data))
