"""Getting around: the tutorial first, settings from the picker, renaming and deleting a trainee."""

from __future__ import annotations

import pygame
import pytest

from simulator.ui.library import listing_order
from simulator.ui.profiles import MemoryProfileStore
from simulator.ui.scenes.picker import TUTORIAL_CHIP
from tools.game_driver import click, press, scene_name
from ui_helpers import SCENARIOS


def _picker(make_app, store=None, size=(1280, 720)):
    app = make_app(SCENARIOS, store=store, size=size)
    assert scene_name(app) == "picker"
    return app


def test_the_tutorial_is_the_first_card_and_marked_for_new_trainees(make_app):
    app = _picker(make_app)
    picker = app.top
    first = picker.cards[0]
    assert first.entry.scenario_id == "tutorial"
    assert picker.focus.focused is first  # Enter on arrival opens it
    chips = picker._content[id(first)][2]
    assert TUTORIAL_CHIP in [label for row in chips for label in row]
    others = [label for card in picker.cards[1:] for row in picker._content[id(card)][2] for label in row]
    assert TUTORIAL_CHIP not in others
    # first in reading order: top-left, above the fold
    assert first.rect.topleft == min((c.rect.y, c.rect.x) for c in picker.cards)[::-1]
    assert first.rect.bottom <= picker.view.rect.bottom


def test_listing_order_moves_only_the_tutorial():
    class Entry:
        def __init__(self, name, tutorial=False):
            self.name, self.is_tutorial = name, tutorial

    entries = [Entry("a"), Entry("b"), Entry("t", True), Entry("c")]
    assert [e.name for e in listing_order(entries)] == ["t", "a", "b", "c"]


@pytest.mark.parametrize("how", ["key", "click"])
def test_settings_open_from_the_picker_and_return_to_it(make_app, how):
    app = _picker(make_app)
    if how == "key":
        press(app, pygame.K_s)
    else:
        click(app, app.top.settings_button.rect.center)
    assert scene_name(app) == "settings"
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "picker"


def test_the_picker_buttons_stay_inside_the_window_at_extra_large_text(make_app):
    app = _picker(make_app, size=(1024, 640))
    settings = app.settings.copy()
    settings.text_size = "x-large"
    app.apply_settings(settings)
    app.settle()
    window = app.window.get_rect()
    rects = [b.rect for b in app.top.top_buttons]
    assert all(window.contains(r) for r in rects)
    assert not any(a.colliderect(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    assert all(r.bottom <= app.top.view.rect.y for r in rects)  # above the cards, never over them


def _type(app, text: str) -> None:
    for ch in text:
        app.feed([pygame.event.Event(pygame.TEXTINPUT, text=ch)])


def _clear_field(app) -> None:
    app.top.field.value = ""


def test_a_trainee_can_be_renamed_from_the_picker(make_app):
    store = MemoryProfileStore()
    store.create_profile("sam rivera")
    app = make_app(SCENARIOS, store=store, profile="sam rivera")
    press(app, pygame.K_n)
    assert scene_name(app) == "trainee"
    assert app.top.wants_text_input and app.top.field.value == "sam rivera"
    _clear_field(app)
    _type(app, "Sam Rivera")
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "picker"
    assert app.profile == "Sam Rivera" and store.list_profiles() == ["Sam Rivera"]


def test_a_rename_onto_another_trainee_says_why_and_changes_nothing(make_app):
    store = MemoryProfileStore()
    store.create_profile("Ana")
    store.create_profile("Bo")
    app = make_app(SCENARIOS, store=store, profile="Bo")
    press(app, pygame.K_n)
    _clear_field(app)
    _type(app, "ana")
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "trainee" and "already a trainee called Ana" in app.top.error
    assert sorted(store.list_profiles()) == ["Ana", "Bo"] and app.profile == "Bo"


def _open_delete(app):
    press(app, pygame.K_n)
    click(app, app.top.delete.rect.center)
    assert app.top.confirming


def test_delete_asks_first_and_enter_right_away_cancels(make_app):
    store = MemoryProfileStore()
    store.create_profile("Bo")
    app = make_app(SCENARIOS, store=store, profile="Bo")
    _open_delete(app)
    press(app, pygame.K_RETURN)  # focus starts on Cancel
    assert scene_name(app) == "trainee" and not app.top.confirming
    assert store.list_profiles() == ["Bo"]
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "picker"


@pytest.mark.parametrize("keep", [True, False])
def test_a_confirmed_delete_returns_to_the_start_screen(make_app, keep):
    store = MemoryProfileStore()
    store.create_profile("Ana")
    store.create_profile("Bo")
    app = make_app(SCENARIOS, store=store, profile="Bo")
    _open_delete(app)
    click(app, (app.top.keep if keep else app.top.remove).rect.center)
    assert scene_name(app) == "start"
    assert store.list_profiles() == ["Ana"] and app.profile is None
    assert [b.label for b in app.top.profile_buttons] == ["Ana"]
    assert "Deleted Bo" in app.notice[0]


@pytest.mark.parametrize("confirming", [False, True])
def test_the_trainee_card_fits_at_extra_large_text_on_the_smallest_window(make_app, confirming):
    store = MemoryProfileStore()
    store.create_profile("Ana")
    store.create_profile("Bartholomew Featherstonehaugh")
    app = make_app(SCENARIOS, store=store, profile="Bartholomew Featherstonehaugh", size=(1024, 640))
    settings = app.settings.copy()
    settings.text_size = "x-large"
    app.apply_settings(settings)
    press(app, pygame.K_n)
    scene = app.top
    if confirming:
        scene._ask()
    else:
        _clear_field(app)
        _type(app, "ana")
        press(app, pygame.K_RETURN)  # an error in place of the card's text, wrapped
        assert scene.error
    app.settle()
    assert app.window.get_rect().contains(scene.card)
    rects = [item.rect for item in scene.buttons]
    assert all(scene.card.contains(r) for r in rects)
    assert not any(a.colliderect(b) for i, a in enumerate(rects) for b in rects[i + 1:])
