# Two commands do all the set-up on a fresh machine with Python 3.11+ and make:
#   make play   — start the game
#   make test   — run the whole test suite
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell command -v $(PYTHON))

.PHONY: play test bench validate clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	touch $@

play: .venv/.synced
	.venv/bin/customer-sim

test: .venv/.synced
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1 \
		.venv/bin/python -m pytest -n 2

bench: .venv/.synced
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1 \
		.venv/bin/python -m bench

validate: .venv/.synced
	.venv/bin/customer-sim validate scenarios/

clean:
	rm -rf .venv .tools
