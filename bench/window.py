"""The game as a trainee runs it: a real window at 1920x1080, peak memory and idle CPU.

A headless play-through (SDL's dummy driver) under-reports both: a real X11 window has a
display surface, a GL/X client and event handling of its own. So when Xvfb is installed
this bench starts one on a free display, runs the game in a child process with SDL's x11
driver on it, and stops it afterwards; without Xvfb it falls back to the dummy driver at
1920x1080 and says so in the row name.

* memory: play three scenarios to their debrief (records saved as in `customer-sim play`),
  opening every screen on the way (transcript, pause, replay-from-turn, settings, progress,
  trainee card, start screen), then report this process's peak resident set (VmHWM);
* idle: on the conversation screen with the customer's line fully shown and nothing
  moving, the real frame loop (`App.run`) for 5 s: process CPU time / wall time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (1920, 1080)
BUDGET_PEAK_MB = 150.0
BUDGET_IDLE_PERCENT = 1.0
IDLE_SECONDS = 5.0
SCENARIOS_PLAYED = 3


# ---------------------------------------------------------------------- the X server
def _free_display() -> int:
    """A display number with neither a lock file nor a socket (so no X server uses it)."""
    for number in range(90, 200):
        if not (Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists()):
            return number
    raise RuntimeError("no free X display number between :90 and :199")


class Xvfb:
    """`with Xvfb() as display:` a virtual X server on a free display, stopped on exit."""

    def __init__(self, size: tuple[int, int] = SIZE) -> None:
        self.size = size
        self.process: subprocess.Popen | None = None
        self.display = ""

    def __enter__(self) -> str:
        number = _free_display()
        self.display = f":{number}"
        self.process = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", f"{self.size[0]}x{self.size[1]}x24", "-nolisten", "tcp",
             "-noreset"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"Xvfb did not start on {self.display}")
            time.sleep(0.05)
        return self.display

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# ---------------------------------------------------------------------- the parent
def _child(mode: str, env: dict[str, str], timeout: float = 300.0) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.window", "--child", mode], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=timeout)
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"window bench {mode} printed no result: {out.stderr.strip()[-400:]}")


def _env(data_dir: str, display: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1", CUSTOMER_SIM_DATA_DIR=data_dir)
    if display:
        env.update(SDL_VIDEODRIVER="x11", DISPLAY=display)
    else:
        env["SDL_VIDEODRIVER"] = "dummy"
    return env


def measure() -> tuple[str, dict, dict]:
    """(where, memory result, idle result), each child on a fresh records folder."""
    use_x = shutil.which("Xvfb") is not None
    where = "real window, Xvfb" if use_x else "dummy driver, no Xvfb"
    results = []
    for mode in ("memory", "idle"):
        with tempfile.TemporaryDirectory(prefix="customer-sim-window-") as data_dir:
            if use_x:
                with Xvfb() as display:
                    results.append(_child(mode, _env(data_dir, display)))
            else:
                results.append(_child(mode, _env(data_dir, None)))
    return where, results[0], results[1]


def run() -> list[tuple[str, float, str, float, bool]]:
    where, memory, idle = measure()
    size = f"{SIZE[0]}x{SIZE[1]}"
    peak = memory["peak_mb"]
    share = idle["share"] * 100
    return [
        (f"peak memory, {size}, {SCENARIOS_PLAYED} scenarios + every screen ({where})", round(peak, 1), "MB",
         BUDGET_PEAK_MB, peak <= BUDGET_PEAK_MB),
        (f"idle CPU, conversation, {size} ({where}; {idle['frames']} frames drawn)", round(share, 2), "%",
         BUDGET_IDLE_PERCENT, share <= BUDGET_IDLE_PERCENT),
    ]


# ---------------------------------------------------------------------- the children
def _peak_mb() -> float:
    """This process's own resident high-water mark (VmHWM; ru_maxrss survives fork+exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _game():
    """An App built as `customer-sim play` builds it (records attached), opened at SIZE."""
    from simulator.paths import SCENARIOS_DIR
    from simulator.records.game_bridge import open_store
    from simulator.records.profile_store import RecordsProfileStore
    from simulator.ui.app import App
    from simulator.ui.profiles import ProfileError
    from simulator.ui.records_link import attach_records

    records = open_store(None)  # $CUSTOMER_SIM_DATA_DIR: the bench's fresh folder
    app = App(SCENARIOS_DIR, store=RecordsProfileStore(records, error=ProfileError), profile="Bench", size=SIZE)
    attach_records(app, records)
    app.open()
    app.settle()
    app.ensure_library()
    return app, records


def _serve(app) -> None:
    """Let the window's own events (expose, focus) through, as the real loop would."""
    import pygame

    app.feed(pygame.event.get())
    app.settle()


def _open_scenario(app, index: int) -> None:
    import pygame

    from tools.game_driver import press, scene_name

    picker = app.top
    if scene_name(app) != "picker":
        raise RuntimeError(f"expected the picker, got {scene_name(app)}")
    picker.focus.index = index % len(picker.cards)
    picker._place()
    press(app, pygame.K_RETURN)  # picker -> briefing
    _serve(app)
    press(app, pygame.K_RETURN)  # briefing -> conversation
    _serve(app)
    if scene_name(app) != "conversation":
        raise RuntimeError(f"expected the conversation, got {scene_name(app)}")


def _visit(app, key: int, expect: str, close: int | None = None) -> None:
    """Open a screen with `key`, draw it, and close it (Esc unless `close`)."""
    import pygame

    from tools.game_driver import press, scene_name

    press(app, key)
    _serve(app)
    if scene_name(app) != expect:
        raise RuntimeError(f"expected {expect} after key {key}, got {scene_name(app)}")
    press(app, close if close is not None else pygame.K_ESCAPE)
    _serve(app)


def _play_to_debrief(app, round_: int) -> None:
    import pygame

    from tools.game_driver import DIGIT_KEYS, finish_line, press, scene_name

    scene = app.top
    turn = 0
    while not scene.ended and turn < 80:
        finish_line(app)
        if turn == 1:
            _visit(app, pygame.K_t, "transcript")
            _visit(app, pygame.K_ESCAPE, "pause", close=pygame.K_ESCAPE)
        options = len(scene.session.options)
        press(app, DIGIT_KEYS[(turn + round_) % min(options, 9)])
        _serve(app)
        turn += 1
    finish_line(app)
    press(app, pygame.K_RETURN)  # to the debrief
    _serve(app)
    if scene_name(app) != "debrief":
        raise RuntimeError(f"expected the debrief, got {scene_name(app)}")
    for _ in range(6):  # scroll through the debrief so all of it is drawn
        press(app, pygame.K_PAGEDOWN)
        _serve(app)


def _back_to_picker(app) -> None:
    import pygame

    from tools.game_driver import press, scene_name

    for _ in range(4):
        if scene_name(app) == "picker":
            return
        press(app, pygame.K_ESCAPE)
        _serve(app)
    if scene_name(app) != "picker":
        raise RuntimeError(f"could not get back to the picker from {scene_name(app)}")


def _memory() -> dict:
    import pygame

    from tools.game_driver import scene_name

    app, records = _game()
    stages = {"picker": round(_current_mb(), 1)}
    for round_ in range(SCENARIOS_PLAYED):
        _open_scenario(app, round_)
        _play_to_debrief(app, round_)
        _back_to_picker(app)
        stages[f"after scenario {round_ + 1}"] = round(_current_mb(), 1)
    _visit(app, pygame.K_s, "settings")
    _visit(app, pygame.K_p, "progress")
    _visit(app, pygame.K_n, "trainee")
    from tools.game_driver import press

    press(app, pygame.K_ESCAPE)  # the picker -> the start screen
    _serve(app)
    seen = scene_name(app)
    result = {"peak_mb": _peak_mb(), "rss_mb": _current_mb(), "stages": stages, "last_screen": seen,
              "driver": pygame.display.get_driver(), "text_cache_mb": round(_text_cache_bytes(app) / 2**20, 1)}
    app.close()
    records.close()
    pygame.quit()
    return result


def _text_cache_bytes(app) -> int:
    text = app.text
    return int(text.cached_bytes)


def _idle() -> dict:
    import threading

    import pygame

    from tools.game_driver import finish_line

    app, records = _game()
    _open_scenario(app, 0)
    finish_line(app)
    app.settle()
    result: dict = {}

    def watch() -> None:
        time.sleep(1.5)  # the loop settles: nothing types, nothing eases
        frames, cpu, wall = app.frames, time.process_time(), time.perf_counter()
        time.sleep(IDLE_SECONDS)
        result["share"] = (time.process_time() - cpu) / (time.perf_counter() - wall)
        result["frames"] = app.frames - frames
        pygame.event.post(pygame.event.Event(pygame.QUIT))

    threading.Thread(target=watch, daemon=True).start()
    app.run()
    result["driver"] = pygame.display.get_driver()
    records.close()
    pygame.quit()
    return result


def _main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=("memory", "idle"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"memory": _memory, "idle": _idle}[args.child]()), flush=True)
        return
    where, memory, idle = measure()
    print(where)
    print(json.dumps(memory, indent=1))
    print(json.dumps(idle, indent=1))


if __name__ == "__main__":
    _main()
