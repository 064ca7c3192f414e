"""The game with the records database: saved turns, resume after a kill, the progress screen."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from simulator.records.game_bridge import open_store
from simulator.records.profile_store import RecordsProfileStore
from simulator.ui.profiles import ProfileError
from simulator.ui.records_link import attach_records
from tools.game_driver import DIGIT_KEYS, click, finish_line, press, scene_name
from ui_helpers import FORMAT_TOUR, ROOT

# Set CUSTOMER_SIM_SHOTS=docs/screenshots to refresh the README pictures; a plain run writes nothing
# into the checkout.
SHOTS_ENV = "CUSTOMER_SIM_SHOTS"


@pytest.fixture
def records_app(make_app):
    """Factory: an App on `data_dir` with the records store attached (as `play` builds it)."""
    stores, apps = [], []

    def factory(data_dir: Path, profile: str = "Kim", size=(1280, 720)):
        store = open_store(data_dir)
        stores.append(store)
        from simulator.ui.app import App

        app = App(FORMAT_TOUR, store=RecordsProfileStore(store, error=ProfileError), size=size, profile=profile,
                  shuffle_replies=False)
        attach_records(app, store)
        app.open()
        app.settle()
        apps.append(app)
        return app, store

    yield factory  # make_app is requested for its pygame clean-up after the test
    for app in apps:
        app.close()
    for store in stores:
        store.close()


def _finish_line(app) -> None:
    finish_line(app)  # completes the line and waits out the short pick guard


def _pick(app, choice: int) -> None:
    """Choose reply `choice` (0-based) in the conversation on screen."""
    _finish_line(app)
    press(app, DIGIT_KEYS[choice])


def _choices(count: int = 30) -> list[int]:
    """A fixed play-through: alternate the second and first option."""
    return [(turn + 1) % 2 for turn in range(count)]


def _play_rest(app, choices: list[int], start: int) -> int:
    conversation = app.top
    index = start
    while not conversation.ended:
        options = len(conversation.session.options)
        _pick(app, choices[index] % options)
        index += 1
        assert index < 60
    return index


def test_killed_mid_scenario_offers_resume_and_finishes_like_an_uninterrupted_play(records_app, tmp_path):
    from simulator.engine.session import Session

    data = tmp_path / "data"
    app, store = records_app(data)
    assert scene_name(app) == "picker"
    press(app, pygame.K_RETURN)  # briefing
    press(app, pygame.K_RETURN)  # conversation
    assert scene_name(app) == "conversation"
    choices = _choices()
    played = []
    for turn in range(2):
        options = len(app.top.session.options)
        played.append(choices[turn] % options)
        _pick(app, played[-1])
    assert app.top.session.turn == 2
    mood_at_kill = dict(app.top.session.mood)
    # "Kill": no close(), no clean-up; the database only has what each turn saved.
    store.close()

    again, _ = records_app(data)
    assert scene_name(again) == "resume"
    assert "turn 3" in again.top.question
    press(again, pygame.K_RETURN)  # Resume (focused first)
    assert scene_name(again) == "conversation"
    conversation = again.top
    assert conversation.session.turn == 2
    assert dict(conversation.session.mood) == mood_at_kill
    # finish with the same remaining choices
    index = 2
    while not conversation.ended:
        options = len(conversation.session.options)
        played.append(choices[index] % options)
        _pick(again, played[-1])
        index += 1
        assert index < 60
    result = conversation.session.result
    expected = Session.replay(conversation.entry.scenario, again.library.catalog, played).result
    assert (result.outcome, result.overall, result.grade) == (expected.outcome, expected.overall, expected.grade)
    assert list(conversation.session.choices) == played


def test_start_fresh_declines_and_the_offer_does_not_come_back(records_app, tmp_path):
    data = tmp_path / "data"
    app, store = records_app(data)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    _pick(app, 0)
    store.close()
    again, second = records_app(data)
    assert scene_name(again) == "resume"
    click(again, again.top.fresh_button.rect.center)
    assert scene_name(again) == "picker"
    assert second.unfinished_attempt("Kim") is None
    second.close()
    third, _ = records_app(data)
    assert scene_name(third) == "picker"


def test_progress_screen_shows_the_finished_attempts_grade(records_app, tmp_path):
    app, _ = records_app(tmp_path / "data")
    grades = []
    for choices in (_choices(), [0] * 30):  # two different play-throughs
        press(app, pygame.K_RETURN)
        press(app, pygame.K_RETURN)
        _play_rest(app, choices, 0)
        grades.append(app.top.session.result.grade)
        _finish_line(app)
        press(app, pygame.K_RETURN)  # debrief
        press(app, pygame.K_ESCAPE)  # picker
        assert scene_name(app) == "picker"
    press(app, pygame.K_p)
    assert scene_name(app) == "progress"
    rows = app.top.grade_rows()
    assert len(rows) == 1
    title, attempts, best, latest = rows[0]
    assert attempts == 2 and latest == grades[-1] and best == min(grades)  # "A" sorts before "F"
    assert app.top.progress.focus is not None
    assert all(len(t.points) == 2 for t in app.top.progress.trends.values())
    shots = Path(os.environ.get(SHOTS_ENV) or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    app.screenshot(shots / "progress.png")
    assert (shots / "progress.png").stat().st_size > 0
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "picker"
    click(app, app.top.progress_button.rect.center)  # the mouse way in
    assert scene_name(app) == "progress"


def test_resume_prompt_screenshot(records_app, tmp_path):
    data = tmp_path / "data"
    app, store = records_app(data)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    _pick(app, 1)
    _pick(app, 0)
    store.close()
    again, _ = records_app(data)
    assert scene_name(again) == "resume"
    again.settle()
    shots = Path(os.environ.get(SHOTS_ENV) or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    again.screenshot(shots / "resume.png")
    assert (shots / "resume.png").stat().st_size > 0
    card = again.top.card
    for button in again.top.buttons:
        assert card.contains(button.rect), "buttons must sit inside the card"


def test_an_unusable_data_folder_still_plays_and_says_so(records_app, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    app, store = records_app(blocker / "data")  # cannot be created: nothing will be saved
    assert store.read_only_reason
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    _pick(app, 0)
    assert app.top.session.turn == 1
    assert app.notice and "not being saved" in app.notice[0]


def test_subprocess_killed_mid_scenario_then_resumed(records_app, tmp_path):
    """The real program: play two turns in a child process, SIGKILL it, resume here."""
    data = tmp_path / "data"
    script = (
        "import os, sys, pygame\n"
        "from simulator.records.game_bridge import open_store\n"
        "from simulator.records.profile_store import RecordsProfileStore\n"
        "from simulator.ui.app import App\n"
        "from tools.game_driver import finish_line, press\n"
        "from simulator.ui.profiles import ProfileError\n"
        "from simulator.ui.records_link import attach_records\n"
        f"store = open_store({str(data)!r})\n"
        f"app = App({str(FORMAT_TOUR)!r}, store=RecordsProfileStore(store, error=ProfileError),"
        " size=(1280, 720), profile='Kim')\n"
        "attach_records(app, store)\n"
        "app.open(); app.settle()\n"
        "press(app, pygame.K_RETURN); press(app, pygame.K_RETURN)\n"
        "for key in (pygame.K_2, pygame.K_1):\n"
        "    finish_line(app)\n"
        "    press(app, key)\n"
        "print('turn', app.top.session.turn, flush=True)\n"
        "import time\n"
        "time.sleep(60)\n"
    )
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "turn 2", child.stderr.read() if child.poll() is not None else line
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    again, _ = records_app(data)
    assert scene_name(again) == "resume"
    press(again, pygame.K_RETURN)
    assert scene_name(again) == "conversation"
    assert again.top.session.turn == 2
    assert list(again.top.session.choices) == [1, 0]
