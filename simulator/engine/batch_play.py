"""Many play-throughs at once, scored: a prefix tree of conversations grown lazily in batches.

Every play-through is a path from the root of a tree whose nodes are *prefixes* (the choices
made so far). A prefix is stepped exactly once, however many play-throughs share it, and
all the prefixes one turn deeper are stepped together by `batch_step.Stepper` (the engine's
own batch mood arithmetic, one row per prefix) and scored together by the rubric's own rule
units (`rubric_rules.score_turn`, the code the session's tracker runs with n = 1), on a
rubric state kept per prefix (`rubric_rows.RubricRows`). The tests replay play-throughs
through `Session` and check outcome, overall, grade, skills and the final mood vector are
identical.

Seeded random play grows only the prefixes it visits; the scored exhaustive search and the
beam search in `analysis` grow the rest.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.analysis_budget import (DEFAULT_TREE_BYTES, GROWTH_SLACK, INITIAL_BYTES, BudgetExceeded,
                                              step_rows)
from simulator.engine.batch_step import BY_ENDING, NO_REPLY, REASONS, TURN_LIMIT_HIT, Stepper, skill_chances
from simulator.engine.compiled import CompiledScenario, compile_scenario
from simulator.engine.distinct import distinct
from simulator.engine.rubric import reply_facts
from simulator.engine.rubric_rows import NO_OUTCOME, ROW_FIELDS, RubricRows, fresh_rows, reply_table
from simulator.engine.rubric_rules import score_finish, score_turn, totals
from simulator.engine.state import STATE_FIELDS, ConversationState
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.model import SKILLS, Scenario

__all__ = ["PlayTree", "BY_ENDING", "NO_REPLY", "TURN_LIMIT_HIT", "REASONS", "skill_chances"]
_GROW = 2.0
# State fields only stepping a prefix further reads: kept, with the rubric state, only where a
# prefix may still grow (the `marked` rows); the reports and gates read the others.
GROWTH_FIELDS = ("uses", "visited", "grievance")
TREE_FIELDS = tuple(name for name in STATE_FIELDS if name not in GROWTH_FIELDS)


class PlayTree:
    """The prefix tree of a scenario's play-throughs. Tree node 0 is the opening.

    Arrays indexed by tree node id: every `ConversationState` field (`loc`, `mood`, `uses`, `depth`,
    `ending`, `ended`, `reason`, `outcome`, `n_options`, `option_reply`, `chances`, ...), plus
    `parent`, `choice` (0-based option taken from the parent), `children` (-1 = not grown
    yet) and, for ended nodes, `overall`, `grade` (index into `grade_letters`) and `skills`.
    """

    def __init__(self, scenario: Scenario, catalog: Catalog, compiled: CompiledScenario | None = None) -> None:
        self.scenario = scenario
        self.catalog = catalog
        self.compiled = compiled if compiled is not None else compile_scenario(scenario, catalog)
        self.stepper = stepper = Stepper(scenario, catalog, self.compiled)
        self.node_ids, self.ending_ids = stepper.node_ids, stepper.ending_ids
        self.replies, self.max_replies = stepper.replies, stepper.max_replies
        self.rubric = rubric = self.compiled.rubric
        self.grade_letters: tuple[str, ...] = tuple(letter for letter, _ in rubric.grades)
        # every reply of the scenario as one rubric table; reply_row[node, reply] is its row
        nodes = [scenario.nodes[node_id] for node_id in self.node_ids]
        self.reply_row = np.zeros((max(1, len(nodes)), self.max_replies), dtype=np.int64)
        facts = []
        for i, node in enumerate(nodes):
            for j, reply in enumerate(node.replies):
                self.reply_row[i, j] = len(facts)
                facts.append(reply_facts(node, reply, 0, False))
        self.table = reply_table(rubric.arrays, facts)
        # The memory budget (analysis_budget.Budget.tree_bytes). Every tree has one, so that no
        # caller can grow a tree past it by accident; `analyse` sets its own.
        self.max_bytes: int | None = DEFAULT_TREE_BYTES
        root = stepper.root()
        marks = fresh_rows(rubric.arrays, 1, rubric.pending_slots)
        row = (sum(getattr(root, name)[:1].nbytes for name in STATE_FIELDS) + 8 * self.max_replies + 40
               + sum(getattr(marks, name)[:1].nbytes for name in ROW_FIELDS))
        self._first_capacity = max(16, min(1024, INITIAL_BYTES // row))  # wide nodes: fewer rows up front
        self._allocate(root, marks, self._first_capacity)
        self._store(0, root, marks)
        self.size = 1
        self._unscored = 0  # adopted prefixes below this id are not scored yet (see adopt)
        if root.ended[0]:  # Session.__init__: no reply at the start ends it at once
            self._finish(np.array([0]), marks, root.outcome[:1])

    # ------------------------------------------------------------------ storage
    def _allocate(self, like: ConversationState, marks: RubricRows, capacity: int) -> None:
        self.size = 0
        self.capacity = capacity
        for name in TREE_FIELDS:
            sample = getattr(like, name)
            setattr(self, name, np.zeros((capacity, *sample.shape[1:]), dtype=sample.dtype))
        # What a prefix needs to grow further - its rubric state and GROWTH_FIELDS - lives in
        # arrays of its own: a tree that took its states over from the sweep is scored a depth
        # at a time and keeps none (`marked` says which rows hold it; a missing one is rebuilt
        # by playing the path again).
        self.marks = marks.take(np.zeros(capacity, dtype=np.int64))
        self.growth = {name: np.zeros((capacity, *getattr(like, name).shape[1:]), dtype=getattr(like, name).dtype)
                       for name in GROWTH_FIELDS}
        self.marks_capacity = capacity
        self.marked = np.zeros(capacity, dtype=bool)
        self.parent = np.full(capacity, -1, dtype=np.int32)
        self.choice = np.full(capacity, -1, dtype=np.int16)
        self.children = np.full((capacity, self.max_replies), -1, dtype=np.int32)
        self.overall = np.zeros(capacity, dtype=np.float64)
        self.grade = np.zeros(capacity, dtype=np.int8)
        self.skills = np.zeros((capacity, len(SKILLS)), dtype=np.int16)
        self._arrays = (*TREE_FIELDS, "marked", "parent", "choice", "children", "overall", "grade", "skills")
        self.state_bytes = sum(getattr(self, name)[:1].nbytes for name in self._arrays)
        self.mark_bytes = (sum(getattr(self.marks, name)[:1].nbytes for name in ROW_FIELDS)
                           + sum(array[:1].nbytes for array in self.growth.values()))
        self.row_bytes = self.state_bytes + self.mark_bytes

    def _reserve(self, extra: int, *, marks: bool = True) -> None:
        """Room for `extra` more prefixes (and what they need to grow, unless `marks` is
        False); BudgetExceeded (nothing changed) past `max_bytes`.

        The budget covers the arrays, the rubric state's among them, with the copy growing makes."""
        needed = self.size + extra
        marked_rows = needed if marks else self.marks_capacity
        if self.max_bytes is not None:
            room = self.max_bytes / GROWTH_SLACK - marked_rows * self.mark_bytes
            most = int(room / self.state_bytes)
            if needed > most:
                raise BudgetExceeded(f"{needed:,} prefixes needed, the memory budget allows {max(most, 0):,}")
        if needed > self.capacity:
            capacity = max(needed, int(self.capacity * _GROW))
            if self.max_bytes is not None:
                capacity = min(capacity, max(needed, most))
            for name in self._arrays:
                old = getattr(self, name)
                # zeros come from the OS untouched (calloc): only the -1 columns are written out
                if name in ("parent", "choice", "children"):
                    new = np.empty((capacity, *old.shape[1:]), dtype=old.dtype)
                    new[self.size:] = -1
                else:
                    new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
                new[:self.size] = old[:self.size]
                setattr(self, name, new)
            self.capacity = capacity
        if marks and needed > self.marks_capacity:
            capacity = max(needed, min(self.capacity, int(self.marks_capacity * _GROW)))
            for name in ROW_FIELDS:
                old = getattr(self.marks, name)
                new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
                new[:self.marks_capacity] = old
                setattr(self.marks, name, new)
            for name, old in self.growth.items():
                new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
                new[:self.marks_capacity] = old
                self.growth[name] = new
            self.marks_capacity = capacity

    def _store(self, first: int, batch: ConversationState, marks: RubricRows) -> None:
        """Write the batch's rows as tree nodes first, first + 1, ... (a slice: no index array)."""
        rows = slice(first, first + len(batch))
        for name in TREE_FIELDS:
            getattr(self, name)[rows] = getattr(batch, name)
        for name, array in self.growth.items():
            array[rows] = getattr(batch, name)
        self.marks.put(rows, marks)
        self.marked[rows] = True

    def _rebuild(self, ids: np.ndarray) -> None:
        """Give these prefixes what they need to grow again, by playing their paths from the
        opening: the engine's own step and rubric, so it is what growing them stored."""
        missing = distinct(ids[~self.marked[ids]])
        if not missing.size:
            return
        self._reserve(0)
        for tree_node in missing.tolist():
            chain = self.path_nodes(tree_node)
            state, marks = self.stepper.root(), self.marks.take(np.array([0]))
            for parent, child in zip(chain, chain[1:]):
                state = self.stepper.step(state, self.choice[child:child + 1].astype(np.int64))
                self._score_turn(marks, self.loc[parent:parent + 1], state.reply, state.depth, state.ended)
            for name, array in self.growth.items():
                array[tree_node] = getattr(state, name)[0]
            self.marks.put(np.array([tree_node]), marks)
            self.marked[tree_node] = True

    def _marks_of(self, ids: np.ndarray) -> RubricRows:
        """The rubric state after these prefixes (rebuilt where the tree keeps none)."""
        self._rebuild(ids)
        return self.marks.take(ids)

    def truncate(self, size: int) -> None:
        """Forget every prefix grown after the first `size` (to free room for a smaller retry)."""
        if size >= self.size:
            return
        dropped = np.arange(size, self.size)
        self.children[self.parent[dropped], self.choice[dropped]] = -1
        self.children[dropped] = -1  # the rows are reused: no stale child pointers
        self.parent[dropped], self.choice[dropped] = -1, -1
        self.size = size

    def states(self, ids: np.ndarray) -> ConversationState:
        """The conversation states of these tree nodes, as a ConversationState (copies)."""
        self._rebuild(ids)
        fields = {name: getattr(self, name).take(ids, axis=0) for name in TREE_FIELDS}
        fields.update({name: array.take(ids, axis=0) for name, array in self.growth.items()})
        return ConversationState(**{name: fields[name] for name in STATE_FIELDS})

    # ------------------------------------------------------------------ growing
    def grow(self, parents: np.ndarray, choices: np.ndarray) -> np.ndarray:
        """Step each (parent, 0-based option) pair once; returns the new tree node ids.

        Pairs must be distinct, not yet grown, with parents that have not ended. Large
        batches are stepped in slices (`analysis_budget.step_rows`) so a step's temporaries
        stay small however wide the nodes are; the ids come out in the same order.
        """
        parents = np.asarray(parents, dtype=np.int64)
        choices = np.asarray(choices, dtype=np.int64)
        piece = step_rows(self.max_replies)
        if len(parents) > piece:
            self._reserve(len(parents))  # all or nothing: refuse before stepping any slice
            return np.concatenate([self._grow(parents[i:i + piece], choices[i:i + piece])
                                   for i in range(0, len(parents), piece)])
        return self._grow(parents, choices)

    def _grow(self, parents: np.ndarray, choices: np.ndarray) -> np.ndarray:
        n = len(parents)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        self._reserve(n)  # first: a refusal leaves the tree as it was
        child = self.stepper.step(self.states(parents), choices)
        marks = self._marks_of(parents)
        self._score_turn(marks, self.loc[parents], child.reply, child.depth, child.ended)
        ids = np.arange(self.size, self.size + n, dtype=np.int64)
        self.size += n
        self._store(int(ids[0]), child, marks)
        self.parent[ids] = parents
        self.choice[ids] = choices
        self.children[parents, choices] = ids
        ended = np.nonzero(child.ended)[0]
        if ended.size:
            self._finish(ids[ended], marks.take(ended), child.outcome[ended])
        return ids

    def _score_turn(self, marks: RubricRows, at: np.ndarray, reply: np.ndarray, turn: np.ndarray,
                    ended: np.ndarray) -> None:
        """The rubric's turn for each row: reply index `reply` taken at node `at`, as turn
        `turn`, ending the conversation where `ended`."""
        score_turn(self.rubric, marks, self.table, self.reply_row[at, reply], turn.astype(np.int64), ended)

    def _finish(self, ids: np.ndarray, marks: RubricRows, outcome: np.ndarray) -> None:
        """Score the prefixes that ended (ids), from their rubric state (marks, one row each;
        changed in place). What the tree keeps of an ended prefix is its scores: it never grows."""
        outcome = outcome.astype(np.int64)
        score_finish(self.rubric, marks, outcome)
        overall, _, grade, skills, _ = totals(self.rubric, marks, outcome)
        self.overall[ids] = overall
        self.grade[ids] = grade
        self.skills[ids] = skills

    # ------------------------------------------------------------------ taking over a sweep
    def adopt(self, parents: np.ndarray, choices: np.ndarray, children: ConversationState) -> bool:
        """Take over states the sweep stepped (`play_sweep.sweep(adopt=...)`): the children of
        (parent, option) pairs, in the sweep's id order, which is then this tree's. They are
        scored later, all at once (`score_adopted`), so a sweep that outgrows the tree has
        cost no rubric work. False (nothing stored) when the memory budget has no room."""
        n = len(parents)
        try:
            self._reserve(n, marks=False)
        except BudgetExceeded:
            return False
        first = self.size
        ids = np.arange(first, first + n, dtype=np.int64)
        self.size += n
        rows = slice(first, first + n)  # (new ids are consecutive: a slice copies rows without an index)
        for name in TREE_FIELDS:
            getattr(self, name)[rows] = getattr(children, name)
        self.parent[rows] = parents
        self.choice[rows] = choices
        self.children[parents, choices] = ids
        self.marked[rows] = False
        self._unscored = max(self._unscored, self.size)
        return True

    def forget_adopted(self) -> None:
        """The sweep outgrew the tree: back to the opening alone, and the room given back."""
        self._unscored = 0
        self.truncate(1)
        keep = min(self.capacity, self._first_capacity)
        for name in self._arrays:
            setattr(self, name, getattr(self, name)[:keep].copy())
        self.capacity = keep

    def score_adopted(self) -> None:
        """Score every adopted prefix, one depth at a time (ids are breadth first): each depth's
        rubric state is made from the one before and then let go, so the rubric costs one
        depth of rows in memory; the tree keeps the scores of the prefixes that ended."""
        start, end = 1, self._unscored
        self._unscored = 0
        before, before_start = self.marks.take(np.array([0])), 0
        piece = step_rows(self.max_replies)
        while start < end:
            depth = self.depth[start]
            stop = start + int(np.searchsorted(self.depth[start:end], depth, side="right"))
            pieces = []
            for first in range(start, stop, piece):  # (a piece at a time: see CACHE_ROWS)
                ids = np.arange(first, min(stop, first + piece), dtype=np.int64)
                parents = self.parent[ids].astype(np.int64)
                marks = before.take(parents - before_start)
                self._score_turn(marks, self.loc[parents], self.reply[ids], self.depth[ids], self.ended[ids])
                ended = np.nonzero(self.ended[ids])[0]
                if ended.size:
                    self._finish(ids[ended], marks.take(ended), self.outcome[ids[ended]])
                pieces.append(marks)
            before, before_start = pieces[0] if len(pieces) == 1 else join_rows(pieces), start
            start = stop

    def provisional_overall(self, tree_node: int) -> float:
        """The overall score so far of an unfinished prefix (no ending rules applied)."""
        return float(self.provisional_overalls(np.array([tree_node]))[0])

    def provisional_overalls(self, ids: np.ndarray) -> np.ndarray:
        """`provisional_overall` of many prefixes at once."""
        return totals(self.rubric, self._marks_of(ids), np.full(len(ids), NO_OUTCOME))[0]

    def follow(self, choices) -> int:
        """The tree node reached by these 0-based choices from the opening, grown as needed."""
        node = 0
        for choice in choices:
            child = int(self.children[node, choice])
            if child < 0:
                child = int(self.grow(np.array([node]), np.array([choice]))[0])
            node = child
        return node

    # ------------------------------------------------------------------ reading paths
    def path(self, tree_node: int) -> list[int]:
        """The 0-based choices from the opening to this tree node."""
        choices = []
        while tree_node > 0:
            choices.append(int(self.choice[tree_node]))
            tree_node = int(self.parent[tree_node])
        return choices[::-1]

    def path_nodes(self, tree_node: int) -> list[int]:
        """Tree node ids from the root to this one (inclusive)."""
        chain = [tree_node]
        while tree_node > 0:
            tree_node = int(self.parent[tree_node])
            chain.append(tree_node)
        return chain[::-1]

    def frontier_children(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All (parent, option) pairs under `ids` (unended) that are not grown yet."""
        ids = ids[~self.ended[ids]]
        counts = self.n_options[ids].astype(np.int64)
        parents = np.repeat(ids, counts)
        starts = np.cumsum(counts) - counts
        options = np.arange(counts.sum()) - np.repeat(starts, counts)
        missing = self.children[parents, options] < 0
        return parents[missing], options[missing]

    def leaves(self) -> np.ndarray:
        """Ids of every grown tree node where the conversation ended."""
        return np.nonzero(self.ended[:self.size])[0]


def join_rows(parts: list[RubricRows]) -> RubricRows:
    """The rows of `parts`, one after another, as one rubric state."""
    return RubricRows(**{name: np.concatenate([getattr(p, name) for p in parts]) for name in ROW_FIELDS})
