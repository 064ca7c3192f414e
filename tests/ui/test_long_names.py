"""A trainee name as long as the records allow (64 characters) works everywhere in the game.

One rule, kept by the records (records/attempt.py MAX_PROFILE_NAME): the name field, the
in-memory profiles and the records' profiles all accept the same names, so a name the CLI's
`run --profile` stored can be shown and picked. The start screen wraps a long name in full
(that is where it is read); the header chip of other screens cuts it with an ellipsis on
purpose, which the layout check accepts because the cut names the start screen.
Checked at the smallest window (1024x640) with wide Latin letters and with CJK characters.
"""

from __future__ import annotations

import pygame
import pytest

from simulator.records.attempt import MAX_PROFILE_NAME
from simulator.ui.profiles import MAX_NAME, MemoryProfileStore, ProfileError
from simulator.ui.scene_registry import make_scene
from tools.game_driver import click, press, scene_name, type_text
from tools.layout_check import draw_logged, layout_problems, visible_texts
from ui_helpers import FORMAT_TOUR, SCENARIOS

SMALLEST = (1024, 640)
WIDE = "W" * 64
CJK = "山田太郎" * 16  # 64 characters, each as wide as a letter W or wider
SPACED = ("Maximilian Wolfgang Wetherington-Wainwright III of West Wiltshire")[:64]
NAMES = {"wide": WIDE, "cjk": CJK, "spaced": SPACED}


def _restyle(app, text_size: str) -> None:
    settings = app.settings.copy()
    settings.text_size = text_size
    app.apply_settings(settings, save=False)
    app.settle()


def _shown_in_full(log, button, name: str) -> bool:
    """Every character of `name` is drawn inside its button, in order, in lines that wrap it."""
    lines = sorted((m for m in visible_texts(log) if button.rect.contains(m.ink)), key=lambda m: m.ink.y)
    joined = " ".join(m.text for m in lines)
    return "".join(joined.split()) == "".join(name.split()) and not any("…" in m.text for m in lines)


def test_the_game_takes_its_name_limit_from_the_records():
    assert MAX_NAME == MAX_PROFILE_NAME == 64
    store = MemoryProfileStore()
    assert store.create_profile(WIDE) == WIDE
    assert store.create_profile(CJK) == CJK
    with pytest.raises(ProfileError, match="at most 64"):
        store.create_profile("W" * 65)


def test_the_name_field_takes_the_longest_name_and_no_more(make_app):
    app = make_app(size=SMALLEST, store=MemoryProfileStore(), profile=None)
    start = app.top
    assert start.focus.focused is start.field
    app.feed([])  # text input starts on the frame after the field takes focus
    type_text(app, WIDE + "XYZ")
    assert start.field.value == WIDE
    log, surface = draw_logged(app)
    assert layout_problems(log, surface.get_rect()) == [], "the field scrolls to its end; nothing else is cut"
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "picker" and app.profile == WIDE


@pytest.mark.parametrize("text_size", ["medium", "x-large"])
@pytest.mark.parametrize("kind", list(NAMES))
def test_a_64_character_name_is_shown_whole_on_the_start_screen_and_can_be_picked(make_app, kind, text_size):
    name = NAMES[kind]
    store = MemoryProfileStore()
    store.create_profile("Priya Shah")
    store.create_profile(name)
    app = make_app(size=SMALLEST, store=store, profile=None)
    _restyle(app, text_size)
    start = app.top
    button = next(b for b in start.profile_buttons if b.label == name)
    log, surface = draw_logged(app)
    assert layout_problems(log, surface.get_rect()) == []
    assert start.list_view.rect.contains(button.rect), "the name's whole button is in view"
    assert _shown_in_full(log, button, name)
    others = [b.rect for b in start.profile_buttons if b is not button]
    assert not any(button.rect.colliderect(rect) for rect in others), "a wrapped name overlaps the next one"
    click(app, button.rect.center)
    assert scene_name(app) == "picker" and app.profile == name


@pytest.mark.parametrize("text_size", ["medium", "x-large"])
@pytest.mark.parametrize("kind", ["wide", "cjk"])
def test_the_debrief_of_a_trainee_with_a_64_character_name_fits_the_smallest_window(make_app, kind, text_size):
    name = NAMES[kind]
    store = MemoryProfileStore()
    store.create_profile(name)
    app = make_app(SCENARIOS / "tutorial.yaml", size=SMALLEST, store=store, profile=name)
    _restyle(app, text_size)
    entry = next(e for e in app.ensure_library().entries if e.ok)
    session = app.new_session(entry, [0, 1, 1], seed=None)
    while session.result is None:
        session.choose(0)
    app.stack.push(make_scene("debrief", app, entry, session))
    app.settle()
    log, surface = draw_logged(app)
    assert layout_problems(log, surface.get_rect()) == []
    # the chip says who it is, cut on purpose: the check knows where the whole name is
    assert (name, "the start screen") in log.shortened
    chip = [m for m in visible_texts(log) if m.text.endswith("…") and name.startswith(m.text[:-1])]
    assert chip and chip[0].ink.right <= surface.get_width(), "the cut name is drawn in the header"
    debrief = app.top
    assert not any(m.ink.colliderect(chip[0].ink) for m in visible_texts(log) if m is not chip[0]), \
        "the name chip crowds the header title"
    assert debrief.chart.width > 0


def test_renaming_and_deleting_a_64_character_trainee_fits_the_smallest_window(make_app):
    store = MemoryProfileStore()
    store.create_profile(WIDE)
    app = make_app(size=SMALLEST, store=store, profile=WIDE)
    _restyle(app, "x-large")
    assert scene_name(app) == "picker"
    app.top.open_trainee()
    app.settle()
    trainee = app.top
    log, surface = draw_logged(app)
    assert layout_problems(log, surface.get_rect()) == []
    trainee._ask()  # the confirmation names the trainee in its wrapped text
    app.settle()
    log, surface = draw_logged(app)
    assert layout_problems(log, surface.get_rect()) == []
    shown = "".join(m.text for m in visible_texts(log) if trainee.card.contains(m.ink))
    assert WIDE in shown.replace(" ", "")
    trainee._back()
    trainee.field.value = "M" * 64
    trainee._rename(trainee.field.value)
    app.settle()
    assert app.profile == "M" * 64
    log, surface = draw_logged(app)  # the picker with "Renamed W... to M...": the notice fits
    assert layout_problems(log, surface.get_rect()) == []


def test_a_40_character_name_made_by_the_cli_shows_and_can_be_picked(tmp_path, monkeypatch):
    from simulator.cli import main
    from simulator.records.game_bridge import open_store
    from simulator.records.profile_store import RecordsProfileStore
    from simulator.ui.app import App
    from simulator.ui.records_link import attach_records

    name = "Wilhelmina Wadsworth-Whitmore of Warwick"
    assert len(name) == 40 > 32  # past the game's old limit
    data = tmp_path / "data"
    monkeypatch.setenv("CUSTOMER_SIM_DATA_DIR", str(data))
    assert main(["run", str(FORMAT_TOUR), "--choices", "1,1,1,1,1", "--profile", name, "--data-dir", str(data)]) == 0
    store = open_store(data)
    try:
        app = App(FORMAT_TOUR, store=RecordsProfileStore(store, error=ProfileError), size=SMALLEST,
                  shuffle_replies=False)
        attach_records(app, store)
        app.open()
        app.settle()
        start = app.top
        assert scene_name(app) == "start"
        _restyle(app, "x-large")
        button = next(b for b in start.profile_buttons if b.label == name)
        log, surface = draw_logged(app)
        assert layout_problems(log, surface.get_rect()) == []
        assert _shown_in_full(log, button, name)
        start.focus.focus(button)
        press(app, pygame.K_RETURN)
        app.settle()
        assert app.profile == name
        assert scene_name(app) in ("picker", "resume")
        app.close()
    finally:
        store.close()
        pygame.display.quit()


def test_deleting_a_64_character_trainee_says_so_in_a_notice_that_fits(make_app):
    store = MemoryProfileStore()
    store.create_profile(WIDE)
    store.create_profile("Bo")
    app = make_app(size=SMALLEST, store=store, profile=WIDE)
    _restyle(app, "x-large")
    app.top.open_trainee()
    app.settle()
    app.top._ask()
    app.top._delete(True)
    app.settle()
    assert scene_name(app) == "start" and app.notice[0].startswith("Deleted the trainee.")
    log, surface = draw_logged(app)
    assert layout_problems(log, surface.get_rect()) == []
