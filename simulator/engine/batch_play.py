"""Many play-throughs at once: a prefix tree of conversations, grown lazily in batches.

Every play-through is a path from the root of a tree whose nodes are *prefixes* (the choices
made so far). A prefix is stepped exactly once, however many play-throughs share it, and
all the prefixes one turn deeper are stepped together: the mood arithmetic goes through the
engine's own batch functions (`mood.reply_effect`, `mood.advance`, `mood.expression_index`,
`mood.within`), one row per prefix, which ENGINE guarantees are byte-identical to the
session's one-row calls. Conditions and triggers are evaluated on those arrays with the same
inclusive bounds as `conditions.holds`; the score comes from the engine's own
`RubricTracker`, one per prefix. The test suite replays play-throughs through `Session` and
checks outcome, overall and grade are identical.

The tree is what both the exhaustive search and seeded random play in `analysis` walk:
random play only grows the prefixes it visits; the search grows all of them.

Mirrors `Session.choose` step for step (see session.py): mood step -> uses/grievance ->
turn += 1 -> first trigger that holds (visited = before entering the target) -> ending, or
enter the node (visited += node; no reply shown -> unresolved; turn limit -> unresolved) ->
rubric add_turn (+ finish when ended).
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from simulator.engine import mood as mood_model
from simulator.engine.compiled import CompiledScenario, compile_scenario
from simulator.engine.conditions import CompiledCondition
from simulator.engine.rubric import RubricTracker, TurnFacts
from simulator.engine.session import TURN_LIMIT, UNRESOLVED
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.model import OUTCOMES, SKILLS, Scenario

# Why a play-through ended: at an ending the author wrote, or because the engine stopped it.
BY_ENDING, NO_REPLY, TURN_LIMIT_HIT = 0, 1, 2
REASONS = ("ending", "no reply available", f"{TURN_LIMIT}-turn limit")
_GROW = 2.0


class PlayTree:
    """The prefix tree of a scenario's play-throughs. Tree node 0 is the opening.

    Per tree node (arrays indexed by tree node id): `parent`, `choice` (0-based option index
    taken from the parent), `depth` (turns taken), `loc` (index into `node_ids`: the node on
    screen, or the node the engine stopped at), `ending` (index into `ending_ids`, -1 when
    none), `ended`, `reason`, `outcome` (index into OUTCOMES), `overall`, `grade` (index into
    `grade_letters`), `skills` (ended nodes), `n_options` and `option_reply` (shown options ->
    reply index), `children` (-1 = not grown yet) and `chances` (per skill, how many turns so
    far offered a chance to show it; see `skill_chances`).
    """

    def __init__(self, scenario: Scenario, catalog: Catalog, compiled: CompiledScenario | None = None) -> None:
        self.scenario = scenario
        self.catalog = catalog
        self.compiled = compiled if compiled is not None else compile_scenario(scenario, catalog)
        model = self.model = self.compiled.mood
        self.node_ids: tuple[str, ...] = tuple(scenario.nodes)
        self.ending_ids: tuple[str, ...] = tuple(scenario.endings)
        self.node_index = {node_id: i for i, node_id in enumerate(self.node_ids)}
        self.ending_index = {ending_id: i for i, ending_id in enumerate(self.ending_ids)}
        self.grade_letters: tuple[str, ...] = tuple(letter for letter, _ in self.compiled.rubric.grades)
        self._grade_of = {letter: i for i, letter in enumerate(self.grade_letters)}
        self._compile_tables(scenario, model)
        self._allocate(1024)
        self._trackers: dict[int, RubricTracker] = {}
        self._chance_memo: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}
        self._make_root()

    # ------------------------------------------------------------------ compiled tables
    def _compile_tables(self, scenario: Scenario, model: mood_model.MoodModel) -> None:
        nodes = list(scenario.nodes.values())
        self.replies = [node.replies for node in nodes]
        self.max_replies = max(1, max((len(r) for r in self.replies), default=1))
        creplies = [self.compiled.replies[node.id] for node in nodes]
        width = max(1, max((len(c.rows) for cs in creplies for c in cs if not c.explicit), default=1))
        n_nodes, dims, n_rows = len(nodes), len(model.dimensions), len(model.acts) + 1
        self.reply_rows = np.full((n_nodes, self.max_replies, width), model.pad_row, dtype=np.intp)
        self.reply_base = np.zeros((n_nodes, self.max_replies, dims))
        self.reply_progress = np.zeros((n_nodes, self.max_replies), dtype=bool)
        self.reply_resolves = np.zeros((n_nodes, self.max_replies), dtype=bool)
        self.reply_uses = np.zeros((n_nodes, self.max_replies, n_rows), dtype=np.int32)
        self.reply_next = np.zeros((n_nodes, self.max_replies), dtype=np.int64)
        for i, cs in enumerate(creplies):
            for j, creply in enumerate(cs):
                if not creply.explicit and creply.rows:  # the session pads explicit replies to one zero row
                    self.reply_rows[i, j, :len(creply.rows)] = creply.rows
                self.reply_base[i, j] = creply.base
                self.reply_progress[i, j] = creply.progress
                self.reply_resolves[i, j] = creply.resolves
                for row in creply.rows:
                    self.reply_uses[i, j, row] += 1
                self.reply_next[i, j] = self._code(self.replies[i][j].next)
        self.conditions = [self.compiled.conditions[node.id] for node in nodes]
        self.triggers = [(condition, self._code(goto)) for condition, goto in self.compiled.triggers]
        self.ending_outcome = np.array([OUTCOMES.index(e.outcome) if e.outcome in OUTCOMES
                                        else OUTCOMES.index(UNRESOLVED) for e in scenario.endings.values()],
                                       dtype=np.int8)
        self._reply_skill_sets = [[_skill_sets(reply, self.catalog) for reply in replies]
                                  for replies in self.replies]

    def _code(self, target: str) -> int:
        """Node index (>= 0) or -1 - ending index; unknown ids cannot pass the loader."""
        if target in self.node_index:
            return self.node_index[target]
        if target in self.ending_index:
            return -1 - self.ending_index[target]
        raise ValueError(f"unknown node or ending {target!r}")

    # ------------------------------------------------------------------ storage
    def _allocate(self, capacity: int) -> None:
        model, n_nodes = self.model, len(self.node_ids)
        self.size = 0
        self.capacity = capacity
        self.parent = np.full(capacity, -1, dtype=np.int64)
        self.choice = np.full(capacity, -1, dtype=np.int16)
        self.depth = np.zeros(capacity, dtype=np.int16)
        self.loc = np.zeros(capacity, dtype=np.int32)
        self.ending = np.full(capacity, -1, dtype=np.int32)
        self.ended = np.zeros(capacity, dtype=bool)
        self.reason = np.zeros(capacity, dtype=np.int8)
        self.outcome = np.zeros(capacity, dtype=np.int8)
        self.overall = np.zeros(capacity, dtype=np.float64)
        self.grade = np.zeros(capacity, dtype=np.int8)
        self.skills = np.zeros((capacity, len(SKILLS)), dtype=np.int16)
        self.mood = np.zeros((capacity, len(model.dimensions)), dtype=np.float64)
        self.uses = np.zeros((capacity, len(model.acts) + 1), dtype=np.int32)
        self.grievance = np.zeros(capacity, dtype=bool)
        self.visited = np.zeros((capacity, max(1, n_nodes)), dtype=bool)
        self.n_options = np.zeros(capacity, dtype=np.int16)
        self.option_reply = np.full((capacity, self.max_replies), -1, dtype=np.int16)
        self.children = np.full((capacity, self.max_replies), -1, dtype=np.int64)
        self.chances = np.zeros((capacity, len(SKILLS)), dtype=np.int16)
        self._arrays = ("parent", "choice", "depth", "loc", "ending", "ended", "reason", "outcome", "overall",
                        "grade", "skills", "mood", "uses", "grievance", "visited", "n_options", "option_reply",
                        "children", "chances")

    def _reserve(self, extra: int) -> None:
        needed = self.size + extra
        if needed <= self.capacity:
            return
        capacity = max(needed, int(self.capacity * _GROW))
        for name in self._arrays:
            old = getattr(self, name)
            fill = -1 if name in ("parent", "choice", "ending", "option_reply", "children") else 0
            new = np.full((capacity, *old.shape[1:]), fill, dtype=old.dtype)
            new[:self.size] = old[:self.size]
            setattr(self, name, new)
        self.capacity = capacity

    # ------------------------------------------------------------------ the opening
    def _make_root(self) -> None:
        model, scenario = self.model, self.scenario
        self._reserve(1)
        self.size = 1
        start = self.node_index[scenario.start]
        self.loc[0] = start
        self.mood[0] = model.start
        self.grievance[0] = True
        self.visited[0, start] = True
        self._set_options(np.array([0]))
        tracker = self.compiled.rubric.tracker()
        if self.n_options[0] == 0:  # Session.__init__: no reply at the start ends it at once
            self.ended[0], self.reason[0] = True, NO_REPLY
            self.outcome[0] = OUTCOMES.index(UNRESOLVED)
            tracker.finish(UNRESOLVED)
            self._score(0, tracker, UNRESOLVED)
        else:
            self._trackers[0] = tracker

    # ------------------------------------------------------------------ growing
    def grow(self, parents: np.ndarray, choices: np.ndarray) -> np.ndarray:
        """Step each (parent, 0-based option) pair once; returns the new tree node ids.

        Pairs must be distinct, not yet grown, with parents that have not ended.
        """
        parents = np.asarray(parents, dtype=np.int64)
        choices = np.asarray(choices, dtype=np.int64)
        n = len(parents)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        model = self.model
        self._reserve(n)
        ids = np.arange(self.size, self.size + n, dtype=np.int64)
        self.size += n

        at = self.loc[parents]
        reply = self.option_reply[parents, choices].astype(np.int64)
        rows = self.reply_rows[at, reply]
        counts = self.uses[parents[:, None], rows]
        effect = mood_model.reply_effect(model, self.reply_base[at, reply], rows, counts)
        new_mood = mood_model.advance(model, self.mood[parents], self.grievance[parents], effect,
                                      self.reply_progress[at, reply])
        self.mood[ids] = new_mood
        self.uses[ids] = self.uses[parents] + self.reply_uses[at, reply]
        self.grievance[ids] = self.grievance[parents] & ~self.reply_resolves[at, reply]
        depth = self.depth[parents] + 1
        self.depth[ids] = depth
        self.parent[ids] = parents
        self.choice[ids] = choices
        self.children[parents, choices] = ids

        # the first trigger that holds, judged before the target is entered (as the session does)
        target = self.reply_next[at, reply].copy()
        if self.triggers:
            expression = mood_model.expression_index(model, new_mood)
            used = self.uses[ids] > 0
            undecided = np.ones(n, dtype=bool)
            for condition, goto in self.triggers:
                hit = undecided & self._holds(condition, new_mood, expression, self.visited[parents], used)
                target[hit] = goto
                undecided &= ~hit
        self.visited[ids] = self.visited[parents]
        to_node = target >= 0
        node_ids = ids[to_node]
        self.visited[node_ids, target[to_node]] = True
        self.loc[ids] = np.where(to_node, target, at)
        ending = np.where(to_node, -1, -1 - target)
        self.ending[ids] = ending
        self.ended[ids] = ~to_node
        self.reason[ids] = BY_ENDING
        self.outcome[ids[~to_node]] = self.ending_outcome[ending[~to_node]]
        if node_ids.size:
            self._set_options(node_ids)
            stuck = node_ids[self.n_options[node_ids] == 0]
            self.ended[stuck], self.reason[stuck] = True, NO_REPLY
            long = node_ids[(self.n_options[node_ids] > 0) & (self.depth[node_ids] >= TURN_LIMIT)]
            self.ended[long], self.reason[long] = True, TURN_LIMIT_HIT
            self.outcome[np.concatenate([stuck, long])] = OUTCOMES.index(UNRESOLVED)
        self.chances[ids] = self.chances[parents] + self._screen_chances(parents)

        self._score_turns(ids, parents, at, reply, depth)
        for parent in np.unique(parents).tolist():
            if (self.children[parent, :self.n_options[parent]] >= 0).all():
                self._trackers.pop(parent, None)  # every child has its own copy now
        return ids

    def _score_turns(self, ids, parents, at, reply, depth) -> None:
        """The rubric, one prefix at a time, through the engine's own tracker."""
        ended = self.ended[ids].tolist()
        outcome = self.outcome[ids].tolist()
        for k, (child, parent, node, r, turn) in enumerate(zip(ids.tolist(), parents.tolist(), at.tolist(),
                                                                reply.tolist(), depth.tolist())):
            tracker = _clone(self._tracker_for(parent))
            spec = self.replies[node][r]
            tracker.add_turn(TurnFacts(turn=turn, acts=spec.acts, reply_text=spec.text, skills=spec.skills,
                                       note=spec.note, ends=ended[k]))
            if ended[k]:
                name = OUTCOMES[outcome[k]]
                tracker.finish(name)
                self._score(child, tracker, name)
            else:
                self._trackers[child] = tracker

    def _score(self, tree_node: int, tracker: RubricTracker, outcome: str) -> None:
        card = tracker.scorecard(outcome)
        self.overall[tree_node] = card.overall
        self.grade[tree_node] = self._grade_of[card.grade]
        self.skills[tree_node] = [card.skills[s] for s in SKILLS]

    def _tracker_for(self, tree_node: int) -> RubricTracker:
        """The rubric state after this prefix (rebuilt from the path if it was dropped)."""
        tracker = self._trackers.get(tree_node)
        if tracker is not None:
            return tracker
        tracker = self.compiled.rubric.tracker()
        for turn, (node, r) in enumerate(self.path_replies(tree_node), start=1):
            spec = self.replies[node][r]
            tracker.add_turn(TurnFacts(turn=turn, acts=spec.acts, reply_text=spec.text, skills=spec.skills,
                                       note=spec.note, ends=False))
        self._trackers[tree_node] = tracker
        return tracker

    # ------------------------------------------------------------------ conditions
    def _holds(self, condition: CompiledCondition, moods: np.ndarray, expression: np.ndarray,
               visited: np.ndarray, used: np.ndarray) -> np.ndarray:
        """`conditions.holds` for a batch: moods (n, dims), expression (n,) label indices,
        visited (n, nodes) and used (n, acts+1) bools."""
        model = self.model
        ok = np.ones(len(moods), dtype=bool)
        if condition.has_mood:
            ok &= mood_model.within(moods, condition.lower, condition.upper)
        if condition.expression:
            wanted = [i for i, label in enumerate(model.expressions) if label in condition.expression]
            ok &= np.isin(expression, wanted)
        for node_id in condition.visited:
            ok &= visited[:, self.node_index[node_id]] if node_id in self.node_index else False
        for node_id in condition.not_visited:
            if node_id in self.node_index:
                ok &= ~visited[:, self.node_index[node_id]]
        for act in condition.acts_used:
            ok &= used[:, model.act_index[act]] if act in model.act_index else False
        for act in condition.acts_not_used:
            if act in model.act_index:
                ok &= ~used[:, model.act_index[act]]
        if condition.threshold is not None:
            lower, upper = model.thresholds[condition.threshold]
            ok &= mood_model.within(moods, lower, upper)
        return ok

    def _set_options(self, ids: np.ndarray) -> None:
        """Which replies each tree node shows (file order, conditions applied)."""
        model = self.model
        moods = self.mood[ids]
        expression = mood_model.expression_index(model, moods)
        used = self.uses[ids] > 0
        visited = self.visited[ids]
        locs = self.loc[ids]
        for node in np.unique(locs).tolist():
            members = np.nonzero(locs == node)[0]
            shown = np.zeros((len(members), self.max_replies), dtype=bool)
            for j, condition in enumerate(self.conditions[node]):
                if condition is None:
                    shown[:, j] = True
                else:
                    shown[:, j] = self._holds(condition, moods[members], expression[members],
                                              visited[members], used[members])
            count = shown.sum(axis=1)
            # stable sort puts shown replies first, in file order
            order = np.argsort(~shown, axis=1, kind="stable")
            table = np.where(np.arange(self.max_replies) < count[:, None], order, -1)
            self.n_options[ids[members]] = count
            self.option_reply[ids[members]] = table

    # ------------------------------------------------------------------ skill chances
    def _screen_chances(self, parents: np.ndarray) -> np.ndarray:
        """Per parent: which skills the options on its screen give a chance to show (0/1)."""
        out = np.zeros((len(parents), len(SKILLS)), dtype=np.int16)
        for k, parent in enumerate(parents.tolist()):
            key = (int(self.loc[parent]), tuple(self.option_reply[parent, :self.n_options[parent]].tolist()))
            row = self._chance_memo.get(key)
            if row is None:
                row = self._chance_memo[key] = skill_chances(
                    [self._reply_skill_sets[key[0]][r] for r in key[1]])
            out[k] = row
        return out

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

    def path_replies(self, tree_node: int) -> list[tuple[int, int]]:
        """(node index, reply index) for every turn on the path to this tree node."""
        chain = self.path_nodes(tree_node)
        return [(int(self.loc[p]), int(self.option_reply[p, self.choice[c]])) for p, c in zip(chain, chain[1:])]

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


def _clone(tracker: RubricTracker) -> RubricTracker:
    """A copy the child can change without touching the parent (containers copied one level)."""
    copy = object.__new__(type(tracker))
    for spec in _TRACKER_FIELDS:
        value = getattr(tracker, spec)
        if isinstance(value, (list, set, dict)):
            value = value.copy()
        setattr(copy, spec, value)
    return copy


_TRACKER_FIELDS = tuple(f.name for f in fields(RubricTracker))


def _skill_sets(reply, catalog: Catalog) -> tuple[frozenset[str], frozenset[str]]:
    """(skills the reply earns points for, skills it loses points on)."""
    earn, lose = set(), set()
    for act_id in reply.acts:
        act = catalog.acts.get(act_id)
        if act is None or act.skill is None:
            continue
        if act.polarity == "positive":
            earn.add(act.skill)
        elif act.polarity == "negative":
            lose.add(act.skill)
    for skill, points in reply.skills:
        (earn if points > 0 else lose).add(skill)
    return frozenset(earn), frozenset(lose)


def skill_chances(options: list[tuple[frozenset[str], frozenset[str]]]) -> np.ndarray:
    """Which skills one screen of options gives a chance to show (1 per skill, else 0).

    A turn is a chance to show a skill when some reply on screen earns points for it, or when
    some reply loses points on it and another does not (choosing well is itself the skill,
    which is how `calm` - full from the start - is shown: by not taking the bait).
    """
    row = np.zeros(len(SKILLS), dtype=np.int16)
    for i, skill in enumerate(SKILLS):
        if any(skill in earn for earn, _ in options):
            row[i] = 1
        elif any(skill in lose for _, lose in options) and any(skill not in lose for _, lose in options):
            row[i] = 1
    return row
