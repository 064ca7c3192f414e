"""Every play-through of a scenario, without scoring: the proofs behind the quality gates.

Which nodes and endings play can reach, where the engine has to stop a conversation, and
how few chances to show each skill some complete path offers are questions about *all*
play-throughs, but none of them needs the rubric. So the sweep walks the whole tree of
play-throughs breadth first with `batch_step.Stepper` alone (several times faster than the
scored tree), keeping only the current depth's conversation states plus a (parent, choice)
pair per prefix to spell out example paths. Memory stays small however large the tree.

Order matters for the examples: each depth is kept in lexicographic order of choices, so
the first example found of anything is the shortest one with the smallest choice numbers.

Given `workers` > 1, once a depth is wide enough the rest of the sweep is shared out: the
frontier is cut into runs of consecutive prefixes, dealt out in turn to that many forked
processes (`forked.run_forked`), each sweeping its runs' subtrees one after another. Counts add up; the first example of anything is the
one at the smallest depth, then in the earliest run, which is the order one process would have
met them in. The limits hold for the sweep as a whole (the processes count prefixes and kept
rows together), and whenever a limit is reached or a process fails, this process sweeps the
rest itself as if nothing had been shared: the result never depends on how many processes
there were.
"""

from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from simulator.engine.analysis_budget import step_rows
from simulator.engine.batch_step import BY_ENDING, REASONS, TURN_LIMIT, Stepper
from simulator.engine.state import STATE_FIELDS, ConversationState
from simulator.engine.forked import SharedCounts, run_forked
from simulator.scenario.model import SKILLS

# A depth this wide (children to step) is worth sharing out: below it the processes' start-up
# costs more than they save, and each process still steps whole chunks (see CACHE_ROWS).
SPLIT_WIDTH = 1 << 15
RUNS_PER_WORKER = 8  # see `_Sweep._split`


@dataclass(frozen=True, slots=True)
class Stop:
    """Where play-throughs end without an ending: the node and why."""

    node_id: str
    reason: str
    count: int
    example: tuple[int, ...]  # 0-based choices of the first (shortest, smallest) one


@dataclass
class SweepResult:
    complete: bool  # every play-through was enumerated (False: stopped at the limit)
    cut: str = ""  # why it stopped early: "" | "prefix limit" | "memory budget" | "time budget"
    prefixes: int = 1  # prefixes stepped, the opening included
    complete_paths: int = 0  # play-throughs that reach an ending the author wrote
    longest: int = 0  # turns in the longest play-through
    reached: set[str] = field(default_factory=set)
    ending_paths: dict[str, int] = field(default_factory=dict)
    ending_examples: dict[str, tuple[int, ...]] = field(default_factory=dict)
    stops: list[Stop] = field(default_factory=list)
    fewest_chances: dict[str, tuple[int, tuple[int, ...]]] = field(default_factory=dict)  # skill -> (n, path)
    most_chances: dict[str, int] = field(default_factory=dict)


class _Skeleton:
    """(parent, choice) per prefix, stored per depth, to spell out a prefix's choices."""

    def __init__(self) -> None:
        self.offsets = [0, 1]  # global id of the first prefix at each depth (depth 0: the opening)
        self.parents: list[list[np.ndarray]] = [[]]
        self.choices: list[list[np.ndarray]] = [[]]

    def _extend(self, depth: int) -> None:
        while len(self.parents) <= depth:
            self.parents.append([])
            self.choices.append([])

    def add(self, depth: int, parents: np.ndarray, choices: np.ndarray) -> None:
        self._extend(depth)
        self.parents[depth].append(parents)
        self.choices[depth].append(choices.astype(np.int16))

    def close_depth(self, depth: int, end: int) -> None:
        self._extend(depth)
        self.parents[depth] = [np.concatenate(self.parents[depth])] if self.parents[depth] else []
        self.choices[depth] = [np.concatenate(self.choices[depth])] if self.choices[depth] else []
        self.offsets.append(end)

    def path(self, prefix: int, depth: int) -> tuple[int, ...]:
        out = []
        while depth > 0:
            local = prefix - self.offsets[depth]
            parents = self.parents[depth][0] if len(self.parents[depth]) == 1 else np.concatenate(self.parents[depth])
            choices = self.choices[depth][0] if len(self.choices[depth]) == 1 else np.concatenate(self.choices[depth])
            out.append(int(choices[local]))
            prefix = int(parents[local])
            depth -= 1
        return tuple(reversed(out))


Adopt = Callable[[np.ndarray, np.ndarray, ConversationState], bool]
Key = tuple  # ("ending", index) | ("stop", (loc, reason)) | ("fewest", skill index)


@dataclass
class _RunReport:
    """What one process's run of a shared-out sweep found (see `_Sweep._split`)."""

    complete: bool
    prefixes: int
    longest: int
    reached: np.ndarray
    ending_counts: np.ndarray
    stop_counts: dict
    fewest: np.ndarray
    most: np.ndarray
    examples: dict  # key -> (depth, path): the first of each thing this run found


def sweep(stepper: Stepper, limit: int, *, max_frontier: int | None = None,
          deadline: float | None = None, adopt: Adopt | None = None, adopt_limit: int = 0,
          abandon: Callable[[], None] | None = None, workers: int = 1,
          meanwhile: Callable[[], None] | None = None) -> SweepResult:
    """Enumerate every play-through (up to `limit` prefixes) and summarise what play can do.

    `max_frontier` bounds the unfinished prefixes kept for the next depth (memory) and
    `deadline` (a `time.monotonic()` value) the time; past either, or past `limit`, the result
    is not complete and `cut` says why. Chunks are never larger than the frontier bound.

    `adopt(parent ids, options, children)` is handed every stepped chunk, in id order, while
    the whole tree so far fits `adopt_limit` prefixes (the scored tree takes the states over
    instead of stepping them again); before the first depth that would not fit, or when it
    returns False (no room), `abandon()` is called once and nothing more is handed over.
    `workers` > 1 shares the deeper part out between that many processes (module docstring);
    the result is the same. `meanwhile()` is called once, in this process, while the processes
    the sweep was shared out to run (never when it was not shared out; only after `abandon`,
    if that was given: nothing more is handed over by then)."""
    run = _Sweep(stepper, limit, max_frontier, deadline)
    run.run(adopt, adopt_limit, abandon, workers, meanwhile)
    return run.summary()


class _RunQueue:
    """The runs of a split, handed out one at a time to the processes forked while it is open:
    a pipe filled before the fork with every run's number, then one "no more" per process.
    Each read takes one whole number (a pipe read of 4 bytes already written is never split),
    so no two processes take the same run and no lock is needed."""

    _NONE_LEFT = -1
    MOST = 1024  # numbers in all: 4 KiB, what any pipe takes in one write without a reader

    def __init__(self, runs: int, processes: int) -> None:
        if runs + processes > self.MOST:
            raise ValueError(f"{runs} runs and {processes} processes are more than one pipe write holds")
        self._read, self._write = os.pipe()
        os.write(self._write, struct.pack(f"<{runs + processes}i", *range(runs), *[self._NONE_LEFT] * processes))

    def __iter__(self):
        while True:
            index = struct.unpack("<i", os.read(self._read, 4))[0]
            if index == self._NONE_LEFT:
                return
            yield index

    def __enter__(self) -> "_RunQueue":
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self._read)
        os.close(self._write)


class _Sweep:
    """One sweep's frontier and running summary (one process's share of it, after a split)."""

    def __init__(self, stepper: Stepper, limit: int, max_frontier: int | None, deadline: float | None) -> None:
        self.stepper, self.limit, self.max_frontier, self.deadline = stepper, limit, max_frontier, deadline
        self.chunk = step_rows(stepper.max_replies)
        if max_frontier is not None:
            self.chunk = max(1, min(self.chunk, max_frontier))
        self.result = SweepResult(complete=True)
        self.skeleton = _Skeleton()
        self.firsts: dict[Key, tuple[int, int]] = {}  # key -> (global id, depth) of its first example
        self.found: dict[Key, tuple[int, ...]] = {}  # key -> path: first examples the split's runs found
        self.fewest = np.full(len(SKILLS), np.iinfo(np.int32).max, dtype=np.int64)
        self.most = np.zeros(len(SKILLS), dtype=np.int64)
        self.ending_counts = np.zeros(len(stepper.ending_ids), dtype=np.int64)
        self.stop_counts: dict[tuple[int, int], int] = {}
        self.reached_nodes = np.zeros(len(stepper.node_ids), dtype=bool)
        self.ending_examples: set[int] = set()  # endings whose first example is in `firsts`
        self.shared: SharedCounts | None = None  # counts kept with the other runs of a split
        self.run_index = 0
        self.split_depth = 0  # a run of a split reports what it found below this depth
        self.frontier = stepper.root()
        self.frontier_ids = np.array([0], dtype=np.int64)
        self.depth, self.next_id = 0, 1
        self.result.reached.add(stepper.node_ids[int(self.frontier.loc[0])])
        if self.frontier.ended[0]:
            self.account(self.frontier, self.frontier_ids, 0)

    # ------------------------------------------------------------------ what the stepped rows show
    def account(self, batch: ConversationState, ids: np.ndarray, depth: int) -> None:
        self.reached_nodes[batch.loc] = True  # (repeated indices: the same True, no sort needed)
        ended = np.nonzero(batch.ended)[0]
        if not ended.size:
            return
        result, firsts, fewest = self.result, self.firsts, self.fewest
        result.longest = max(result.longest, depth)
        by_ending = ended[batch.reason[ended] == BY_ENDING]
        if by_ending.size:
            endings = batch.ending[by_ending]
            self.ending_counts += np.bincount(endings, minlength=len(self.stepper.ending_ids))
            if len(self.ending_examples) < len(self.stepper.ending_ids):  # (once each has its first, none is asked again)
                for value, first in zip(*np.unique(endings, return_index=True)):
                    if int(value) not in self.ending_examples:
                        self.ending_examples.add(int(value))
                        firsts[("ending", int(value))] = (int(ids[by_ending[first]]), depth)
            # skill by skill, each a contiguous row: numpy reduces a (rows, 5) table down its
            # columns ten times slower than five long rows
            chances = np.ascontiguousarray(batch.chances.take(by_ending, axis=0).T)
            low = chances.min(axis=1).tolist()
            for s in range(len(SKILLS)):
                if low[s] < fewest[s]:  # strictly fewer: earlier ties stay (shorter / smaller choices)
                    fewest[s] = low[s]
                    firsts[("fewest", s)] = (int(ids[by_ending[np.argmax(chances[s] == low[s])]]), depth)
            np.maximum(self.most, chances.max(axis=1), out=self.most)
        stopped = ended[batch.reason[ended] != BY_ENDING]
        if stopped.size:  # counted per (node, reason); the first of each, in id order, is its example
            keys = batch.loc[stopped].astype(np.int64) * len(REASONS) + batch.reason[stopped]
            values, first, counts = np.unique(keys, return_index=True, return_counts=True)
            for value, k, count in zip(values.tolist(), first.tolist(), counts.tolist()):
                key = (value // len(REASONS), value % len(REASONS))
                self.stop_counts[key] = self.stop_counts.get(key, 0) + count
                firsts.setdefault(("stop", key), (int(ids[stopped[k]]), depth))

    # ------------------------------------------------------------------ the limits
    def _over_limit(self, n: int) -> bool:
        if self.shared is None:
            return self.result.prefixes + n > self.limit
        return self.shared.add(self.run_index, 0, n) > self.limit

    def _too_wide(self, kept: int, more: int) -> bool:
        """Past the frontier bound with `more` rows kept (`kept` counted so far at this depth)."""
        if self.max_frontier is None:
            return False
        if self.shared is None:
            return kept + more > self.max_frontier
        return self.shared.add(self.run_index, 1 + self.depth, more) > self.max_frontier

    # ------------------------------------------------------------------ the walk
    def run(self, adopt: Adopt | None, adopt_limit: int, abandon: Callable[[], None] | None, workers: int,
            meanwhile: Callable[[], None] | None = None) -> None:
        result, skeleton, stepper = self.result, self.skeleton, self.stepper
        adopting = adopt is not None
        last_width = 1  # children stepped at the depth before (the opening: one)

        def stop_adopting() -> None:
            nonlocal adopting
            if adopting:
                adopting = False
                if abandon is not None:
                    abandon()

        while len(self.frontier) and result.complete:
            frontier, frontier_ids = self.frontier, self.frontier_ids
            counts = frontier.n_options.astype(np.int64)
            width = int(counts.sum())
            # Hand over only while the whole tree looks set to fit: past the limit, or still growing
            # fast enough that one more depth like this one would pass it (then the tree would be
            # let go anyway, after holding the most rows). A wrong guess costs time, never a result:
            # `analyse` grows a tree that fits by itself.
            # Once a depth is wide enough to share out, adopting also keeps the sweep in this one
            # process, so the guess looks two depths ahead (double_charge: it held 234,000 of its
            # 1.55 million prefixes before letting go; now 185,000, and it shares out a depth sooner).
            growth = width / max(1, last_width)
            ahead = 1 + growth + (growth * growth if workers > 1 and width >= SPLIT_WIDTH else 0.0)
            if adopting and (result.prefixes + width > adopt_limit
                             or (growth > 1 and result.prefixes + width * ahead > adopt_limit)):
                stop_adopting()
            last_width = width
            if workers > 1 and not adopting and width >= SPLIT_WIDTH and len(frontier) >= workers:
                if self._split(counts, workers, meanwhile):
                    return
                workers, meanwhile = 1, None  # not tried again: this process sweeps the rest
            self.depth = depth = self.depth + 1
            next_states: list[ConversationState] = []
            next_ids: list[np.ndarray] = []
            rows = np.repeat(np.arange(len(frontier)), counts)
            options = np.arange(width) - np.repeat(np.cumsum(counts) - counts, counts)
            kept = 0
            for start in range(0, len(rows), self.chunk):
                part_rows, part_options = rows[start:start + self.chunk], options[start:start + self.chunk]
                if self._over_limit(len(part_rows)):
                    result.complete, result.cut = False, "prefix limit"
                    break
                if self.deadline is not None and time.monotonic() > self.deadline:
                    result.complete, result.cut = False, "time budget"
                    break
                children = stepper.step_from(frontier, part_rows, part_options)  # no copy of the parents' rows
                ids = np.arange(self.next_id, self.next_id + len(part_rows), dtype=np.int64)
                self.next_id += len(part_rows)
                result.prefixes += len(part_rows)
                skeleton.add(depth, frontier_ids[part_rows], part_options)
                if adopting and not adopt(frontier_ids[part_rows], part_options, children):
                    stop_adopting()
                self.account(children, ids, depth)
                going = np.nonzero(~children.ended)[0]
                if self._too_wide(kept, len(going)):
                    result.complete, result.cut = False, "memory budget"
                    break
                kept += len(going)
                everyone = len(going) == len(children)
                next_states.append(children if everyone else children.take(going))
                next_ids.append(ids if everyone else ids[going])
            skeleton.close_depth(depth, self.next_id)
            if not result.complete:
                stop_adopting()
            self.frontier = frontier = None  # this depth is stepped: let it go before the next one is joined
            if not next_states:
                break
            columns = {}
            for name in STATE_FIELDS:  # field by field, each chunk's copy freed as it is joined
                parts = [getattr(b, name) for b in next_states]
                columns[name] = parts[0] if len(parts) == 1 else np.concatenate(parts)
                for b in next_states:
                    setattr(b, name, None)
            next_states.clear()
            self.frontier = ConversationState(**columns)
            self.frontier_ids = np.concatenate(next_ids)

    # ------------------------------------------------------------------ sharing the rest out
    def _split(self, counts: np.ndarray, workers: int, meanwhile: Callable[[], None] | None = None) -> bool:
        """Sweep the subtrees below the frontier in `workers` processes and take their findings
        in. False (nothing changed here) when that did not work out: fork unavailable, a
        process failed, or a limit was reached.

        The frontier is cut into RUNS_PER_WORKER runs of consecutive prefixes per process, and
        each process takes the next run not yet taken whenever it finishes one (`_RunQueue`),
        so none waits long for another: subtrees of the same width differ a lot in size. Cut
        into one run per process, third_call's two halves held 900,000 and 320,000 prefixes,
        and one process waited for the other most of the time."""
        pieces = max(workers, min(len(counts), workers * RUNS_PER_WORKER, _RunQueue.MOST - workers))
        if pieces + workers > _RunQueue.MOST:  # (thousands of processes: sharing out is no help then)
            return False
        ends = np.searchsorted(np.cumsum(counts), np.arange(1, pieces) * counts.sum() / pieces, side="right")
        ends = np.clip(ends, np.arange(1, pieces), len(counts) - np.arange(pieces - 1, 0, -1))  # a row each at least
        bounds = [int(b) for b in (0, *ends.tolist(), len(counts))]
        runs = [(lo, hi) for lo, hi in zip(bounds, bounds[1:]) if hi > lo]
        shared = SharedCounts(workers, 2 + TURN_LIMIT, start=self.result.prefixes)
        at_split = self._split_point()

        def one_run(lo: int, hi: int) -> _RunReport:  # (in a forked process: `self` is its own copy)
            self._resume(at_split)
            self.frontier = self.frontier.take(np.arange(lo, hi))
            self.frontier_ids = self.frontier_ids[lo:hi]
            self.run(None, 0, None, 1)
            return _RunReport(
                complete=self.result.complete, prefixes=self.result.prefixes, longest=self.result.longest,
                reached=self.reached_nodes, ending_counts=self.ending_counts, stop_counts=self.stop_counts,
                fewest=self.fewest, most=self.most,
                examples={key: (depth, self.skeleton.path(prefix, depth))
                          for key, (prefix, depth) in self.firsts.items() if depth > self.split_depth})

        def one_process(worker: int, queue: _RunQueue) -> list[tuple[int, _RunReport]]:
            self.shared, self.run_index, self.split_depth = shared, worker, self.depth
            done = []
            for index in queue:
                done.append((index, one_run(*runs[index])))
                if not done[-1][1].complete:  # a limit was reached: the whole split is given up
                    break
            return done

        try:
            queue = _RunQueue(len(runs), workers)
        except OSError:  # out of file descriptors: this process sweeps the rest
            return False
        with queue:
            dealt = run_forked([lambda worker=worker: one_process(worker, queue) for worker in range(workers)],
                               meanwhile)
        if dealt is None:
            return False
        reports: list[_RunReport | None] = [None] * len(runs)
        for index, report in (pair for done in dealt for pair in done):
            reports[index] = report
        if not all(report is not None and report.complete for report in reports):
            return False
        if shared.total(0) > self.limit or (self.max_frontier is not None and any(
                shared.total(1 + depth) > self.max_frontier for depth in range(TURN_LIMIT + 1))):
            return False  # (each process saw only part of the others' counts while it ran)
        self._take_in(reports)
        return True

    def _split_point(self) -> dict[str, Any]:
        """What each run of a split starts from: this sweep as it is at the split."""
        skeleton = self.skeleton
        return {"frontier": self.frontier, "frontier_ids": self.frontier_ids, "depth": self.depth,
                "next_id": self.next_id, "firsts": dict(self.firsts), "fewest": self.fewest.copy(),
                "most": self.most.copy(), "reached_nodes": self.reached_nodes.copy(),
                "ending_examples": set(self.ending_examples),
                "skeleton": (list(skeleton.offsets), [list(p) for p in skeleton.parents],
                             [list(c) for c in skeleton.choices])}

    def _resume(self, point: dict[str, Any]) -> None:
        """Start a run of a split from `point` (`_split_point`), as if no other run came first."""
        self.frontier, self.frontier_ids = point["frontier"], point["frontier_ids"]
        self.depth, self.next_id = point["depth"], point["next_id"]
        self.firsts, self.ending_examples = dict(point["firsts"]), set(point["ending_examples"])
        self.fewest, self.most = point["fewest"].copy(), point["most"].copy()
        self.reached_nodes = point["reached_nodes"].copy()
        offsets, parents, choices = point["skeleton"]
        self.skeleton.offsets = list(offsets)
        self.skeleton.parents = [list(p) for p in parents]
        self.skeleton.choices = [list(c) for c in choices]
        self.result = SweepResult(complete=True, prefixes=0)
        self.ending_counts = np.zeros_like(self.ending_counts)
        self.stop_counts = {}

    def _take_in(self, reports: list[_RunReport]) -> None:
        """Add the runs' findings to this sweep's: the first example of anything is the one at
        the smallest depth, then in the earliest run (the order one process meets them in)."""
        result = self.result
        best: dict[Key, tuple[Any, ...]] = {}
        for index, report in enumerate(reports):
            result.prefixes += report.prefixes
            result.longest = max(result.longest, report.longest)
            self.reached_nodes |= report.reached
            self.ending_counts += report.ending_counts
            for key, count in report.stop_counts.items():
                self.stop_counts[key] = self.stop_counts.get(key, 0) + count
            np.maximum(self.most, report.most, out=self.most)
            for key, (depth, path) in report.examples.items():
                # fewest chances: fewer first; anything else: found here first, or earlier there
                rank = (int(report.fewest[key[1]]) if key[0] == "fewest" else 0, depth, index)
                if key not in best or rank < best[key][0]:
                    best[key] = (rank, path)
        for key, (rank, path) in best.items():
            if key[0] == "fewest":
                if rank[0] < self.fewest[key[1]]:  # strictly fewer than what this process had
                    self.fewest[key[1]] = rank[0]
                    self.found[key] = path
            elif key not in self.firsts:
                self.found[key] = path

    # ------------------------------------------------------------------ the result
    def _example(self, key: Key) -> tuple[int, ...]:
        found = self.found.get(key)
        return found if found is not None else self.skeleton.path(*self.firsts[key])

    def summary(self) -> SweepResult:
        result, stepper = self.result, self.stepper
        result.reached |= {stepper.node_ids[i] for i in np.nonzero(self.reached_nodes)[0].tolist()}
        result.complete_paths = int(self.ending_counts.sum())
        for index, ending_id in enumerate(stepper.ending_ids):
            result.ending_paths[ending_id] = int(self.ending_counts[index])
            if ("ending", index) in self.firsts or ("ending", index) in self.found:
                result.reached.add(ending_id)
                result.ending_examples[ending_id] = self._example(("ending", index))
        for (loc, reason), count in sorted(self.stop_counts.items()):
            result.stops.append(Stop(stepper.node_ids[loc], REASONS[reason], count,
                                     self._example(("stop", (loc, reason)))))
        for s, skill in enumerate(SKILLS):
            if ("fewest", s) in self.firsts or ("fewest", s) in self.found:
                result.fewest_chances[skill] = (int(self.fewest[s]), self._example(("fewest", s)))
                result.most_chances[skill] = int(self.most[s])
        return result
