"""Full play-throughs of every scenario, keyboard only and mouse only, from Start to Debrief."""

from __future__ import annotations

import pygame
import pytest

from simulator.ui.scenes.conversation import PICK_GUARD_S
from simulator.ui.profiles import MemoryProfileStore
from tools.game_driver import DIGIT_KEYS, click, finish_line, press, scene_name, type_text, wheel
from ui_helpers import scenario_files

FILES = scenario_files()
IDS = [path.stem for path in FILES]


def _finish_typing_with_key(app) -> None:
    scene = app.top
    finish_line(app)  # completes the line, then lets the short pick guard pass
    assert scene.typewriter.done and scene.pick_guard == 0


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_keyboard_only_from_start_to_debrief(make_app, path):
    app = make_app(path, profile=None)
    assert scene_name(app) == "start"
    type_text(app, "Kim")
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "picker" and app.profile == "Kim"
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "briefing"
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "conversation"
    conversation = app.top
    turn = 0
    while not conversation.ended:
        _finish_typing_with_key(app)
        options = len(conversation.replies)
        assert 1 <= options <= 9
        before = conversation.session.turn
        if turn % 2:  # alternate: number keys, and arrows + Enter
            press(app, DIGIT_KEYS[(turn // 2) % options])
        else:
            for _ in range(turn % options):
                press(app, pygame.K_DOWN)
            press(app, pygame.K_RETURN)
        assert conversation.session.turn == before + 1
        assert scene_name(app) == "conversation"
        turn += 1
        assert turn < 60
    app.settle()
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "debrief"
    result = app.top.session.result
    assert result.grade in "ABCDF"
    assert app.store.best_grades("Kim")[app.top.entry.scenario_id] == result.grade
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "picker"


def _center(rect) -> tuple[int, int]:
    return rect.center


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_mouse_only_from_start_to_debrief(make_app, path):
    store = MemoryProfileStore()
    store.create_profile("Ana")
    app = make_app(path, profile=None, store=store)
    start = app.top
    click(app, _center(start.profile_buttons[0].rect))
    assert scene_name(app) == "picker"
    click(app, _center(app.top.cards[0].rect))
    assert scene_name(app) == "briefing"
    click(app, _center(app.top.start_button.rect))
    assert scene_name(app) == "conversation"
    conversation = app.top
    turn = 0
    while not conversation.ended:
        if not conversation.typewriter.done:
            click(app, _center(conversation.bubble))  # a click completes the line
        assert conversation.typewriter.done
        app.advance(PICK_GUARD_S)  # picks are ignored for a moment after a line completes
        reply = conversation.replies[(turn * 2 + 1) % len(conversation.replies)]
        for _ in range(20):  # long replies: scroll with the wheel until this one is in view
            if conversation.reply_view.rect.contains(reply.rect):
                break
            wheel(app, conversation.reply_view.rect.center, 1)
        before = conversation.session.turn
        click(app, _center(reply.rect))
        assert conversation.session.turn == before + 1
        turn += 1
        assert turn < 60
    app.settle()
    click(app, _center(conversation.debrief_button.rect))
    assert scene_name(app) == "debrief"
    click(app, _center(app.top.other_button.rect))
    assert scene_name(app) == "picker"


def test_first_key_completes_the_line_and_does_not_pick(make_app):
    app = make_app()
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    conversation = app.top
    assert not conversation.typewriter.done
    press(app, pygame.K_1)
    assert conversation.typewriter.done
    assert conversation.session.turn == 0, "the key that completes the line must not also choose"
    app.advance(PICK_GUARD_S)
    press(app, pygame.K_1)
    assert conversation.session.turn == 1


def test_pause_menu_resume_restart_and_quit(make_app):
    app = make_app()
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    conversation = app.top
    finish_line(app)
    press(app, pygame.K_1)
    assert conversation.session.turn == 1
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "pause"
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "conversation" and conversation.session.turn == 1
    press(app, pygame.K_ESCAPE)
    press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)  # Restart
    assert scene_name(app) == "conversation" and conversation.session.turn == 0
    press(app, pygame.K_ESCAPE)
    for _ in range(3):
        press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)  # Quit to scenario list
    assert scene_name(app) == "picker"
    assert app.current_snapshot() is None


def test_transcript_on_demand(make_app):
    app = make_app()
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    finish_line(app)
    press(app, pygame.K_1)
    press(app, pygame.K_t)
    assert scene_name(app) == "transcript"
    rows = [line for _, _, lines in app.top._rows for line in lines]
    assert any(line.startswith("You (1 of ") for line in rows)  # numbered as shown
    press(app, pygame.K_t)
    assert scene_name(app) == "conversation"


def test_closing_the_window_asks_nothing_and_keeps_the_snapshot(make_app):
    app = make_app()
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    finish_line(app)
    press(app, pygame.K_1)
    app.feed([pygame.event.Event(pygame.QUIT)])
    assert app.running is False
    snapshot = app.current_snapshot()
    assert snapshot is not None and snapshot["version"]
    assert list(snapshot.get("choices", [])) == [0]
