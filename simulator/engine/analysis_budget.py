"""How much of a scenario the analyser may explore, decided from its size before allocating.

Every analysis phase stores one row per play-through prefix: the sweep keeps one depth of
conversation states at a time, the scored tree keeps every prefix it grows. A row's size
follows from the scenario alone (mood dimensions, acts, the widest node, the nodes some
condition asks about), so the limits can be set before anything big exists:

  row bytes     the `ConversationState` fields of one prefix, from the Stepper's shapes
  tree bytes    the memory share of the tree: its arrays (row + the tree's own columns,
                with room for the copy made while they grow) plus a rubric tracker per
                unfinished prefix, checked by `PlayTree` before every growth
  frontier rows (memory share of the sweep) / (three rows: the depth stepped, the next
                depth being built and its concatenation)
  sweep limit   also bounded by the skeleton the sweep keeps (parent + choice per prefix)

A phase that would pass its limit stops and says so: the sweep is then "not complete" (its
answers are from the prefixes it enumerated), the scored search falls back to the beam,
random play keeps the runs that finished. The time budget works the same way with a clock.
`BudgetReport` records which answers were proven and which were sampled, for the text
report and the JSON.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from simulator.engine.analysis_defaults import DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_S
from simulator.engine.batch_step import Stepper
from simulator.engine.state import STATE_FIELDS

MB = 1 << 20
TREE_SHARE = 0.50  # of the budget: the scored tree (random play, exhaustive/beam search)
SWEEP_SHARE = 0.35  # the unscored sweep's frontier and skeleton; the rest: the model, numpy temporaries
GROWTH_SLACK = 1.5  # growing copies the arrays into double the room: 1.5 x on average
SKELETON_BYTES = 16  # per swept prefix: parent (int64) + choice (int16) + list/array overhead
STATIC_SHARE = 0.25  # the Stepper's per-node tables may use at most this much
# One step's temporaries are (rows x widest node) tables of up to 8 bytes a cell (shown
# replies, their order, the distinct screens): stepping at most this many cells at once keeps
# them near 50 MB, whether a node has 5 replies or 10,000.
STEP_CELLS = 1 << 21
# More rows a step than this cost more per row, not less: a 16k-row step's arrays stay in the
# CPU's cache and a 64k-row step's do not (measured on the sweep of the three largest shipped
# scenarios: 1.35 s at 64k rows a step, 1.03 s at 16k, 1.25 s at 4k, where numpy's cost per
# call starts to show).
CACHE_ROWS = 1 << 14
INITIAL_BYTES = 4 << 20  # a new tree's first allocation
# Any PlayTree not given a budget (quality gates, tools) stops here: the tree share of the
# default analysis budget.
DEFAULT_TREE_BYTES = int(DEFAULT_MEMORY_LIMIT_MB * MB * TREE_SHARE)


class BudgetExceeded(Exception):
    """A phase asked for more rows than its memory budget allows (caught by that phase)."""


def step_rows(max_replies: int) -> int:
    """How many conversation states to step in one batch (see STEP_CELLS and CACHE_ROWS)."""
    return max(1, min(CACHE_ROWS, STEP_CELLS // max(1, max_replies)))


def static_bytes(n_nodes: int, max_replies: int, dims: int, acts: int, width: int) -> int:
    """Bytes of the Stepper's (nodes x widest node) tables, computable before building them."""
    per_slot = width * 8 + dims * 8 + 1 + 1 + (acts + 1) * 2 + 8 + 1
    return n_nodes * max_replies * per_slot


def row_bytes(stepper: Stepper) -> int:
    """Bytes of one conversation state (one `ConversationState` row) of this scenario."""
    root = stepper.root()
    return int(sum(getattr(root, name)[:1].nbytes for name in STATE_FIELDS))


def tree_row_bytes(stepper: Stepper) -> int:
    """Array bytes per scored-tree prefix: the state, its rubric state and the tree's own columns."""
    from simulator.engine.rubric_rows import row_bytes as rubric_row_bytes

    own = 8 + 2 + 8 * stepper.max_replies + 8 + 1 + 2 * 5  # parent, choice, children, overall, grade, skills
    rubric = stepper.compiled.rubric
    return row_bytes(stepper) + own + rubric_row_bytes(rubric.arrays, rubric.pending_slots)


@dataclass
class Budget:
    """Limits for one scenario's analysis (see the module docstring)."""

    memory_limit: int  # bytes
    time_limit: float  # seconds
    row: int
    tree_bytes: int
    tree_rows: int  # the most prefixes the tree's arrays can hold (fewer while trackers live)
    frontier_rows: int
    sweep_limit: int
    started: float = field(default_factory=time.monotonic)

    @property
    def deadline(self) -> float:
        return self.started + self.time_limit

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline


def plan(stepper: Stepper, *, memory_limit_mb: float = DEFAULT_MEMORY_LIMIT_MB,
         time_limit: float = DEFAULT_TIME_LIMIT_S, sweep_limit: int) -> Budget:
    """The limits for this scenario within `memory_limit_mb` MiB and `time_limit` seconds."""
    memory = int(memory_limit_mb * MB)
    row = row_bytes(stepper)
    tree_row = tree_row_bytes(stepper)
    tree_bytes = int(memory * TREE_SHARE)
    tree_rows = max(16, int(tree_bytes / (tree_row * GROWTH_SLACK)))
    # ... plus the (row, option) index pairs of the depth being expanded: two int64 per option
    frontier_rows = max(16, int(memory * SWEEP_SHARE * 0.8 / (3 * row + 16 * stepper.max_replies)))
    skeleton_limit = max(16, int(memory * SWEEP_SHARE * 0.2 / SKELETON_BYTES))
    return Budget(memory, float(time_limit), row, tree_bytes, tree_rows, frontier_rows,
                  min(sweep_limit, skeleton_limit))


def check_static(scenario_nodes: int, max_replies: int, dims: int, acts: int, width: int,
                 memory_limit_mb: float = DEFAULT_MEMORY_LIMIT_MB) -> str:
    """"" when the per-node tables fit the budget, else why the scenario cannot be played."""
    needed = static_bytes(scenario_nodes, max_replies, dims, acts, width)
    if needed > memory_limit_mb * MB * STATIC_SHARE:
        return (f"{scenario_nodes:,} nodes x {max_replies:,} replies on the widest node need "
                f"{needed / MB:,.0f} MB of tables, more than the {memory_limit_mb:,.0f} MB memory limit allows")
    return ""


@dataclass
class BudgetReport:
    """What each phase proved and what it only sampled, and why."""

    memory_limit_mb: float
    time_limit: float
    row_bytes: int = 0
    tree_rows: int = 0
    frontier_rows: int = 0
    proven: list[str] = field(default_factory=list)
    sampled: list[str] = field(default_factory=list)  # "what: why"
    not_run: str = ""  # the whole play analysis was skipped (why)

    def sample(self, what: str, why: str) -> None:
        self.sampled.append(f"{what}: {why}")

    @property
    def limited(self) -> bool:
        """True when the memory or time budget (not only --tree-limit) cut something short."""
        return bool(self.not_run) or any("budget" in item for item in self.sampled)

    def as_json(self) -> dict[str, Any]:
        return {"memory_limit_mb": self.memory_limit_mb, "time_limit_s": self.time_limit,
                "row_bytes": self.row_bytes, "tree_rows": self.tree_rows, "frontier_rows": self.frontier_rows,
                "proven": list(self.proven), "sampled": list(self.sampled), "not_run": self.not_run or None}

    def lines(self) -> list[str]:
        """Plain sentences for the text report (empty when nothing was limited)."""
        if not self.limited:
            return []
        out = [f"budget: {self.memory_limit_mb:,.0f} MB memory, {self.time_limit:,.0f} s"]
        if self.not_run:
            out.append(f"  not played: {self.not_run}")
        out += [f"  proven:  {item}" for item in self.proven]
        out += [f"  sampled: {item}" for item in self.sampled]
        return out
