"""Game benchmarks: start-up, CPU per frame while text types, idle CPU, peak memory.

Each figure is measured in a fresh child process (`python -m bench.game --child MODE`) so one
measurement cannot warm caches or inflate memory for another, and start-up includes the real
interpreter and import cost. The children here use SDL's dummy video driver; the figures
that budget what a trainee sees (peak memory at 1920x1080 after three scenarios and every
screen, idle CPU on the conversation screen) come from a real window under Xvfb, measured by
bench/window.py and listed with these rows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_FIRST_FRAME_S = 0.8
BUDGET_FRAME_P95_MS = 3.0
BUDGET_IDLE_SHARE = 3.0  # percent of one core
BUDGET_RSS_MB = 120.0
SIZE = (1280, 720)


def _env(data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1",
               CUSTOMER_SIM_DATA_DIR=data_dir)
    return env


def _child(mode: str, data_dir: str, timeout: float = 120.0) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.game", "--child", mode], cwd=ROOT, env=_env(data_dir),
                         capture_output=True, text=True, timeout=timeout)
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"bench child {mode} printed no result: {out.stderr.strip()[-400:]}")


def first_frame_seconds(data_dir: str, runs: int = 3) -> float:
    """Median wall time from launching `python -m simulator play` to its first flipped frame."""
    times = []
    for _ in range(runs):
        started = time.time()
        out = subprocess.run([sys.executable, "-m", "simulator", "play", "--size", f"{SIZE[0]}x{SIZE[1]}",
                              "--exit-after-first-frame"], cwd=ROOT, env=_env(data_dir), capture_output=True,
                             text=True, timeout=60)
        stamp = [line for line in out.stdout.splitlines() if line.startswith("first-frame-epoch ")]
        if not stamp:
            raise RuntimeError(f"no first frame: {out.stderr.strip()[-400:]}")
        times.append(float(stamp[-1].split()[1]) - started)
    return statistics.median(times)


def run() -> list[tuple[str, float, str, float, bool]]:
    with tempfile.TemporaryDirectory(prefix="customer-sim-bench-") as data_dir:
        first = first_frame_seconds(data_dir)
        frames = _child("frames", data_dir)
        idle = _child("idle", data_dir)
        rss = _child("rss", data_dir)
    return [
        ("start to first frame", round(first, 3), "s", BUDGET_FIRST_FRAME_S, first <= BUDGET_FIRST_FRAME_S),
        ("CPU per frame, text typing, 1280x720 (p95)", round(frames["p95_ms"], 2), "ms", BUDGET_FRAME_P95_MS,
         frames["p95_ms"] <= BUDGET_FRAME_P95_MS),
        ("idle CPU, headless start screen (share of one core)", round(idle["share"] * 100, 2), "%",
         BUDGET_IDLE_SHARE,
         idle["share"] * 100 <= BUDGET_IDLE_SHARE),
        ("peak memory, full play-through (headless 1280x720)", round(rss["max_rss_mb"], 1), "MB", BUDGET_RSS_MB,
         rss["max_rss_mb"] <= BUDGET_RSS_MB),
    ] + _window_rows()


def _window_rows() -> list:
    """The real-window rows (bench/window.py); one ERROR-like row if that bench cannot run."""
    from bench import window

    try:
        return window.run()
    except Exception as error:  # noqa: BLE001 - the other figures must still print
        return [("real window at 1920x1080", f"{type(error).__name__}: {error}"[:70], "", None, None)]


# ---------------------------------------------------------------------- children
def _open_conversation():
    import pygame

    from simulator.paths import SCENARIOS_DIR
    from simulator.ui.app import App
    from simulator.ui.profiles import MemoryProfileStore
    from tools.game_driver import press, scene_name

    app = App(SCENARIOS_DIR, store=MemoryProfileStore(), size=SIZE, profile="Bench")
    app.open()
    app.settle()
    press(app, pygame.K_RETURN)  # picker -> briefing
    app.settle()
    press(app, pygame.K_RETURN)  # briefing -> conversation
    if scene_name(app) != "conversation":
        raise RuntimeError(f"expected the conversation, got {scene_name(app)}")
    return app


def _frames() -> dict:
    """CPU time of each frame while the customer's line types out (several lines, restarted)."""
    app = _open_conversation()
    scene = app.top
    samples: list[float] = []
    for round_ in range(8):
        scene.typewriter.restart(scene.typewriter.total, 25.0)
        for _ in range(90):
            started = time.process_time_ns()
            app.process([], 1 / 60)
            if round_:  # the first round warms the text cache, as a real first line does
                samples.append((time.process_time_ns() - started) / 1e6)
    samples.sort()
    return {"p95_ms": samples[int(len(samples) * 0.95)], "p50_ms": samples[len(samples) // 2],
            "frames": len(samples)}


def _idle() -> dict:
    """Process CPU over 3 s while the real loop runs with nothing moving (start screen)."""
    import threading

    import pygame

    from simulator.paths import SCENARIOS_DIR
    from simulator.ui.app import App
    from simulator.ui.profiles import MemoryProfileStore

    app = App(SCENARIOS_DIR, store=MemoryProfileStore(), size=SIZE)
    result: dict = {}

    def measure() -> None:
        time.sleep(1.5)  # let start-up and the background scenario load finish
        cpu, wall = time.process_time(), time.perf_counter()
        time.sleep(3.0)
        result["share"] = (time.process_time() - cpu) / (time.perf_counter() - wall)
        pygame.event.post(pygame.event.Event(pygame.QUIT))

    threading.Thread(target=measure, daemon=True).start()
    app.run()
    result["frames"] = app.frames
    return result


def _rss() -> dict:
    """Peak resident memory after playing a whole scenario through to the debrief."""
    import resource

    import pygame

    from tools.game_driver import DIGIT_KEYS, press, scene_name

    app = _open_conversation()
    for _ in range(60):
        if scene_name(app) != "conversation" or app.top.ended:
            break
        press(app, DIGIT_KEYS[0])
        app.settle()
    press(app, pygame.K_RETURN)
    app.settle()
    return {"max_rss_mb": _peak_rss_mb(resource), "scene": scene_name(app)}


def _peak_rss_mb(resource) -> float:
    """This process's own high-water mark.

    Linux keeps ru_maxrss across fork+exec, so a child started by a big parent (the bench
    runner after the analysis rows) would report the parent's peak; VmHWM belongs to this
    process's address space alone.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=("frames", "idle", "rss"))
    args = parser.parse_args()
    if args.child:
        result = {"frames": _frames, "idle": _idle, "rss": _rss}[args.child]()
        print(json.dumps(result), flush=True)
        return
    for row in run():
        print(row)


if __name__ == "__main__":
    _main()
