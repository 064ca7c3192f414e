"""Child process for the resume test (run as a script): play some turns through the game's
recording wrapper, then die by SIGKILL mid-scenario, as a crashed or killed game would.

    python game_worker.py DATA_DIR PROFILE CHOICES    e.g. CHOICES = 0,0
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

from records_helpers import build_scenario  # noqa: E402
from simulator.records.game_bridge import AttemptRecorder  # noqa: E402
from simulator.records.store import open_store  # noqa: E402
from simulator.scenario.catalog import load_catalog  # noqa: E402


def main() -> None:
    data_dir, profile, choices = sys.argv[1], sys.argv[2], [int(c) for c in sys.argv[3].split(",")]
    catalog, _ = load_catalog()
    store = open_store(data_dir)
    play = AttemptRecorder.start(store, profile, build_scenario(), catalog)
    for choice in choices:
        play.feed.play(play.session, choice)
    print(f"played {play.session.turn} attempt {play.attempt_id}", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main()
