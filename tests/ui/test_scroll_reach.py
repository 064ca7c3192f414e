"""Every scrolling view lets a trainee reach its last line, by keyboard and by the wheel.

At 1024x640 with extra-large text the debrief's grade panel and the replay-from-turn list no
longer fit: a layout that scrolls is only readable if the last line can be brought wholly
into view, with the keys a keyboard-only trainee has, and with the wheel.
"""

from __future__ import annotations

import pygame
import pytest

from tools.debrief_screenshots import good_pick, play_to_debrief
from tools.game_driver import press, resize, wheel
from tools.layout_check import draw_logged, layout_problems, visible_texts
from ui_helpers import SCENARIOS

SMALL = (1024, 640)


@pytest.fixture
def debrief_app(make_app):  # make_app only for its pygame clean-up
    apps = []

    def play(text_size: str = "x-large", high_contrast: bool = False):
        app = play_to_debrief(SCENARIOS / "tutorial.yaml", SMALL, good_pick)  # passed: the pass-mark note
        settings = app.settings.copy()
        settings.text_size, settings.high_contrast = text_size, high_contrast
        app.apply_settings(settings, save=False)
        app.settle()
        apps.append(app)
        return app

    yield play
    for app in apps:
        app.close()


def _lines_in(log, view) -> list:
    """The text lines drawn inside a scrolling viewport, top to bottom."""
    return sorted((m for m in visible_texts(log) if m.scroll and m.clip == view.rect), key=lambda m: m.ink.y)


def _last_line_is_whole(app, view) -> str:
    log, _ = draw_logged(app)
    lines = _lines_in(log, view)
    assert lines, "nothing drawn in the view"
    last = lines[-1]
    return "" if view.rect.contains(last.ink) else f"{last.text!r} {tuple(last.ink)} cut by {tuple(view.rect)}"


@pytest.mark.parametrize("high_contrast", [False, True])
def test_the_debrief_grade_panel_scrolls_far_enough_to_show_its_last_line(debrief_app, high_contrast):
    app = debrief_app(high_contrast=high_contrast)
    debrief = app.top
    left = debrief.left_view
    assert left.scrollable, "at 1024x640 extra-large the grade panel is taller than its room"
    wheel(app, left.rect.center, 1000)
    assert left.offset == left.max_offset
    assert _last_line_is_whole(app, left) == ""  # the wrapped pass-mark note was counted as one line


def test_page_down_reaches_the_last_skill_of_the_grade_panel_without_a_mouse(debrief_app):
    app = debrief_app()
    debrief = app.top
    left, moments = debrief.left_view, debrief.view
    log, _ = draw_logged(app)
    assert "Scroll scores" in {m.text for m in visible_texts(log)}, "the footer says which keys scroll it"
    for _ in range(6):
        press(app, pygame.K_PAGEDOWN)
    assert left.offset == left.max_offset > 0
    log, surface = draw_logged(app)
    shown = {m.text for m in _lines_in(log, left) if left.rect.contains(m.ink)}
    assert "Follow-up" in shown, "the last skill bar can be read"
    assert layout_problems(log, surface.get_rect()) == []
    # the moments still scroll with the arrows and Home / End
    press(app, pygame.K_END)
    assert moments.offset == moments.max_offset > 0
    press(app, pygame.K_HOME)
    assert moments.offset == 0
    for _ in range(6):
        press(app, pygame.K_PAGEUP)
    assert left.offset == 0


def test_page_keys_page_the_moments_when_the_grade_panel_fits(debrief_app):
    app = debrief_app(text_size="small")
    resize(app, (1920, 1080))
    app.settle()
    debrief = app.top
    assert not debrief.left_view.scrollable
    log, _ = draw_logged(app)
    assert "Scroll scores" not in {m.text for m in visible_texts(log)}
    if debrief.view.scrollable:
        press(app, pygame.K_PAGEDOWN)
        assert debrief.view.offset > 0


@pytest.mark.parametrize("how", ["wheel", "end key"])
def test_the_replay_from_turn_list_scrolls_to_its_last_turn(debrief_app, how):
    app = debrief_app()
    app.top.pick_turn()
    app.settle()
    picker = app.top
    assert picker.name == "turn_picker"
    view = picker.view
    assert view.scrollable
    if how == "wheel":
        wheel(app, view.rect.center, 1000)
    else:
        press(app, pygame.K_END)
    assert view.offset == view.max_offset, "the focus on the first turn pulled the list back"
    last = picker.buttons[-1]
    assert view.rect.contains(last.rect)
    log, surface = draw_logged(app)
    assert layout_problems(log, surface.get_rect()) == []
    # the keyboard still brings the focused turn back into view
    press(app, pygame.K_HOME)
    press(app, pygame.K_DOWN)
    assert view.rect.contains(picker.focus.focused.rect)


LONG_REPLY = ("I hear you, Sam, and I want to get this right rather than rush it, so here is what I can do "
              "today and what each choice would mean for you: a replacement frother sent by tracked post this "
              "afternoon, which usually arrives in two working days and comes with a prepaid bag for the old "
              "one; or a whole new machine from the shop on the high street, which you could collect this "
              "evening if that is easier, with the receipt number I will text you in the next five minutes; "
              "or, if you would rather not have another one at all, a full refund to the card you paid with, "
              "which takes three to five working days to show. Which of those suits you best?")


def test_a_reply_too_long_for_six_lines_is_shown_in_full_and_its_card_shows_its_top(make_app, tmp_path):
    # a trainer's file may hold a long reply: there is nowhere else to read a reply not yet chosen
    from tools.game_driver import finish_line

    text = (SCENARIOS / "tutorial.yaml").read_text(encoding="utf-8")
    first = text.index('      - text: "') + len('      - text: "')
    end = text.index('"\n', first)
    path = tmp_path / "tutorial.yaml"
    path.write_text(text[:first] + LONG_REPLY + text[end:], encoding="utf-8")
    app = make_app(path, size=SMALL)
    settings = app.settings.copy()
    settings.text_size = "x-large"
    app.apply_settings(settings, save=False)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    scene = app.top
    assert scene.name == "conversation"
    finish_line(app)
    long = next(r for r in scene.replies if r.text.startswith("I hear you, Sam"))
    assert " ".join(long._lines).split() == LONG_REPLY.split(), "every word is on the card"
    assert len(long._lines) > 6
    # focus it with the keyboard: the list scrolls so its first line, not its last, is in view
    scene.focus.focus(scene.replies[0])
    for _ in range(scene.replies.index(long)):
        press(app, pygame.K_DOWN)
    assert scene.focus.focused is long
    log, surface = draw_logged(app)
    first_line = [m for m in visible_texts(log) if m.text == long._lines[0]]
    assert first_line and scene.reply_view.rect.contains(first_line[0].ink)
    assert layout_problems(log, surface.get_rect()) == []
    # and the wheel brings its last line into view
    seen = False
    for _ in range(60):
        wheel(app, scene.reply_view.rect.center, 1)
        log, _ = draw_logged(app)
        seen = seen or any(m.text == long._lines[-1] and scene.reply_view.rect.contains(m.ink)
                           for m in visible_texts(log))
    assert seen
