"""The game's profile protocol (`simulator.ui.profiles.ProfileStore`) backed by the records
database, so profiles, settings and best grades live next to the attempt history.

Structural only: this module imports nothing from the UI (the "same trainee" rule,
`find_profile`, is the records' own, in attempt.py). The UI's
error type is passed in, so a bad name raises exactly what the start screen catches:

    from simulator.ui.profiles import ProfileError
    profiles = RecordsProfileStore(store, error=ProfileError)

Grades come from the attempts that `game_bridge.AttemptRecorder` saves, so
`record_result` has nothing to add and only exists to satisfy the protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.records.attempt import find_profile
from simulator.records.store import RecordsError, Store, clean_profile_name


class RecordsProfileStore:
    """ProfileStore protocol over a records `Store`. Never raises on a failed save: the
    problem is kept in `problem` for the screen to show, as the protocol asks."""

    def __init__(self, store: Store, *, error: type[Exception] = ValueError) -> None:
        self.store = store
        self._error = error
        self.problem: str | None = (f"Progress is not being saved: {store.read_only_reason}."
                                    if store.read_only_reason else None)

    def _saving(self, action) -> Any:
        try:
            return action()
        except RecordsError as failure:
            self.problem = str(failure)
            return None

    def list_profiles(self) -> list[str]:
        """Profile names, most recently used first."""
        return self._saving(lambda: self.store.profiles(recent_first=True)) or []

    def create_profile(self, name: str) -> str:
        """Create (or find) a profile; returns the stored name. Raises the UI's error type."""
        try:
            cleaned = clean_profile_name(name)
        except RecordsError as failure:
            raise self._error(str(failure)[:1].upper() + str(failure)[1:] + ".") from None
        existing = self._same_trainee(cleaned)
        if existing is not None:  # "sam rivera" is the Sam Rivera already there
            return existing
        self._saving(lambda: self.store.ensure_profile(cleaned))
        return cleaned

    def _same_trainee(self, name: str, besides: str | None = None) -> str | None:
        """The stored profile `name` means (case and spaces ignored), other than `besides`."""
        return find_profile(self.list_profiles(), name, besides=besides)

    def rename_profile(self, old: str, new: str) -> str:
        """Rename a profile; its attempts and settings move with it. Raises the UI's error
        type for an unusable name or one another trainee already has."""
        try:
            cleaned = clean_profile_name(new)
        except RecordsError as failure:
            raise self._error(str(failure)[:1].upper() + str(failure)[1:] + ".") from None
        taken = self._same_trainee(cleaned, besides=old)
        if taken is not None:
            raise self._error(f"There is already a trainee called {taken}.")
        renamed = self._saving(lambda: self.store.rename_profile(old, cleaned))
        return renamed or old

    def delete_profile(self, name: str, keep_history: bool) -> None:
        """Remove a profile; with `keep_history` its attempts stay in the records (exports)."""
        self._saving(lambda: self.store.delete_profile(name, keep_history=keep_history))

    def last_profile(self) -> str | None:
        return self._saving(self.store.last_profile)

    def remember_last(self, name: str) -> None:
        self._saving(lambda: self.store.touch_profile(name))

    def load_settings(self, name: str) -> dict[str, Any]:
        return self._saving(lambda: self.store.settings(name)) or {}

    def save_settings(self, name: str, settings: Mapping[str, Any]) -> None:
        self._saving(lambda: self.store.set_settings(name, settings))

    def best_grades(self, name: str) -> dict[str, str]:
        """scenario id -> best grade letter over finished attempts."""
        grades = self._saving(lambda: self.store.grades(name)) or {}
        return {sid: g.best_grade for sid, g in grades.items() if g.best_grade}

    def record_result(self, name: str, scenario_id: str, grade: str, overall: float) -> None:
        """Nothing to do: AttemptRecorder already saved the finished attempt with its grade."""
