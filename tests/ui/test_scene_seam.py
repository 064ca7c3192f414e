"""The UI side of the seam: scenes built by name from one registry, widgets that get a small
context instead of the App, and an app that always has a records side (off says why)."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from simulator.ui.scene import Scene
from simulator.ui.scene_registry import SCENES, make_scene, scene_class
from tools.game_driver import scene_name

UI = Path(__file__).resolve().parents[2] / "simulator" / "ui"


def _scene_classes() -> dict[str, type]:
    found = {}
    for path in sorted((UI / "scenes").glob("*.py")):
        module = importlib.import_module(f"simulator.ui.scenes.{path.stem}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Scene) and cls.__module__ == module.__name__ and "name" in vars(cls):
                found[cls.name] = cls
    return found


def test_every_scene_is_registered_under_its_own_name():
    classes = _scene_classes()
    assert set(SCENES) == set(classes)
    for name, cls in classes.items():
        assert scene_class(name) is cls


def test_an_unknown_scene_name_says_which_names_are_near():
    with pytest.raises(ValueError, match="did you mean 'picker'"):
        scene_class("pickr")


def test_scenes_open_each_other_only_through_the_registry():
    """No scene (or the app, or the records link) builds another scene's class itself."""
    names = {SCENES[n].partition(":")[2] for n in SCENES}
    for path in [*sorted((UI / "scenes").glob("*.py")), UI / "app.py", UI / "records_link.py"]:
        tree = ast.parse(path.read_text())
        own = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
        called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call)
                  and isinstance(node.func, ast.Name)}
        assert not (called & names) - own, (path.name, (called & names) - own)


def test_widgets_never_see_the_app():
    for path in sorted((UI / "widgets").glob("*.py")):
        tree = ast.parse(path.read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        params = {arg.arg for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef,))
                  for arg in node.args.args}
        assert "simulator.ui.app" not in imported and "app" not in params, path.name


def test_the_widget_context_follows_the_app(make_app):
    app = make_app()
    ui = app.ui
    assert (ui.text, ui.style, ui.notice) == (app.text, app.style, None)
    app.notify("Hello")
    assert ui.notice == ("Hello", "info")
    app.resize((1600, 900))  # a new style: the same context carries it
    assert app.ui is ui and ui.style is app.style


def test_without_records_the_app_says_why_and_the_picker_offers_no_progress(make_app):
    app = make_app()
    assert app.records.enabled is False and "not being saved" in app.records.reason
    assert scene_name(app) == "picker" and app.top.progress_button is None
    progress = make_scene("progress", app)
    assert progress.progress is None and app.records.reason in progress._advice_text()


def test_conversation_events_are_typed_and_unknown_kinds_refused(make_app):
    from simulator.ui.conversation_events import ConversationEvent

    app = make_app()
    heard = []
    app.add_session_listener(lambda kind, session, entry: heard.append(kind))
    with pytest.raises(ValueError):
        app.session_event("started", None, None)  # a typo reaches no listener
    assert heard == []
    app.session_event("left", None, None)  # the value itself is accepted, and handed on typed
    assert heard == [ConversationEvent.LEFT] and heard[0] is ConversationEvent.LEFT
