"""What a pushed scene hands back to the one below when it pops (`SceneStack.pop(result)`).

One small type per question a scene asks, so the scene below matches on a value it can name
instead of comparing strings; `SceneStack.pop` refuses anything else. `CLOSED` is the answer
of every scene closed without a choice (Esc, Close, Cancel).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from simulator.ui.library import ScenarioEntry


class Closed(Enum):
    """Closed without choosing anything."""

    CLOSED = "closed"


CLOSED = Closed.CLOSED


class PauseChoice(Enum):
    """The pause menu's buttons (Esc is RESUME)."""

    RESUME = "resume"
    RESTART = "restart"
    SETTINGS = "settings"
    QUIT = "quit"


class ResumeAnswer(Enum):
    """The resume prompt: carry on with the unfinished attempt, or start fresh (Esc)."""

    RESUME = "resume"
    FRESH = "fresh"


@dataclass(frozen=True, slots=True)
class ReplayFrom:
    """The turn picker: replay from the start of `turn` (1-based)."""

    turn: int


@dataclass(frozen=True, slots=True)
class FileFixed:
    """The diagnostics screen: F5 found the file valid again; `entry` is the reloaded one."""

    entry: "ScenarioEntry"


class TraineeChange(Enum):
    """The trainee card: the name was kept or changed (deleting resets to the start screen)."""

    RENAMED = "renamed"


SceneResult = Union[Closed, PauseChoice, ResumeAnswer, ReplayFrom, FileFixed, TraineeChange]
RESULT_TYPES = (Closed, PauseChoice, ResumeAnswer, ReplayFrom, FileFixed, TraineeChange)
