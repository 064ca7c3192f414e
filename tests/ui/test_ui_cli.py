"""`customer-sim play`: options, errors, a headless screenshot, and a real-window smoke test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pygame
import pytest

from ui_helpers import FORMAT_TOUR, ROOT


def _env(tmp_path, **extra):
    env = dict(os.environ)
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1",
               CUSTOMER_SIM_DATA_DIR=str(tmp_path / "data"))
    env.update(extra)
    return env


def _play(tmp_path, *args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "simulator", "play", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=env or _env(tmp_path))


def test_screenshot_of_the_first_screen(tmp_path):
    out = tmp_path / "shot.png"
    done = _play(tmp_path, str(FORMAT_TOUR), "--size", "1024x640", "--profile", "Lee", "--screenshot", str(out))
    assert done.returncode == 0, done.stderr
    image = pygame.image.load(str(out))
    assert image.get_size() == (1024, 640)
    assert (tmp_path / "data" / "records.sqlite3").is_file()  # the profile was created and saved


def test_a_missing_path_is_a_clear_error(tmp_path):
    done = _play(tmp_path, str(tmp_path / "nowhere.yaml"))
    assert done.returncode == 1
    assert "nowhere.yaml: no such file or folder" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("size", ["big", "10x10", "1280x"])
def test_a_bad_size_is_a_usage_error(tmp_path, size):
    done = _play(tmp_path, "--size", size)
    assert done.returncode == 2
    assert "WIDTHxHEIGHT" in done.stderr or "out of range" in done.stderr


def test_the_game_closes_on_request_and_says_where_it_was(tmp_path):
    done = _play(tmp_path, str(FORMAT_TOUR), "--profile", "Lee", "--exit-after", "0.5")
    assert done.returncode == 0, done.stderr
    assert "final scene: picker" in done.stdout


# -- a real window under Xvfb, driven by xdotool --------------------------------------------
def _start_xvfb():
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.skip("Xvfb did not start")
    return server, f":{number}"


@pytest.mark.xvfb
@pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")),
                    reason="needs Xvfb and xdotool (apt-get install xvfb xdotool)")
def test_real_window_smoke_under_xvfb(tmp_path):
    server, display = _start_xvfb()
    env = _env(tmp_path, DISPLAY=display)
    env.pop("SDL_VIDEODRIVER")
    game = subprocess.Popen([sys.executable, "-m", "simulator", "play", str(FORMAT_TOUR), "--profile", "Xena",
                             "--size", "1024x640", "--exit-after", "8"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def xdo(*args):
            return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=15)

        window = ""
        deadline = time.monotonic() + 20
        while not window and time.monotonic() < deadline and game.poll() is None:
            # (`search --sync` can hang without a window manager, so poll instead)
            window = xdo("search", "--pid", str(game.pid)).stdout.strip().split("\n")[0]
            time.sleep(0.2)
        if not window:
            game.kill()
            pytest.fail(f"no game window appeared (exit {game.poll()}): {game.communicate(timeout=10)}")
        time.sleep(1.0)
        xdo("mousemove", "--window", window, "200", "150")  # the first scenario card
        xdo("click", "--window", window, "1")
        time.sleep(0.5)
        xdo("key", "--window", window, "Return")  # briefing: Start conversation
        time.sleep(0.5)
        xdo("mousemove", "--window", window, "600", "120")
        xdo("click", "--window", window, "1")  # any click shows the whole line
        time.sleep(0.8)  # past the pick guard that follows a completed line, with room for a loaded machine
        xdo("key", "--window", window, "1")  # first reply
        out, err = game.communicate(timeout=30)
    finally:
        if game.poll() is None:
            game.kill()
        server.terminate()
        server.wait(timeout=10)
    assert game.returncode == 0, err
    assert "final scene: conversation; turn: 1" in out, out + err
