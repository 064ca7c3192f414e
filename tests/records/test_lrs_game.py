"""The game with its records: a real App (headless) and, for sending, a real Ralph store.
Turns played on screen reach the store while the game runs; closing the records stops the
sender; a records folder removed mid-game is written again and said on screen."""

from __future__ import annotations

import pytest

from lrs_fixtures import lrs, lrs_env, ralph_python, wait_until  # noqa: F401
from simulator.paths import ROOT
from simulator.records import outbox

FORMAT_TOUR = ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"


@pytest.fixture()
def game(data_dir):
    import pygame

    from simulator.records.game_bridge import open_store
    from simulator.records.profile_store import RecordsProfileStore
    from simulator.ui.app import App
    from simulator.ui.profiles import ProfileError
    from simulator.ui.records_link import attach_records

    store = open_store(data_dir)
    app = App(FORMAT_TOUR, store=RecordsProfileStore(store, error=ProfileError), size=(1280, 720), profile="Kim",
              shuffle_replies=False)
    link = attach_records(app, store)  # as `customer-sim play` does
    app.open()
    app.settle()
    try:
        yield app, store, link
    finally:
        app.close()
        store.close()
        pygame.display.quit()


def test_turns_played_in_the_game_reach_the_store_while_it_runs(lrs_env, game):
    import pygame

    from tools.game_driver import DIGIT_KEYS, finish_line, press, scene_name

    app, store, link = game
    assert link.sender is not None and link.sender.running
    press(app, pygame.K_RETURN)  # briefing
    press(app, pygame.K_RETURN)  # conversation
    assert scene_name(app) == "conversation"
    for _ in range(2):
        finish_line(app)
        press(app, DIGIT_KEYS[0])
    assert app.top.session.turn == 2
    # wake() after each turn: both statements go without waiting for the idle poll
    wait_until(lambda: outbox.counts(store.connection)["sent"] == 2, what="the game's statements to be sent")
    assert outbox.counts(store.connection) == {"queued": 0, "sent": 2, "rejected": 0}
    assert len(lrs_env.stored_ids()) == 2
    sender = link.sender
    store.close()  # the exit path of `customer-sim play` closes the records
    assert not sender.running


@pytest.fixture()
def no_lrs(monkeypatch, tmp_path):
    for name in ("ENDPOINT", "KEY", "SECRET"):
        monkeypatch.delenv(f"CUSTOMER_SIM_LRS_{name}", raising=False)
    monkeypatch.setenv("CUSTOMER_SIM_CONFIG", str(tmp_path / "none.toml"))


def test_without_settings_the_game_starts_no_sender_and_still_queues(no_lrs, game):
    import pygame

    from tools.game_driver import DIGIT_KEYS, finish_line, press

    app, store, link = game
    assert link.sender is None  # nothing configured: no thread, no network
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    finish_line(app)
    press(app, DIGIT_KEYS[0])
    assert app.top.session.turn == 1
    assert outbox.counts(store.connection) == {"queued": 1, "sent": 0, "rejected": 0}  # ready for a later sync


def test_the_records_folder_removed_mid_game_is_said_on_screen_and_nothing_is_lost(no_lrs, game, data_dir):
    import shutil

    import pygame

    from tools.game_driver import DIGIT_KEYS, finish_line, press

    app, store, link = game
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    finish_line(app)
    press(app, DIGIT_KEYS[0])
    shutil.rmtree(data_dir)  # a clean-up script removes the folder while the trainee plays
    finish_line(app)
    press(app, DIGIT_KEYS[0])
    assert app.notice is not None and "was removed while you played" in app.notice[0]
    attempt_id = link.recorder_for(app.top.session).attempt_id  # the attempt behind the session on screen
    from simulator.records.store import open_store

    with open_store(data_dir) as again:  # a second reader sees both turns on disk
        assert again.attempt(attempt_id).turn_count == 2
