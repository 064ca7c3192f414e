# Two commands do all the set-up on a fresh machine with Python 3.11+ and make:
#   make play   — start the game
#   make test   — run the whole test suite
# Packaging:
#   make wheel  — dist/*.whl, a complete package (pip / pipx / uv tool install it)
#   make dist   — dist/customer-sim/, the standalone folder for trainees (PyInstaller)
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell command -v $(PYTHON))

.PHONY: play test bench validate wheel dist clean

$(UV):
	@echo "Setting up the environment (first run only)…"
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Says what it is doing and how long it took: the first run installs everything (about
# 10 s here), later runs only when pyproject.toml or uv.lock changed.
.venv/.synced: pyproject.toml uv.lock
	@start=$$(date +%s); \
	if [ ! -x $(UV) ]; then \
		echo "Setting up the environment (first run only)…"; \
		$(PYTHON) -m venv .tools && \
		.tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) || exit 1; \
	else \
		echo "Updating the environment (pyproject.toml or uv.lock changed)…"; \
	fi; \
	$(UV) sync --frozen --quiet --compile-bytecode || exit 1; \
	touch $@; \
	echo "Environment ready in $$(( $$(date +%s) - start )) s (.venv/)."

play: .venv/.synced
	.venv/bin/customer-sim

test: .venv/.synced
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1 \
		.venv/bin/python -m pytest -n 2 --dist loadgroup

# Bytecode is compiled first, as an installed copy has it (pip and `uv tool install` compile
# at install time): with PYTHONDONTWRITEBYTECODE set, every process would otherwise compile
# the project's modules again, and the whole-process budgets would measure the compiler.
bench: .venv/.synced
	.venv/bin/python -m compileall -q simulator bench >/dev/null
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy PYGAME_HIDE_SUPPORT_PROMPT=1 \
		.venv/bin/python -m bench

validate: .venv/.synced
	.venv/bin/customer-sim validate scenarios/

wheel: .venv/.synced
	$(UV) build --wheel --out-dir dist

# The same spec builds on Windows and macOS (see packaging/customer-sim.spec for the command).
dist: .venv/.synced
	@start=$$(date +%s); \
	.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/customer-sim.spec || exit 1; \
	echo "Built dist/customer-sim/ ($$(du -sh dist/customer-sim | cut -f1)) in $$(( $$(date +%s) - start )) s;" \
		"start it with dist/customer-sim/customer-sim"

clean:
	rm -rf .venv .tools build dist
