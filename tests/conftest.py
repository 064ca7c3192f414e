"""Shared test setup. Headless SDL must be configured before anything imports pygame."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# Trainee records from tests never touch the real user data folder.
os.environ.setdefault("CUSTOMER_SIM_DATA_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "customer-sim-tests"))
