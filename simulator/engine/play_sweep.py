"""Every play-through of a scenario, without scoring: the proofs behind the quality gates.

Which nodes and endings play can reach, where the engine has to stop a conversation, and
how few chances to show each skill some complete path offers are questions about *all*
play-throughs, but none of them needs the rubric. So the sweep walks the whole tree of
play-throughs breadth first with `batch_step.Stepper` alone (several times faster than the
scored tree), keeping only the current depth's conversation states plus a (parent, choice)
pair per prefix to spell out example paths. Memory stays small however large the tree.

Order matters for the examples: each depth is kept in lexicographic order of choices, so
the first example found of anything is the shortest one with the smallest choice numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from simulator.engine.analysis_budget import step_rows
from simulator.engine.batch_step import BATCH_FIELDS, BY_ENDING, REASONS, Batch, Stepper
from simulator.scenario.model import SKILLS


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


Adopt = Callable[[np.ndarray, np.ndarray, Batch], bool]


def sweep(stepper: Stepper, limit: int, *, max_frontier: int | None = None,
          deadline: float | None = None, adopt: Adopt | None = None, adopt_limit: int = 0,
          abandon: Callable[[], None] | None = None) -> SweepResult:
    """Enumerate every play-through (up to `limit` prefixes) and summarise what play can do.

    `max_frontier` bounds the unfinished prefixes kept for the next depth (memory) and
    `deadline` (a `time.monotonic()` value) the time; past either, or past `limit`, the result
    is not complete and `cut` says why. Chunks are never larger than the frontier bound.

    `adopt(parent ids, options, children)` is handed every stepped chunk, in id order, while
    the whole tree so far fits `adopt_limit` prefixes (the scored tree takes the states over
    instead of stepping them again); before the first depth that would not fit, or when it
    returns False (no room), `abandon()` is called once and nothing more is handed over."""
    chunk = step_rows(stepper.max_replies)  # children stepped at once: bounds memory on very wide depths
    if max_frontier is not None:
        chunk = max(1, min(chunk, max_frontier))
    root = stepper.root()
    result = SweepResult(complete=True)
    result.reached.add(stepper.node_ids[int(root.loc[0])])
    skeleton = _Skeleton()
    firsts: dict = {}  # what -> (global id, depth) of its first example
    fewest = np.full(len(SKILLS), np.iinfo(np.int32).max, dtype=np.int64)
    most = np.zeros(len(SKILLS), dtype=np.int64)
    ending_counts = np.zeros(len(stepper.ending_ids), dtype=np.int64)
    stop_counts: dict[tuple[int, int], int] = {}
    reached_nodes = np.zeros(len(stepper.node_ids), dtype=bool)
    ending_examples: set[int] = set()  # endings whose first example is in `firsts`

    def account(batch: Batch, ids: np.ndarray, depth: int) -> None:
        reached_nodes[batch.loc] = True  # (repeated indices: the same True, no sort needed)
        ended = np.nonzero(batch.ended)[0]
        if not ended.size:
            return
        result.longest = max(result.longest, depth)
        by_ending = ended[batch.reason[ended] == BY_ENDING]
        if by_ending.size:
            endings = batch.ending[by_ending]
            ending_counts[:] += np.bincount(endings, minlength=len(stepper.ending_ids))
            if len(ending_examples) < len(stepper.ending_ids):  # (once each has its first, none is asked again)
                for value, first in zip(*np.unique(endings, return_index=True)):
                    if int(value) not in ending_examples:
                        ending_examples.add(int(value))
                        firsts[("ending", int(value))] = (int(ids[by_ending[first]]), depth)
            chances = batch.chances.take(by_ending, axis=0)
            low = chances.min(axis=0).tolist()
            for s in range(len(SKILLS)):
                if low[s] < fewest[s]:  # strictly fewer: earlier ties stay (shorter / smaller choices)
                    fewest[s] = low[s]
                    firsts[("fewest", s)] = (int(ids[by_ending[np.argmax(chances[:, s] == low[s])]]), depth)
            np.maximum(most, chances.max(axis=0), out=most)
        stopped = ended[batch.reason[ended] != BY_ENDING]
        if stopped.size:  # counted per (node, reason); the first of each, in id order, is its example
            keys = batch.loc[stopped].astype(np.int64) * len(REASONS) + batch.reason[stopped]
            values, first, counts = np.unique(keys, return_index=True, return_counts=True)
            for value, k, count in zip(values.tolist(), first.tolist(), counts.tolist()):
                key = (value // len(REASONS), value % len(REASONS))
                stop_counts[key] = stop_counts.get(key, 0) + count
                firsts.setdefault(("stop", key), (int(ids[stopped[k]]), depth))

    if root.ended[0]:
        account(root, np.array([0]), 0)
    frontier, frontier_ids, depth, next_id = root, np.array([0], dtype=np.int64), 0, 1
    adopting = adopt is not None
    last_width = 1  # children stepped at the depth before (the opening: one)

    def stop_adopting() -> None:
        nonlocal adopting
        if adopting:
            adopting = False
            if abandon is not None:
                abandon()

    while len(frontier) and result.complete:
        depth += 1
        next_states: list[Batch] = []
        next_ids: list[np.ndarray] = []
        counts = frontier.n_options.astype(np.int64)
        width = int(counts.sum())
        # Hand over only while the whole tree looks set to fit: past the limit, or still growing
        # fast enough that one more depth like this one would pass it (then the tree would be
        # let go anyway, after holding the most rows). A wrong guess costs time, never a result:
        # `analyse` grows a tree that fits by itself.
        growth = width / max(1, last_width)
        if adopting and (result.prefixes + width > adopt_limit
                         or (growth > 1 and result.prefixes + width * (1 + growth) > adopt_limit)):
            stop_adopting()
        last_width = width
        rows = np.repeat(np.arange(len(frontier)), counts)
        options = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        kept = 0
        for start in range(0, len(rows), chunk):
            part_rows, part_options = rows[start:start + chunk], options[start:start + chunk]
            if result.prefixes + len(part_rows) > limit:
                result.complete, result.cut = False, "prefix limit"
                break
            if deadline is not None and time.monotonic() > deadline:
                result.complete, result.cut = False, "time budget"
                break
            children = stepper.step_from(frontier, part_rows, part_options)  # no copy of the parents' rows
            ids = np.arange(next_id, next_id + len(part_rows), dtype=np.int64)
            next_id += len(part_rows)
            result.prefixes += len(part_rows)
            skeleton.add(depth, frontier_ids[part_rows], part_options)
            if adopting and not adopt(frontier_ids[part_rows], part_options, children):
                stop_adopting()
            account(children, ids, depth)
            going = np.nonzero(~children.ended)[0]
            kept += len(going)
            if max_frontier is not None and kept > max_frontier:
                result.complete, result.cut = False, "memory budget"
                break
            everyone = len(going) == len(children)
            next_states.append(children if everyone else children.take(going))
            next_ids.append(ids if everyone else ids[going])
        skeleton.close_depth(depth, next_id)
        if not result.complete:
            stop_adopting()
        if next_states:
            frontier = None  # this depth is stepped: let it go before the next one is joined
            columns = {}
            for name in BATCH_FIELDS:  # field by field, each chunk's copy freed as it is joined
                columns[name] = np.concatenate([getattr(b, name) for b in next_states])
                for b in next_states:
                    setattr(b, name, None)
            next_states.clear()
            frontier = Batch(**columns)
            frontier_ids = np.concatenate(next_ids)
        else:
            break

    result.reached |= {stepper.node_ids[i] for i in np.nonzero(reached_nodes)[0].tolist()}
    result.complete_paths = int(ending_counts.sum())
    for index, ending_id in enumerate(stepper.ending_ids):
        result.ending_paths[ending_id] = int(ending_counts[index])
        if ("ending", index) in firsts:
            result.reached.add(ending_id)
            result.ending_examples[ending_id] = skeleton.path(*firsts[("ending", index)])
    for (loc, reason), count in sorted(stop_counts.items()):
        result.stops.append(Stop(stepper.node_ids[loc], REASONS[reason], count,
                                 skeleton.path(*firsts[("stop", (loc, reason))])))
    for s, skill in enumerate(SKILLS):
        if ("fewest", s) in firsts:
            result.fewest_chances[skill] = (int(fewest[s]), skeleton.path(*firsts[("fewest", s)]))
            result.most_chances[skill] = int(most[s])
    return result
