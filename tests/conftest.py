"""Shared test setup. Headless SDL must be configured before anything imports pygame."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# Trainee records from tests never touch the real user data folder.
os.environ.setdefault("CUSTOMER_SIM_DATA_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "customer-sim-tests"))


import pytest  # noqa: E402 - after the SDL settings above, which must come before any pygame import


@pytest.fixture
def edited_data(tmp_path):
    """`edited_data(name, (old, new), ...)`: a copy of the shipped data folder in tmp_path/name
    with each `old` text of its rubric.yaml (there exactly once) replaced by `new`."""
    import shutil

    from simulator.paths import DATA_DIR

    def make(name: str, *edits: tuple[str, str]):
        folder = tmp_path / name
        shutil.copytree(DATA_DIR, folder)
        rubric = folder / "rubric.yaml"
        text = rubric.read_text(encoding="utf-8")
        for old, new in edits:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        rubric.write_text(text, encoding="utf-8")
        return folder
    return make
