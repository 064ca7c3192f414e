"""One turn for many conversations at once, exactly as `Session.choose` plays it.

A `Batch` holds one conversation state per row (node on screen, mood, act uses, grievance,
visited nodes, turn, the replies shown). `Stepper.step(parents, choices)` plays one reply in
every row together: the mood arithmetic goes through the engine's own batch functions
(`mood.reply_effect`, `mood.advance`, `mood.expression_index`, `mood.within`), which ENGINE
guarantees give each row byte-identical results to the session's one-row calls; conditions
and triggers are evaluated on the arrays with the same inclusive bounds as
`conditions.holds`. The rubric is not applied here (see `batch_play.PlayTree`): the parts of
the analysis that only need *where* conversations go run without it, several times faster.

Mirrors `Session.choose` step for step (see session.py): mood step -> uses/grievance ->
turn += 1 -> first trigger that holds (visited = before entering the target) -> ending, or
enter the node (visited += node; no reply shown -> unresolved; turn limit -> unresolved).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from simulator.engine import mood as mood_model
from simulator.engine.compiled import CompiledScenario
from simulator.engine.conditions import CompiledCondition
from simulator.engine.session import TURN_LIMIT, UNRESOLVED
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.model import OUTCOMES, SKILLS, Reply, Scenario

# Why a play-through ended: at an ending the author wrote, or because the engine stopped it.
BY_ENDING, NO_REPLY, TURN_LIMIT_HIT = 0, 1, 2
REASONS = ("ending", "no reply available", f"{TURN_LIMIT}-turn limit")
UNRESOLVED_INDEX = OUTCOMES.index(UNRESOLVED)


@dataclass
class Batch:
    """Conversation states, one per row. `loc` is the node on screen (or where the engine
    stopped); `ending` is -1 or the ending reached; `reply` is the reply index that led here
    (-1 at the opening); `chances` counts, per skill, the turns so far that offered a chance
    to show it and `screen_chances` what the screen now on offer adds."""

    loc: np.ndarray  # (n,) int32 index into Stepper.node_ids
    mood: np.ndarray  # (n, dims) float64
    uses: np.ndarray  # (n, acts + 1) int16: times each act was used (last column: padding, always 0)
    grievance: np.ndarray  # (n,) bool: still open
    visited: np.ndarray  # (n, watched) bool: only nodes some condition asks about (Stepper.visit_column)
    depth: np.ndarray  # (n,) int16: turns taken
    ending: np.ndarray  # (n,) int32
    ended: np.ndarray  # (n,) bool
    reason: np.ndarray  # (n,) int8: BY_ENDING / NO_REPLY / TURN_LIMIT_HIT (when ended)
    outcome: np.ndarray  # (n,) int8 index into OUTCOMES (when ended)
    n_options: np.ndarray  # (n,) int16
    option_reply: np.ndarray  # (n, max_replies) int16: option -> reply index, -1 padding
    reply: np.ndarray  # (n,) int16
    screen_chances: np.ndarray  # (n, skills) int16
    chances: np.ndarray  # (n, skills) int16

    def take(self, rows: np.ndarray) -> "Batch":
        """A new batch with the given rows (copies)."""
        return Batch(**{name: getattr(self, name)[rows] for name in BATCH_FIELDS})

    def __len__(self) -> int:
        return len(self.loc)


BATCH_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Batch))


class Stepper:
    """A scenario compiled into arrays, and the batch version of one session turn."""

    def __init__(self, scenario: Scenario, catalog: Catalog, compiled: CompiledScenario) -> None:
        self.scenario, self.catalog, self.compiled = scenario, catalog, compiled
        self.model = model = compiled.mood
        nodes = list(scenario.nodes.values())
        self.node_ids: tuple[str, ...] = tuple(scenario.nodes)
        self.ending_ids: tuple[str, ...] = tuple(scenario.endings)
        self.node_index = {node_id: i for i, node_id in enumerate(self.node_ids)}
        self.ending_index = {ending_id: i for i, ending_id in enumerate(self.ending_ids)}
        self.replies: list[tuple[Reply, ...]] = [node.replies for node in nodes]
        self.max_replies = max(1, max((len(r) for r in self.replies), default=1))
        creplies = [compiled.replies[node.id] for node in nodes]
        width = max(1, max((len(c.rows) for cs in creplies for c in cs if not c.explicit), default=1))
        n_nodes, dims, n_rows = len(nodes), len(model.dimensions), len(model.acts) + 1
        self.reply_rows = np.full((n_nodes, self.max_replies, width), model.pad_row, dtype=np.intp)
        self.reply_base = np.zeros((n_nodes, self.max_replies, dims))
        self.reply_progress = np.zeros((n_nodes, self.max_replies), dtype=bool)
        self.reply_resolves = np.zeros((n_nodes, self.max_replies), dtype=bool)
        self.reply_uses = np.zeros((n_nodes, self.max_replies, n_rows), dtype=np.int16)
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
        self.reply_always = np.zeros((n_nodes, self.max_replies), dtype=bool)
        self.conditional: list[tuple[int, int, CompiledCondition]] = []
        for i, node in enumerate(nodes):
            for j, condition in enumerate(compiled.conditions[node.id]):
                if condition is None:
                    self.reply_always[i, j] = True
                else:
                    self.conditional.append((i, j, condition))
        self.triggers = [(condition, self._code(goto)) for condition, goto in compiled.triggers]
        # Only nodes a `visited` / `not_visited` condition names get a column: a (prefixes x nodes)
        # table would make an 8,000-node file need gigabytes for an answer nobody asks for.
        watched = sorted({self.node_index[node_id]
                          for condition in [c for _, _, c in self.conditional] + [c for c, _ in self.triggers]
                          for node_id in (*condition.visited, *condition.not_visited)
                          if node_id in self.node_index})
        self.visit_column = np.full(max(1, n_nodes), -1, dtype=np.int64)
        self.visit_column[watched] = np.arange(len(watched))
        self.visit_width = max(1, len(watched))
        self.ending_outcome = np.array([OUTCOMES.index(e.outcome) if e.outcome in OUTCOMES else UNRESOLVED_INDEX
                                        for e in scenario.endings.values()], dtype=np.int8)
        self._skill_sets = [[reply_skill_sets(reply, catalog) for reply in replies] for replies in self.replies]
        self._chance_memo: dict[tuple[int, ...], np.ndarray] = {}  # (node, shown flags...) -> chances

    def _code(self, target: str) -> int:
        """Node index (>= 0) or -1 - ending index; unknown ids cannot pass the loader."""
        if target in self.node_index:
            return self.node_index[target]
        if target in self.ending_index:
            return -1 - self.ending_index[target]
        raise ValueError(f"unknown node or ending {target!r}")

    # ------------------------------------------------------------------ stepping
    def root(self) -> Batch:
        """The opening, as `Session.__init__` sets it up (ended at once if no reply is shown)."""
        model, n_nodes = self.model, len(self.node_ids)
        start = self.node_index[self.scenario.start]
        visited = np.zeros((1, self.visit_width), dtype=bool)
        if self.visit_column[start] >= 0:
            visited[0, self.visit_column[start]] = True
        batch = Batch(
            loc=np.array([start], dtype=np.int32), mood=model.start[None, :].copy(),
            uses=np.zeros((1, len(model.acts) + 1), dtype=np.int16), grievance=np.ones(1, dtype=bool),
            visited=visited, depth=np.zeros(1, dtype=np.int16), ending=np.full(1, -1, dtype=np.int32),
            ended=np.zeros(1, dtype=bool), reason=np.zeros(1, dtype=np.int8), outcome=np.zeros(1, dtype=np.int8),
            n_options=np.zeros(1, dtype=np.int16), option_reply=np.full((1, self.max_replies), -1, dtype=np.int16),
            reply=np.full(1, -1, dtype=np.int16), screen_chances=np.zeros((1, len(SKILLS)), dtype=np.int16),
            chances=np.zeros((1, len(SKILLS)), dtype=np.int16))
        self._set_options(batch, np.array([0]))
        if batch.n_options[0] == 0:
            batch.ended[0], batch.reason[0], batch.outcome[0] = True, NO_REPLY, UNRESOLVED_INDEX
        return batch

    def step(self, parents: Batch, choices: np.ndarray) -> Batch:
        """Row k of the result: parents row k after picking its 0-based option choices[k]."""
        model = self.model
        n = len(parents)
        at = parents.loc.astype(np.int64)
        reply = parents.option_reply[np.arange(n), choices].astype(np.int64)
        rows = self.reply_rows[at, reply]
        counts = np.take_along_axis(parents.uses, rows, axis=1)
        effect = mood_model.reply_effect(model, self.reply_base[at, reply], rows, counts)
        mood = mood_model.advance(model, parents.mood, parents.grievance, effect, self.reply_progress[at, reply])
        uses = parents.uses + self.reply_uses[at, reply]
        grievance = parents.grievance & ~self.reply_resolves[at, reply]
        depth = parents.depth + 1

        # the first trigger that holds, judged before the target is entered (as the session does)
        target = self.reply_next[at, reply].copy()
        if self.triggers:
            expression = mood_model.expression_index(model, mood)
            used = uses > 0
            undecided = np.ones(n, dtype=bool)
            for condition, goto in self.triggers:
                hit = undecided & self.holds(condition, mood, expression, parents.visited, used)
                target[hit] = goto
                undecided &= ~hit
        to_node = target >= 0
        visited = parents.visited.copy()
        entered = np.nonzero(to_node)[0]
        columns = self.visit_column[target[entered]]
        watched = columns >= 0
        visited[entered[watched], columns[watched]] = True
        ending = np.where(to_node, -1, -1 - target).astype(np.int32)
        outcome = np.zeros(n, dtype=np.int8)
        outcome[~to_node] = self.ending_outcome[ending[~to_node]]
        child = Batch(
            loc=np.where(to_node, target, at).astype(np.int32), mood=mood, uses=uses, grievance=grievance,
            visited=visited, depth=depth, ending=ending, ended=~to_node, reason=np.zeros(n, dtype=np.int8),
            outcome=outcome, n_options=np.zeros(n, dtype=np.int16),
            option_reply=np.full((n, self.max_replies), -1, dtype=np.int16), reply=reply.astype(np.int16),
            screen_chances=np.zeros((n, len(SKILLS)), dtype=np.int16),
            chances=parents.chances + parents.screen_chances)
        if entered.size:
            self._set_options(child, entered)
            stuck = entered[child.n_options[entered] == 0]
            child.ended[stuck], child.reason[stuck] = True, NO_REPLY
            long = entered[(child.n_options[entered] > 0) & (depth[entered] >= TURN_LIMIT)]
            child.ended[long], child.reason[long] = True, TURN_LIMIT_HIT
            child.outcome[np.concatenate([stuck, long])] = UNRESOLVED_INDEX
        return child

    # ------------------------------------------------------------------ conditions
    def holds(self, condition: CompiledCondition, moods: np.ndarray, expression: np.ndarray,
              visited: np.ndarray, used: np.ndarray) -> np.ndarray:
        """`conditions.holds` for a batch: moods (n, dims), expression (n,) label indices,
        visited (n, watched) (see `visit_column`) and used (n, acts+1) bools."""
        model = self.model
        ok = np.ones(len(moods), dtype=bool)
        if condition.has_mood:
            ok &= mood_model.within(moods, condition.lower, condition.upper)
        if condition.expression:
            wanted = [i for i, label in enumerate(model.expressions) if label in condition.expression]
            ok &= np.isin(expression, wanted)
        for node_id in condition.visited:
            ok &= visited[:, self.visit_column[self.node_index[node_id]]] if node_id in self.node_index else False
        for node_id in condition.not_visited:
            if node_id in self.node_index:
                ok &= ~visited[:, self.visit_column[self.node_index[node_id]]]
        for act in condition.acts_used:
            ok &= used[:, model.act_index[act]] if act in model.act_index else False
        for act in condition.acts_not_used:
            if act in model.act_index:
                ok &= ~used[:, model.act_index[act]]
        if condition.threshold is not None:
            lower, upper = model.thresholds[condition.threshold]
            ok &= mood_model.within(moods, lower, upper)
        return ok

    def _set_options(self, batch: Batch, rows: np.ndarray) -> None:
        """Fill in the replies shown (file order, conditions applied) and their skill chances."""
        locs = batch.loc[rows]
        shown = self.reply_always[locs]  # replies without `when` are always shown
        if self.conditional:
            moods = batch.mood[rows]
            expression = mood_model.expression_index(self.model, moods)
            used = batch.uses[rows] > 0
            visited = batch.visited[rows]
            order = np.argsort(locs, kind="stable")
            bounds = np.searchsorted(locs[order], np.arange(len(self.node_ids) + 1))
            for node, slot, condition in self.conditional:
                members = order[bounds[node]:bounds[node + 1]]
                if members.size:
                    shown[members, slot] = self.holds(condition, moods[members], expression[members],
                                                      visited[members], used[members])
        count = shown.sum(axis=1)
        table = np.argsort(~shown, axis=1, kind="stable")  # shown replies first, in file order
        batch.n_options[rows] = count
        batch.option_reply[rows] = np.where(np.arange(self.max_replies) < count[:, None], table, -1)
        # skill chances depend only on (node, which replies are shown): one lookup per distinct screen
        screens, inverse = np.unique(np.column_stack([locs, shown]), axis=0, return_inverse=True)
        found = np.empty((len(screens), len(SKILLS)), dtype=np.int16)
        for k, screen in enumerate(screens.tolist()):
            key = tuple(screen)
            row = self._chance_memo.get(key)
            if row is None:
                sets = [self._skill_sets[key[0]][j] for j, on in enumerate(key[1:]) if on]
                row = self._chance_memo[key] = skill_chances(sets)
            found[k] = row
        batch.screen_chances[rows] = found[inverse.ravel()]


def reply_skill_sets(reply: Reply, catalog: Catalog) -> tuple[frozenset[str], frozenset[str]]:
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
