"""Theme, text, input adapter, scene stack, face and speech: the parts the screens are made of."""

from __future__ import annotations

import logging

import numpy as np
import pygame
import pytest

from simulator.ui import input as act
from simulator.ui.face import FaceAnimator, FaceRenderer, PortraitImages
from simulator.ui.input import Action, InputAdapter
from simulator.ui.scene import Scene, SceneStack
from simulator.ui.scene_result import ReplayFrom
from simulator.ui.speech import Speech
from simulator.ui.text import TextRenderer, clean_text
from simulator.ui.theme import Style, load_theme, parse_color, window_scale


# -- theme ----------------------------------------------------------------------------------
def test_theme_file_has_both_palettes_and_they_differ():
    theme = load_theme()
    assert theme.source.endswith("theme.yaml")
    normal, contrast = Style(theme, "normal"), Style(theme, "high_contrast")
    assert normal.color("background") != contrast.color("background")
    assert contrast.color("background") == (0, 0, 0) and contrast.color("text") == (255, 255, 255)
    assert len(theme.text_sizes) >= 3 and theme.text_speeds["instant"] == 0


def test_broken_theme_file_falls_back_with_a_warning(tmp_path, caplog):
    bad = tmp_path / "theme.yaml"
    bad.write_text("palettes: [this is: not valid", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        theme = load_theme(bad)
    assert "using the built-in theme" in caplog.text
    style = Style(theme)
    assert style.color("no_such_colour") == style.color("text")  # unknown names never raise
    assert style.color("focus") != style.color("background")


def test_scale_follows_the_window_within_limits():
    theme = load_theme()
    assert window_scale(theme, 1280, 720) == pytest.approx(1.0)
    assert window_scale(theme, 1920, 1080) == pytest.approx(1.5)
    assert window_scale(theme, 1024, 640) >= theme.scale["min"]
    assert parse_color("#10ff00") == (16, 255, 0) and parse_color("nope") == (255, 0, 255)


# -- text -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["Café déjà vu", "返品したい", "Great 😀👍", "a\x00b", "lone \ud800 surrogate",
                                  "tab\tand\r\nnewline", "→ ✓ ★ — “quotes”", "", None, 42])
def test_any_text_renders_without_raising(display, text):
    renderer = TextRenderer(load_theme())
    style = Style(load_theme())
    image = renderer.render(text, style, "body", (0, 0, 0))
    assert image.get_height() > 0
    lines = renderer.wrap(text, style, "body", 120)
    assert isinstance(lines, tuple) and lines


def test_clean_text_removes_what_sdl_rejects():
    assert clean_text("a\x00b\x07c") == "abc"
    assert clean_text("x\ud800y") == "x\ufffdy"


def test_wrapped_lines_fit_their_width(display):
    theme = load_theme()
    renderer, style = TextRenderer(theme), Style(theme)
    text = ("I ordered a size 42 and the box says 38, and the wedding is on Saturday so I really need "
            "them by Friday. Supercalifragilisticexpialidociouslylongwordwithoutspaces!")
    for width in (90, 200, 480):
        lines = renderer.wrap(text, style, "body", width)
        assert all(renderer.measure(line, style.font_px("body")) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_symbols_missing_from_the_main_font_use_the_fallback(display):
    theme = load_theme()
    renderer = TextRenderer(theme)
    assert renderer._has_glyph("regular", "a")
    assert not renderer._has_glyph("regular", "★")
    assert renderer._has_glyph("fallback", "★")
    assert [w for w, _ in renderer._runs("A ★ B", "regular")] == ["regular", "fallback", "regular"]


def test_rendered_lines_are_cached(display):
    theme = load_theme()
    renderer, style = TextRenderer(theme), Style(theme)
    first = renderer.render("Hello", style, "body", (0, 0, 0))
    again = renderer.render("Hello", style, "body", (0, 0, 0))
    assert first is again and renderer.hits == 1


def test_missing_font_files_fall_back_with_a_warning(tmp_path, display, caplog):
    with caplog.at_level(logging.WARNING):
        renderer = TextRenderer(load_theme(), fonts_dir=tmp_path)
    assert "not found" in caplog.text
    assert renderer.render("still works", Style(load_theme()), "body", (0, 0, 0)).get_width() > 10


# -- input ----------------------------------------------------------------------------------
def _key(key, mod=0):
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0)


def test_keys_map_to_semantic_actions():
    adapter = InputAdapter()
    assert adapter.translate(_key(pygame.K_3)) == Action(act.CHOOSE, number=3, from_key=True)
    assert adapter.translate(_key(pygame.K_KP7)).number == 7
    assert adapter.translate(_key(pygame.K_RETURN)).kind == act.CONFIRM
    assert adapter.translate(_key(pygame.K_ESCAPE)).kind == act.BACK
    assert adapter.translate(_key(pygame.K_TAB, pygame.KMOD_SHIFT)).kind == act.PREV
    assert adapter.translate(_key(pygame.K_F5)).kind == act.RELOAD
    assert adapter.translate(_key(pygame.K_t)).kind == act.TRANSCRIPT
    assert adapter.translate(_key(pygame.K_q)).kind == act.KEY and adapter.translate(_key(pygame.K_q)).is_skip


def test_text_mode_turns_typing_keys_into_text():
    adapter = InputAdapter()
    adapter.text_mode = True
    assert adapter.translate(_key(pygame.K_3)).kind == act.KEY
    assert adapter.translate(pygame.event.Event(pygame.TEXTINPUT, text="3")) == Action(act.TEXT, text="3",
                                                                                      from_key=True)
    adapter.text_mode = False
    assert adapter.translate(pygame.event.Event(pygame.TEXTINPUT, text="3")) is None


def test_mouse_events_carry_positions_and_wheel_uses_the_last_one():
    adapter = InputAdapter()
    moved = adapter.translate(pygame.event.Event(pygame.MOUSEMOTION, pos=(5, 9), rel=(0, 0), buttons=(0, 0, 0)))
    assert moved.kind == act.POINTER and moved.pos == (5, 9)
    up = adapter.translate(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(7, 8), button=1))
    assert up.kind == act.CLICK and up.is_skip
    wheel = adapter.translate(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False))
    assert wheel.kind == act.SCROLL and wheel.amount > 0 and wheel.pos == (7, 8)
    assert adapter.translate(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(1, 1), button=3)) is None


# -- scene stack ----------------------------------------------------------------------------
class _Probe(Scene):
    def __init__(self, name):
        super().__init__(app=None)
        self.name = name
        self.entered = 0

    def enter(self):
        self.entered += 1


def test_scene_changes_wait_for_the_frame_and_results_reach_the_pusher():
    stack = SceneStack()
    base, top = _Probe("base"), _Probe("top")
    stack.reset(base)
    assert stack.top is None  # nothing happens until the frame applies it
    stack.apply_pending((100, 100))
    results = []
    stack.push(top, on_result=results.append)
    assert stack.top is base
    stack.apply_pending((100, 100))
    assert stack.top is top
    with pytest.raises(TypeError, match="scene_result.py"):
        stack.pop("chosen")  # results are typed values, never strings to compare
    stack.pop(ReplayFrom(3))
    stack.apply_pending((100, 100))
    assert stack.top is base and results == [ReplayFrom(3)] and base.entered == 2


def test_overlays_draw_over_the_scene_below_but_only_the_top_gets_input():
    stack = SceneStack()
    base, overlay = _Probe("base"), _Probe("overlay")
    overlay.opaque = False
    stack.reset(base)
    stack.push(overlay)
    stack.apply_pending((10, 10))
    assert stack.visible() == [base, overlay]
    assert stack.handle(Action(act.CONFIRM)) is False  # _Probe ignores input; base never sees it


# -- face -----------------------------------------------------------------------------------
def _gray(surface):
    rgb = pygame.surfarray.array3d(surface).astype(float)
    return rgb @ np.array([0.299, 0.587, 0.114])


def test_face_shape_differs_between_furious_and_delighted_even_in_grey(display):
    style = Style(load_theme())
    renderer = FaceRenderer()
    furious = _gray(renderer.surface(style, 160, -0.9, 0.8))
    delighted = _gray(renderer.surface(style, 160, 0.9, 0.2))
    # Compare the mouth and brow regions after removing colour: shape alone must differ.
    mouth = (slice(50, 110), slice(95, 135))
    brows = (slice(45, 115), slice(55, 80))
    assert np.abs(furious[mouth] - delighted[mouth]).mean() > 8
    assert np.abs(furious[brows] - delighted[brows]).mean() > 5


def test_face_eases_toward_the_target_and_snaps_with_reduced_motion():
    animator = FaceAnimator()
    animator.set_target(-0.8, 0.6)
    assert animator.moving
    animator.update(0.05)
    assert -0.8 < animator.valence < 0 and animator.moving
    animator.update(5.0)
    assert not animator.moving and animator.valence == -0.8
    animator.reduced_motion = True
    animator.set_target(0.7, 0.0)
    assert animator.valence == 0.7 and not animator.moving


def test_missing_portrait_images_fall_back_to_the_drawn_face(tmp_path, display, caplog):
    with caplog.at_level(logging.WARNING):
        portraits = PortraitImages({"angry": "nope/missing.png", "calm": "../../etc/passwd"}, roots=(tmp_path,))
    assert not portraits and portraits.image("angry", 100) is None
    assert "using the drawn face" in caplog.text


def test_portrait_images_load_and_scale(tmp_path, display):
    image = pygame.Surface((40, 20))
    image.fill((10, 200, 30))
    pygame.image.save(image, str(tmp_path / "angry.png"))
    portraits = PortraitImages((("angry", "angry.png"),), roots=(tmp_path,))
    scaled = portraits.image("angry", 100)
    assert scaled.get_size() == (100, 50)
    assert portraits.image("pleased", 100) is None


def test_a_portrait_beside_the_scenario_comes_before_the_shipped_one(tmp_path, display):
    own, shipped = tmp_path / "own", tmp_path / "shipped"
    for folder, size, colour in ((own, (30, 30), (200, 0, 0)), (shipped, (10, 20), (0, 0, 200))):
        (folder / "portraits").mkdir(parents=True)
        image = pygame.Surface(size)
        image.fill(colour)
        pygame.image.save(image, str(folder / "portraits" / "angry.png"))
    pygame.image.save(pygame.Surface((20, 10)), str(shipped / "portraits" / "calm.png"))
    portraits = PortraitImages({"angry": "portraits/angry.png", "calm": "portraits/calm.png"},
                               roots=(own, shipped))
    assert portraits.image("angry", 60).get_size() == (60, 60)  # the trainer's own square image
    assert portraits.image("calm", 60).get_size() == (60, 30)  # not beside the scenario: the shipped one


# -- speech ---------------------------------------------------------------------------------
def test_speech_is_silent_without_an_engine():
    speech = Speech(binary="", enabled=True)
    assert not speech.available
    speech.say("Hello")  # nothing to run, nothing raised
    speech.stop()


def test_speech_runs_the_engine_without_waiting(tmp_path):
    speech = Speech(binary="true", enabled=True)
    speech.say("Hello there")
    assert speech._process is not None
    speech._process.wait(timeout=5)
    speech.stop()
