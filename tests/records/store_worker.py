"""Child process for the reliability tests (run as a script, not collected by pytest).

    python store_worker.py loop DB PROFILE     write attempts forever; print "finished <id>"
                                               after each finish (the parent SIGKILLs us)
    python store_worker.py batch DB PROFILE N  write N complete attempts, then print "done"

Every attempt has 6 turns with a snapshot of a few KB, like a real play-through.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from simulator.records.store import open_store  # noqa: E402


class _Scenario:
    id = "worker-scenario"
    title = "Worker"
    source_sha256 = "s" * 64


class _Catalog:
    sha256 = "c" * 64


def play_one(store, profile: str, serial: int) -> int:
    attempt_id = store.start_attempt(profile, _Scenario, _Catalog, {"choices": []})
    for turn in range(1, 7):
        snapshot = {"choices": [0] * turn, "padding": "x" * 3000, "serial": serial}
        record = {"node": f"n{turn}", "choice": 0, "reply_text": "reply " * 20,
                  "mood_after": {"pleasure": turn / 10}, "evidence": [{"skill": "calm", "points": 1}]}
        store.save_turn(attempt_id, snapshot, record)
    store.finish_attempt(attempt_id, {"outcome": "resolved", "grade": "B", "overall": 80.0 + serial % 10,
                                      "skills": {"calm": 90}, "passed": True, "evidence": []})
    return attempt_id


def main() -> None:
    mode, db, profile = sys.argv[1], sys.argv[2], sys.argv[3]
    store = open_store(db)
    if store.read_only_reason:
        print(f"read-only: {store.read_only_reason}", flush=True)
        sys.exit(3)
    if mode == "loop":
        serial = 0
        while True:
            serial += 1
            attempt_id = play_one(store, profile, serial)
            print(f"finished {attempt_id}", flush=True)
    elif mode == "batch":
        for serial in range(int(sys.argv[4])):
            play_one(store, profile, serial)
        print("done", flush=True)
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
