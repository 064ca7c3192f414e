"""Screens under stress: broken files, F5 reload, resizing, replay from a turn, settings, pixels."""

from __future__ import annotations

import logging
import re
import shutil

import numpy as np
import pygame
import pytest

from simulator.ui.profiles import MemoryProfileStore
from tools.game_driver import DIGIT_KEYS, click, finish_line, press, resize, scene_name, wheel
from ui_helpers import FORMAT_TOUR


def _to_conversation(app, finish_line: bool = True):
    press(app, pygame.K_RETURN)  # picker -> briefing
    press(app, pygame.K_RETURN)  # briefing -> conversation
    assert scene_name(app) == "conversation"
    if finish_line:
        _finish_line(app)
    return app.top


def _finish_line(app) -> None:
    """Complete the typing line (Space only while typing: afterwards it would pick a reply)."""
    finish_line(app)  # and wait out the short pick guard, so the next key picks


def _play_to_debrief(app, pick=lambda scene: 1) -> None:
    scene = app.top
    while not scene.ended:
        _finish_line(app)
        press(app, DIGIT_KEYS[pick(scene) - 1])
    _finish_line(app)
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "debrief"


def _pixels(app, rect) -> np.ndarray:
    """RGB pixels of the window inside `rect`, as rows x columns x 3."""
    app.draw()
    area = rect.clip(app.window.get_rect())
    return pygame.surfarray.array3d(app.window.subsurface(area)).swapaxes(0, 1).astype(int)


def _has_color(pixels: np.ndarray, color, tolerance: int = 12) -> bool:
    return bool((np.abs(pixels - np.array(color)).sum(axis=2) <= tolerance).any())


@pytest.fixture
def folder(tmp_path):
    shutil.copy(FORMAT_TOUR, tmp_path / "shoes.yaml")
    return tmp_path


# -- picker ---------------------------------------------------------------------------------
def test_a_broken_file_is_listed_with_its_first_error_and_cannot_start(make_app, folder):
    broken = FORMAT_TOUR.read_text(encoding="utf-8").replace("next: story\n", "next: storyy\n", 1)
    (folder / "broken.yaml").write_text(broken, encoding="utf-8")
    app = make_app(folder)
    assert scene_name(app) == "picker"
    cards = {card.entry.path.name: card for card in app.top.cards}
    assert set(cards) == {"broken.yaml", "shoes.yaml"}
    assert cards["shoes.yaml"].entry.ok
    first = cards["broken.yaml"].entry.first_error
    assert re.match(r"broken\.yaml:\d+: .*storyy", first), first
    click(app, cards["broken.yaml"].rect.center)
    assert scene_name(app) == "diagnostics", "a broken file must open its problems, never the game"
    press(app, pygame.K_ESCAPE)
    click(app, cards["shoes.yaml"].rect.center)
    assert scene_name(app) == "briefing"


def test_an_empty_folder_says_what_to_do(make_app, tmp_path):
    app = make_app(tmp_path)
    assert scene_name(app) == "picker" and app.top.cards == []
    app.draw()  # draws the explanation without raising


def test_f5_in_the_picker_picks_up_new_and_fixed_files(make_app, folder):
    app = make_app(folder)
    assert len(app.top.cards) == 1
    shutil.copy(FORMAT_TOUR, folder / "second.yaml")
    press(app, pygame.K_F5)
    assert len(app.top.cards) == 2 and app.notice is not None


# -- F5 during a conversation ---------------------------------------------------------------
def test_f5_continues_from_the_same_node_with_the_new_text(make_app, folder):
    app = make_app(folder)
    scene = _to_conversation(app)
    press(app, pygame.K_1)
    assert scene.session.node_id == "story"
    path = folder / "shoes.yaml"
    text = path.read_text(encoding="utf-8").replace("I ordered a 42", "I ordered a forty-two")
    path.write_text(text, encoding="utf-8")
    press(app, pygame.K_F5)
    assert scene_name(app) == "conversation"
    assert scene.session.node_id == "story" and scene.session.turn == 1
    assert "forty-two" in scene.session.customer_line
    assert "continuing" in app.notice[0]


def test_f5_restarts_when_the_node_is_gone(make_app, folder):
    app = make_app(folder)
    scene = _to_conversation(app)
    press(app, pygame.K_1)
    path = folder / "shoes.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("story", "account"), encoding="utf-8")
    press(app, pygame.K_F5)
    assert scene_name(app) == "conversation"
    assert scene.session.turn == 0 and scene.session.node_id == "opening"
    assert "restarted" in app.notice[0]


def test_f5_shows_diagnostics_for_a_now_broken_file_then_continues_when_fixed(make_app, folder):
    app = make_app(folder)
    scene = _to_conversation(app)
    press(app, pygame.K_1)
    path = folder / "shoes.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("schema_version: 1", "schema_version: [1"), encoding="utf-8")
    press(app, pygame.K_F5)
    assert scene_name(app) == "diagnostics"
    assert "shoes.yaml" in "\n".join(app.top._lines)
    press(app, pygame.K_F5)  # still broken: stays
    assert scene_name(app) == "diagnostics"
    path.write_text(good, encoding="utf-8")
    press(app, pygame.K_F5)
    assert scene_name(app) == "conversation"
    assert scene.session.node_id == "story" and scene.session.turn == 1


# -- resizing -------------------------------------------------------------------------------
def _assert_inside(rects, size):
    window = pygame.Rect((0, 0), size)
    for rect in rects:
        assert window.contains(rect), f"{rect} leaves the {size} window"


@pytest.mark.parametrize("size", [(1024, 640), (1920, 1080), (1366, 768)])
def test_every_screen_lays_out_inside_the_window_after_a_resize(make_app, size):
    app = make_app(FORMAT_TOUR)
    picker = app.top
    resize(app, size)
    assert app.window.get_size() == size
    _assert_inside([card.rect for card in picker.cards], size)
    press(app, pygame.K_RETURN)
    briefing = app.top
    resize(app, size)
    _assert_inside([briefing.start_button.rect, briefing.back_button.rect, briefing.view.rect], size)
    press(app, pygame.K_RETURN)
    _finish_line(app)
    conversation = app.top
    resize(app, (1280, 720))
    resize(app, size)
    _assert_inside([conversation.bubble, conversation.face_rect, conversation.menu_button.rect,
                    conversation.transcript_button.rect, conversation.reply_view.rect], size)
    replies = [reply.rect for reply in conversation.replies]
    for a, b in zip(replies, replies[1:]):
        assert a.bottom <= b.top, "reply buttons overlap"
    _play_to_debrief(app)
    debrief = app.top
    resize(app, size)
    _assert_inside([b.rect for b in debrief.buttons] + [debrief.left, debrief.right, debrief.chart], size)
    assert not debrief.left.colliderect(debrief.right)


def test_text_scales_with_the_window(make_app):
    app = make_app()
    small = app.style.font_px("body")
    resize(app, (1920, 1080))
    assert app.style.font_px("body") > small


# -- replay from a turn ---------------------------------------------------------------------
def test_replay_from_a_turn_restores_the_exact_state(make_app):
    app = make_app()
    snapshots = []
    app.add_session_listener(lambda kind, session, entry: snapshots.append(session.snapshot())
                             if kind in ("start", "turn") else None)
    _to_conversation(app)
    _play_to_debrief(app, lambda scene: 1 + len(snapshots) % len(scene.replies))
    turns = app.top.session.turn
    assert turns >= 3
    state_before_turn_3 = snapshots[2]  # start, after turn 1, after turn 2
    press(app, pygame.K_RIGHT)  # Try again -> Replay from a turn
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "turn_picker"
    press(app, pygame.K_3)
    assert scene_name(app) == "conversation"
    replayed = app.current_snapshot()
    assert replayed["state"] == state_before_turn_3["state"]
    assert replayed["choices"] == state_before_turn_3["choices"]
    assert replayed["transcript"] == state_before_turn_3["transcript"]


# -- settings -------------------------------------------------------------------------------
def test_settings_apply_at_once_and_are_kept_per_profile(make_app):
    store = MemoryProfileStore()
    store.create_profile("Hal")
    app = make_app(store=store, profile=None)
    press(app, pygame.K_RETURN)  # choose Hal
    press(app, pygame.K_ESCAPE)  # back to start, Hal is now the profile
    app.top.focus.focus(app.top.settings)
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "settings"
    body = app.style.font_px("body")
    press(app, pygame.K_RIGHT)  # text size: medium -> large
    assert app.style.font_px("body") > body
    press(app, pygame.K_DOWN)
    press(app, pygame.K_DOWN)
    press(app, pygame.K_RETURN)  # high contrast on
    assert app.settings.high_contrast
    app.draw()
    assert app.window.get_at((2, app.window.get_height() // 2))[:3] == (0, 0, 0)
    assert store.load_settings("Hal")["text_size"] == "large"
    assert store.load_settings("Hal")["high_contrast"] is True
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "start"


def test_settings_chosen_before_a_new_trainee_adds_their_name_are_kept(make_app):
    """The start screen says "Add your name to keep your settings": text size picked there
    first must not snap back to the defaults when the name is added."""
    store = MemoryProfileStore()
    app = make_app(store=store, profile=None)
    app.top.focus.focus(app.top.settings)
    press(app, pygame.K_RETURN)
    for _ in range(3):
        press(app, pygame.K_RIGHT)  # text size: medium -> extra large (clamped)
    assert app.settings.text_size == "x-large"
    press(app, pygame.K_ESCAPE)
    app.top.focus.focus(app.top.field)
    app.feed([])  # the field's text input starts on the next frame, as after a click
    app.feed([pygame.event.Event(pygame.TEXTINPUT, text="Sam New")])
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "picker" and app.profile == "Sam New"
    assert app.settings.text_size == "x-large"
    assert store.load_settings("Sam New")["text_size"] == "x-large"  # and still there next launch


def test_leaving_settings_puts_the_focus_back_on_the_settings_button(make_app):
    app = make_app(store=MemoryProfileStore(), profile=None)
    start = app.top
    assert start.focus.focused is start.field  # no trainee yet: typing a name comes first
    start.focus.focus(start.settings)
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "settings"
    press(app, pygame.K_ESCAPE)
    assert app.top is start and start.focus.focused is start.settings
    press(app, pygame.K_RETURN)  # ... so Enter opens settings again, where the trainee was
    assert scene_name(app) == "settings"


def test_hiding_the_mood_indicator_removes_the_gauge(make_app):
    app = make_app()
    scene = _to_conversation(app)
    assert scene.gauge.height > 0
    settings = app.settings.copy()
    settings.show_mood = False
    app.apply_settings(settings)
    assert scene.gauge.height == 0


# -- pixels ---------------------------------------------------------------------------------
def test_the_portrait_changes_when_the_mood_changes(make_app):
    app = make_app()
    scene = _to_conversation(app)
    app.settle()
    before = _pixels(app, scene.face_rect)
    mood_before = scene.session.mood["pleasure"]
    press(app, pygame.K_1)  # acknowledge + invite: the customer calms down
    app.settle()
    assert scene.session.mood["pleasure"] != mood_before
    after = _pixels(app, scene.face_rect)
    assert np.abs(before - after).mean() > 1.0


def test_the_focus_ring_is_visible_on_the_focused_reply_only(make_app):
    app = make_app()
    scene = _to_conversation(app)
    focus = app.style.color("focus")
    grow = 2 * (app.style.focus_gap + app.style.focus_width)
    ring = [scene.replies[0].rect.inflate(grow + 2, grow + 2), scene.replies[1].rect.inflate(grow + 2, grow + 2)]
    assert _has_color(_pixels(app, ring[0]), focus)
    assert not _has_color(_pixels(app, ring[1].clip(ring[1].move(0, grow))), focus)
    press(app, pygame.K_DOWN)
    assert _has_color(_pixels(app, ring[1]), focus)


def test_long_text_wraps_inside_its_box_and_scrolls(make_app, tmp_path):
    long_line = " ".join(["This is a very long complaint that goes on and on about the shoes."] * 14)
    long_reply = " ".join(["I hear you and I want to fix it properly for you today."] * 8)
    text = FORMAT_TOUR.read_text(encoding="utf-8")
    text = text.replace('default: "Hi. I got my shoes today and they\'re the wrong size. Again, I suppose."',
                        f'default: "{long_line}"')
    text = text.replace("Tell me what happened?\"", f'Tell me what happened? {long_reply}"')
    (tmp_path / "long.yaml").write_text(text, encoding="utf-8")
    app = make_app(tmp_path / "long.yaml")
    scene = _to_conversation(app)
    assert scene.bubble_view.scrollable, "a long line must scroll inside the bubble"
    window = app.window.get_rect()
    assert window.contains(scene.bubble) and scene.bubble.bottom < scene.reply_view.rect.top
    background = app.style.color("background")
    text_color = app.style.color("text")
    # Right of the bubble is page margin: no text may spill there.
    margin = pygame.Rect(scene.bubble.right + 3, scene.bubble.y, window.right - scene.bubble.right - 3,
                         scene.bubble.height)
    assert not _has_color(_pixels(app, margin), text_color, tolerance=60)
    assert _has_color(_pixels(app, scene.bubble_view.rect), text_color, tolerance=60)
    # The gap between the two reply buttons stays empty even with a six-line reply.
    first, second = scene.replies[0].rect, scene.replies[1].rect
    gap = pygame.Rect(first.x + 10, first.bottom + 1, first.width - 20, second.top - first.bottom - 2)
    if gap.height > 0:
        assert not _has_color(_pixels(app, gap), text_color, tolerance=60)
        assert _has_color(_pixels(app, gap), background)
    offset = scene.bubble_view.offset
    wheel(app, scene.bubble.center, 3)
    assert scene.bubble_view.offset > offset


# -- robustness -----------------------------------------------------------------------------
def test_unicode_scenarios_play_without_crashing(make_app, tmp_path):
    text = FORMAT_TOUR.read_text(encoding="utf-8")
    text = text.replace("Sam Ortiz", "Zoë 山田 😀").replace("The courier, please.", "Le coursier, s'il vous plaît ✓ 快递")
    text = text.replace("That's really frustrating", "Ça doit être frustrant 😟")
    (tmp_path / "unicode.yaml").write_text(text, encoding="utf-8")
    app = make_app(tmp_path / "unicode.yaml")
    _to_conversation(app)
    _play_to_debrief(app)
    press(app, pygame.K_DOWN)
    app.draw()


def test_missing_portrait_files_fall_back_to_the_drawn_face(make_app, tmp_path, caplog):
    text = FORMAT_TOUR.read_text(encoding="utf-8").replace(
        "  mood: {trust: 0.3}", "  mood: {trust: 0.3}\n  portraits: {angry: portraits/nobody-angry.png}")
    (tmp_path / "portraits.yaml").write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        app = make_app(tmp_path / "portraits.yaml")
        if scene_name(app) != "picker" or not app.top.cards[0].entry.ok:
            pytest.skip("the loader rejects missing portrait files itself")
        scene = _to_conversation(app)
    assert not scene.portraits
    assert _pixels(app, scene.face_rect).std() > 10  # the drawn face is there


def test_f11_switches_full_screen_and_back(make_app):
    app = make_app()
    press(app, pygame.K_F11)
    assert app.settings.fullscreen
    press(app, pygame.K_F11)
    assert not app.settings.fullscreen and app.window.get_size() == (1280, 720)


def test_authored_line_breaks_are_reflowed_but_paragraphs_and_lists_kept():
    from simulator.ui.text import reflow

    assert reflow("Sam ordered\nrunning shoes.\n\nNext para.") == "Sam ordered running shoes.\n\nNext para."
    assert reflow("Goals:\n- one\n- two\n  continued") == "Goals:\n- one\n- two continued"


def test_a_store_that_cannot_save_is_announced_on_the_start_screen(make_app):
    store = MemoryProfileStore()
    store.problem = "Profiles cannot be saved in /nowhere (Read-only file system)."
    app = make_app(store=store, profile=None)
    assert scene_name(app) == "start"
    assert app.notice is not None and "cannot be saved" in app.notice[0]


def test_the_records_side_supplies_the_sessions_and_hears_every_turn(make_app):
    from simulator.ui.records_link import RecordsOff

    made, heard = [], []

    class Counting(RecordsOff):  # the records side as the app sees it: sessions in, turns out
        def new_session(self, scenario, catalog, choices, *, seed=None):
            made.append(list(choices))
            return super().new_session(scenario, catalog, choices, seed=seed)

    app = make_app()
    app.records = Counting()
    app.turns.subscribe(heard.append)
    _to_conversation(app)
    session = app.top.session
    press(app, pygame.K_1)
    assert made == [[]]
    (event,) = heard  # one TurnPlayed per reply, for the session on screen, with the state after it
    assert event.session is session and event.record is session.transcript[-1]
    assert event.snapshot == session.snapshot()
    _play_to_debrief(app)
    assert [e.record.turn for e in heard] == list(range(1, session.turn + 1))
    press(app, pygame.K_RIGHT)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_2)  # replay from turn 2
    assert made[-1] == [0] and scene_name(app) == "conversation"
