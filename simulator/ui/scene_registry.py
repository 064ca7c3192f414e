"""Every screen by name: `make_scene("briefing", app, entry)` builds the scene registered as
"briefing", so scenes open each other by name instead of importing each other's classes.

The classes are imported on first use: the first frame only pays for the start screen, and
no scene builds another scene's class itself. `SceneStack` and `tools/game_driver.scene_name` use the same
names (each class's `name`); tests/ui/test_scene_seam.py checks the table against the classes.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.ui.app import App
    from simulator.ui.scene import Scene

# name -> "module:Class"; the class's own `name` is the key
SCENES: dict[str, str] = {
    "start": "simulator.ui.scenes.start:StartScene",
    "picker": "simulator.ui.scenes.picker:PickerScene",
    "briefing": "simulator.ui.scenes.briefing:BriefingScene",
    "conversation": "simulator.ui.scenes.conversation:ConversationScene",
    "debrief": "simulator.ui.scenes.debrief:DebriefScene",
    "diagnostics": "simulator.ui.scenes.diagnostics:DiagnosticsScene",
    "progress": "simulator.ui.scenes.progress:ProgressScene",
    "settings": "simulator.ui.scenes.settings:SettingsScene",
    "trainee": "simulator.ui.scenes.trainee:TraineeScene",
    "resume": "simulator.ui.scenes.resume:ResumeScene",
    "pause": "simulator.ui.scenes.overlays:PauseScene",
    "transcript": "simulator.ui.scenes.overlays:TranscriptScene",
    "turn_picker": "simulator.ui.scenes.overlays:TurnPickerScene",
}


def scene_class(name: str) -> "type[Scene]":
    """The scene class registered as `name`; ValueError (with the nearest names) if none is."""
    where = SCENES.get(name)
    if where is None:
        import difflib  # only for the message

        near = difflib.get_close_matches(name, SCENES, n=2)
        hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
        raise ValueError(f"no scene is registered as {name!r}{hint} (see SCENES in {__name__})")
    module, _, attribute = where.partition(":")
    return getattr(import_module(module), attribute)


def make_scene(name: str, app: "App", *args: Any, **kwargs: Any) -> "Scene":
    """A new scene `name` for `app`; the rest are that scene's own arguments."""
    return scene_class(name)(app, *args, **kwargs)
