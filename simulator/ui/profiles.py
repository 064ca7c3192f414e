"""Trainee profiles: names, their settings, and the best grade per scenario.

The game talks to a `ProfileStore` only through the protocol below, so the records layer
can later plug in its SQLite store (attempt history, resume) without touching the screens.
Two implementations ship here: `MemoryProfileStore` (tests, read-only machines) and
`JsonProfileStore` (one small JSON file, written atomically).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any, Mapping, Protocol, runtime_checkable

log = logging.getLogger(__name__)

MAX_NAME = 32
DATA_DIR_ENV = "CUSTOMER_SIM_DATA_DIR"
GRADE_ORDER = "FEDCBA"  # later letters are better


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


def name_key(name: str) -> str:
    """What makes two names the same trainee: case and spaces do not count, so
    "sam rivera", "Sam  Rivera" and "SamRivera" are one person."""
    return "".join(unicodedata.normalize("NFC", str(name)).casefold().split())


def find_profile(names: list[str], typed: str, *, besides: str | None = None) -> str | None:
    """The existing name in `names` that `typed` means (see name_key), other than `besides`."""
    key = name_key(typed)
    return next((n for n in names if name_key(n) == key and n != besides), None)


def clean_name(name: str) -> str:
    """Normalise a typed profile name or raise ProfileError with the reason."""
    text = unicodedata.normalize("NFC", str(name)).strip()
    text = "".join(ch for ch in text if ch.isprintable())
    text = " ".join(text.split())
    if not text:
        raise ProfileError("Type a name first.")
    if len(text) > MAX_NAME:
        raise ProfileError(f"Names can be at most {MAX_NAME} characters.")
    return text


def default_data_dir() -> Path:
    """$CUSTOMER_SIM_DATA_DIR, else the platform's user data folder."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("customer-sim", appauthor=False))


def _better(new_grade: str, new_overall: float, old: Mapping[str, Any] | None) -> bool:
    if not old:
        return True
    try:
        return float(new_overall) > float(old.get("overall", -1))
    except (TypeError, ValueError):
        return GRADE_ORDER.find(new_grade) > GRADE_ORDER.find(str(old.get("grade", "F")))


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

    # storage hook for subclasses
    def _changed(self) -> None:
        pass

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
        self._changed()
        return name

    def last_profile(self) -> str | None:
        last = self._data.get("last")
        return last if last in self._data["profiles"] else None

    def remember_last(self, name: str) -> None:
        self._profile(name)["used"] = time.time()
        self._data["last"] = name
        self._changed()

    def load_settings(self, name: str) -> dict[str, Any]:
        settings = self._profile(name).get("settings")
        return dict(settings) if isinstance(settings, Mapping) else {}

    def save_settings(self, name: str, settings: Mapping[str, Any]) -> None:
        self._profile(name)["settings"] = dict(settings)
        self._changed()

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
            self._changed()

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
        self._changed()
        return new

    def delete_profile(self, name: str, keep_history: bool) -> None:
        """Best grades are the only history kept here; `keep_history` has nothing to keep."""
        self._profile(name)
        del self._data["profiles"][name]
        if self._data.get("last") == name:
            self._data["last"] = None
        self._changed()

    def as_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(self._data))


class JsonProfileStore(MemoryProfileStore):
    """Profiles in one JSON file, rewritten atomically (temp file + rename) on each change.

    A corrupt file is moved aside (`profiles.json.corrupt-<time>`) and a fresh one started;
    a folder that cannot be written leaves the game playable with `problem` explaining why.
    """

    FILE_NAME = "profiles.json"

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_data_dir() / self.FILE_NAME
        data = self._read()
        super().__init__(data)
        self.problem = self._read_problem

    def _read(self) -> Mapping[str, Any] | None:
        self._read_problem: str | None = None
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            self._read_problem = f"Profiles could not be read ({error.strerror}); nothing will be saved."
            log.warning("%s: %s", self.path, error)
            return None
        try:
            data = json.loads(raw)
            if not isinstance(data, Mapping) or not isinstance(data.get("profiles"), Mapping):
                raise ValueError("not a profiles file")
            return data
        except ValueError as error:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            try:
                os.replace(self.path, aside)
                log.warning("%s was unreadable (%s); moved to %s", self.path, error, aside.name)
            except OSError:
                log.warning("%s was unreadable (%s)", self.path, error)
            return None

    def _changed(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".profiles-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(self._data, out, ensure_ascii=False, indent=1)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, self.path)
            finally:
                if os.path.exists(temp):
                    os.unlink(temp)
            self.problem = None
        except OSError as error:
            self.problem = f"Profiles cannot be saved in {self.path.parent} ({error.strerror or error})."
            log.warning("%s", self.problem)
