"""The one step function: a turn played in every row of a `ConversationState` at once.

`Stepper.step(parents, choices)` plays one reply in every row together, and `Session.choose`
is the same call with one row: every rule of a turn lives here, once, in this order:
  1. the reply's mood effect and the mood step (`mood.reply_effect`, `mood.advance`: each
     row byte-identical to stepping it alone), act uses, the grievance, turn += 1;
  2. the first trigger in file order whose condition holds redirects the reply, judged on
     the new mood and uses and on the nodes seen *before* entering the target;
  3. an ending ends the row; otherwise the target node is entered (`enter`): it counts as
     visited from then on (so it is visible to its own replies' conditions), the replies it
     shows are those whose `when` holds (none shown -> unresolved), and a row still going
     after TURN_LIMIT turns ends as unresolved. The opening (`root`) is entered the same way.
Conditions of both kinds go through one evaluator, `conditions.ConditionTable`. Skill
chances (which skills a screen gives a chance to show) are counted per screen here too.

The rubric is not applied here (see `batch_play.PlayTree` and `Session`): the parts of the
analysis that only need *where* conversations go run without it, several times faster.
"""

from __future__ import annotations

import weakref

import numpy as np

from simulator.engine import mood as mood_model
from simulator.engine.compiled import CompiledScenario
from simulator.engine.conditions import ConditionTable
from simulator.engine.distinct import distinct
from simulator.engine.effect_table import EffectTable
from simulator.engine.state import (BY_ENDING, NO_REPLY, NOT_SEEN, REASONS, STATE_FIELDS, TURN_LIMIT_HIT,
                                    UNRESOLVED, UNRESOLVED_INDEX, ConversationState, StateLayout)
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.limits import TURN_LIMIT
from simulator.scenario.model import OUTCOMES, SKILLS, Reply, Scenario

__all__ = ["BY_ENDING", "NO_REPLY", "TURN_LIMIT_HIT", "REASONS", "TURN_LIMIT",
           "UNRESOLVED", "UNRESOLVED_INDEX", "Stepper", "session_stepper", "skill_chances", "reply_skill_sets"]
_EFFECT_MEMO = 1 << 16  # one-row effects remembered (a session's replies and act counts); then start over
_TABLE_ROWS = 64  # from this many rows a step looks its replies' effects up (effect_table.py)
_DENSE_CELLS = 1 << 23  # screens x (widest node + 8) up to this, a screen's options are a table lookup


class Stepper:
    """A scenario compiled into arrays, and the step that plays one turn for many rows.

    `watch_all` gives every node a `visited` column (what a session shows as its visited
    list); by default only the nodes some condition names get one, since a (rows x nodes)
    table would make an 8,000-node file need gigabytes for an answer nobody asks for.
    """

    def __init__(self, scenario: Scenario, catalog: Catalog, compiled: CompiledScenario, *,
                 watch_all: bool = False) -> None:
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
        self.reply_next = np.zeros((n_nodes, self.max_replies), dtype=np.int32)
        for i, cs in enumerate(creplies):
            for j, creply in enumerate(cs):
                if not creply.explicit and creply.rows:  # an explicit `mood:` replaces the acts' effect
                    self.reply_rows[i, j, :len(creply.rows)] = creply.rows
                self.reply_base[i, j] = creply.base
                self.reply_progress[i, j] = creply.progress
                self.reply_resolves[i, j] = creply.resolves
                for row in creply.rows:
                    self.reply_uses[i, j, row] += 1
                self.reply_next[i, j] = self._code(self.replies[i][j].next)

        # Conditions, in one table: the triggers first (file order), then each node's
        # conditional replies, node by node (cond_start/cond_count say where a node's are).
        self.reply_always = np.zeros((n_nodes, self.max_replies), dtype=bool)
        conditions = [condition for condition, _ in compiled.triggers]
        self.trigger_goto = np.array([self._code(goto) for _, goto in compiled.triggers], dtype=np.int32)
        self.n_triggers = len(conditions)
        self.cond_start = np.zeros(max(1, n_nodes), dtype=np.int64)
        self.cond_count = np.zeros(max(1, n_nodes), dtype=np.int64)
        slots = [-1] * self.n_triggers
        for i, node in enumerate(nodes):
            self.cond_start[i] = len(conditions)
            for j, condition in enumerate(compiled.conditions[node.id]):
                if condition is None:
                    self.reply_always[i, j] = True
                else:
                    conditions.append(condition)
                    slots.append(j)
            self.cond_count[i] = len(conditions) - self.cond_start[i]
        self.cond_slot = np.array(slots, dtype=np.intp)
        self.has_conditional = len(conditions) > self.n_triggers
        named = {node_id for condition in conditions for node_id in (*condition.visited, *condition.not_visited)}
        watched = [i for i, node_id in enumerate(self.node_ids) if watch_all or node_id in named]
        # entering a node no condition names changes no condition's features (see `_one_screen`)
        self._named = [node_id in named for node_id in self.node_ids]
        self.visit_column = np.full(max(1, n_nodes), -1, dtype=np.int64)
        self.visit_column[watched] = np.arange(len(watched))
        self.visit_width = max(1, len(watched))
        self._watch_all = len(watched) == n_nodes  # every node has a column (no -1 to leave alone)
        self.table = ConditionTable(conditions, model, {self.node_ids[i]: k for k, i in enumerate(watched)})
        self.layout = StateLayout(node_ids=self.node_ids, ending_ids=self.ending_ids, dimensions=model.dimensions,
                                  acts=model.acts, watched=tuple(self.node_ids[i] for i in watched),
                                  max_replies=self.max_replies)
        # one spare entry at the end, so the -1 of rows that reached no ending indexes something
        self.ending_outcome = np.array([OUTCOMES.index(e.outcome) if e.outcome in OUTCOMES else UNRESOLVED_INDEX
                                        for e in scenario.endings.values()] + [0], dtype=np.int8)

        # What a node shows depends only on the screen (node, which replies are shown): how
        # many options, which reply each is, the skill chances. A screen is numbered by its
        # node's first screen plus a bit per conditional reply shown; with few enough screens
        # those answers are tables filled in the first time a screen comes up.
        self._skill_sets = [[reply_skill_sets(reply, catalog) for reply in replies] for replies in self.replies]
        counts = self.cond_count[:n_nodes]
        sizes = 1 << np.minimum(counts, 62)
        self._dense = bool(counts.max(initial=0) < 30) and int(sizes.sum()) * (self.max_replies + 8) <= _DENSE_CELLS
        if self._dense:
            self.cond_weight = np.zeros(len(conditions), dtype=np.float64)  # the bit of each conditional reply
            for i in range(n_nodes):
                self.cond_weight[self.cond_start[i]:self.cond_start[i] + counts[i]] = 1 << np.arange(counts[i])
            self.screen_base = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
            screens = max(1, int(sizes.sum()))
            self._screen_known = np.zeros(screens, dtype=bool)
            self._screen_count = np.zeros(screens, dtype=np.int16)
            self._screen_options = np.full((screens, self.max_replies), -1, dtype=np.int16)
            self._screen_chances = np.zeros((screens, len(SKILLS)), dtype=np.int16)
            self._node_screen = self.screen_base.tolist()
            self._screen_rows: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # see `_one_screen`
            # a node's conditions are consecutive in the table: a slice reads their bounds without a gather
            self._node_conditions = [slice(int(self.cond_start[i]), int(self.cond_start[i] + counts[i]))
                                     if counts[i] else None for i in range(n_nodes)]
        self._chance_memo: dict[tuple[int, ...], np.ndarray] = {}  # (node, shown flags...) -> chances
        self._root: ConversationState | None = None
        flat = n_nodes * self.max_replies
        self._flat_rows = self.reply_rows.reshape(flat, width)
        self._flat_acts = (self._flat_rows != model.pad_row).sum(axis=1)  # act rows summed (the rest is padding)
        self._flat_act_lists = [row[:count].tolist() for row, count in zip(self._flat_rows, self._flat_acts.tolist())]
        self._effect_memo: dict[tuple[int, ...], np.ndarray] = {}  # (reply, earlier uses of its acts) -> effect
        self._effect_table: EffectTable | None = None
        self._flat_base = self.reply_base.reshape(flat, dims)
        self._flat_progress = self.reply_progress.reshape(flat)
        self._flat_keeps = ~self.reply_resolves.reshape(flat)  # the grievance stays open
        self._flat_uses = self.reply_uses.reshape(flat, n_rows)
        self._flat_next = self.reply_next.reshape(flat)

    def _code(self, target: str) -> int:
        """Node index (>= 0) or -1 - ending index; unknown ids cannot pass the loader."""
        if target in self.node_index:
            return self.node_index[target]
        if target in self.ending_index:
            return -1 - self.ending_index[target]
        raise ValueError(f"unknown node or ending {target!r}")

    # ------------------------------------------------------------------ stepping
    def root(self) -> ConversationState:
        """The opening: the start node entered at turn 0 (ended at once if it shows no reply)."""
        if self._root is None:
            state = ConversationState.empty(1, self.layout)
            state.loc[0] = self.node_index[self.scenario.start]
            state.mood[0] = self.model.start
            self.enter(state, np.array([0]), mood_model.expression_index(self.model, state.mood))
            self._root = state
        return self._root.copy()

    def step(self, parents: ConversationState, choices: np.ndarray) -> ConversationState:
        """Row k of the result: parents row k after picking its 0-based option choices[k]."""
        return self.step_from(parents, None, choices)

    def step_from(self, parents: ConversationState, rows: np.ndarray | None,
                  choices: np.ndarray) -> ConversationState:
        """Row k of the result: parents row rows[k] (None: row k) after picking its 0-based
        option choices[k]. Only what a turn reads is gathered from the parents, so a caller
        stepping many children of a few parents need not copy whole parent rows first."""
        return self.step_with_expression(parents, rows, choices)[0]

    def step_with_expression(self, parents: ConversationState, rows: np.ndarray | None,
                             choices: np.ndarray) -> tuple[ConversationState, np.ndarray]:
        """`step_from`, and each child's expression label index (the step works it out for the
        triggers and the screens; a session shows it, and need not work it out again)."""
        model = self.model
        if rows is None:
            n = len(parents)
            # (a session's one row: `take` from its row, a quarter of the two-array gather's cost)
            reply = parents.option_reply[0].take(choices) if n == 1 else parents.option_reply[np.arange(n), choices]
            at, before, mood, grievance = parents.loc, parents.uses, parents.mood, parents.grievance
            visited, depth = parents.visited.copy(), parents.depth
            chances = parents.chances + parents.screen_chances
        else:
            n = len(rows)
            reply = parents.option_reply[rows, choices]
            # (`take` along axis 0: the same rows as indexing with `rows`, several times faster)
            at, before, mood = parents.loc[rows], parents.uses.take(rows, axis=0), parents.mood.take(rows, axis=0)
            grievance = parents.grievance[rows]
            visited, depth = parents.visited.take(rows, axis=0), parents.depth[rows]
            chances = (parents.chances + parents.screen_chances).take(rows, axis=0)  # parents are fewer
        key = at * self.max_replies + reply  # (node, reply) as one flat index into the reply tables
        mood = mood_model.advance(model, mood, grievance, self._effect(key, before),
                                  self._flat_progress.take(key))
        uses = before + self._flat_uses.take(key, axis=0)
        expression = mood_model.expression_index(model, mood)
        target, trigger, features = self._redirect(mood, expression, visited, uses, self._flat_next.take(key))
        to_node = target >= 0
        entered = to_node.nonzero()[0]
        if n and entered.size == n:  # every row goes on to a node (a session's turn but the last, most of a sweep)
            # no ending anywhere; `enter` hands the rows their screens' arrays (nothing to fill in first)
            loc, ending, ended, outcome = target, np.empty(n, dtype=np.int32), np.zeros(n, dtype=bool), \
                np.zeros(n, dtype=np.int8)
            ending.fill(-1)
            n_options = option_reply = screen_chances = _SHOWN_BY_ENTER
        else:
            loc, ending, ended = np.where(to_node, target, at), np.maximum(-1 - target, -1), ~to_node
            outcome = self.ending_outcome.take(ending)  # a node's -1 reads the spare 0
            n_options, option_reply = np.zeros(n, dtype=np.int16), np.empty((n, self.max_replies), dtype=np.int16)
            option_reply.fill(-1)  # (np.full, without its slower wrapper)
            screen_chances = np.zeros((n, len(SKILLS)), dtype=np.int16)
        child = ConversationState(
            loc=loc, mood=mood, uses=uses, grievance=grievance & self._flat_keeps.take(key), visited=visited,
            depth=depth + 1, ending=ending, ended=ended, reason=np.zeros(n, dtype=np.int8), outcome=outcome,
            n_options=n_options, option_reply=option_reply, reply=reply, trigger=trigger,
            screen_chances=screen_chances, chances=chances)
        if entered.size == n:  # (the triggers' features are these rows' before entering)
            self.enter(child, entered, expression, features)
        elif entered.size:
            self.enter(child, entered, expression[entered])
        return child, expression

    def _effect(self, key: np.ndarray, uses: np.ndarray) -> np.ndarray:
        """`mood.reply_effect` of each row's reply given the act uses before it, over the slots
        some reply of the batch fills (the rest is padding, which adds exact zeros)."""
        if len(key) == 1:  # a session's row: the effect of (reply, earlier uses of its acts), memoised
            flat = int(key[0])
            acts = self._flat_act_lists[flat]
            memo = (flat, *map(uses[0].item, acts))  # (item per act: Python ints, without a gather's array)
            effect = self._effect_memo.get(memo)
            if effect is None:
                if len(self._effect_memo) >= _EFFECT_MEMO:
                    self._effect_memo.clear()
                effect = self._effect_memo[memo] = self._effect_of(key, uses)
            return effect
        return self._effect_of(key, uses)

    def _effect_of(self, key: np.ndarray, uses: np.ndarray) -> np.ndarray:
        width = int(self._flat_acts[key].max()) if len(key) else 0
        act_rows = self._flat_rows.take(key, axis=0)[:, :width]
        starts = np.arange(0, uses.size, uses.shape[1])
        if len(key) < _TABLE_ROWS:
            counts = uses.ravel().take(starts[:, None] + act_rows)  # uses[k, act_rows[k]]
            return mood_model.reply_effect(self.model, self._flat_base.take(key, axis=0), act_rows, counts)
        counts_by_act = uses.ravel().take(starts[None, :] + act_rows.T)  # counts[i, k] = uses[k, act_rows[k, i]]
        if self._effect_table is None:  # (built on the first many-row step: a session never needs it)
            self._effect_table = EffectTable(self.model, self._flat_rows, self._flat_acts, self._flat_base)
        effect, found = self._effect_table.look_up(key, counts_by_act)
        if not found.all():  # a reply past its table's counts, or without one: worked out as usual
            rest = np.flatnonzero(~found)
            effect[rest] = mood_model.reply_effect(self.model, self._flat_base.take(key[rest], axis=0),
                                                   act_rows[rest], counts_by_act[:, rest].T)
        return effect

    def _redirect(self, mood: np.ndarray, expression: np.ndarray, visited: np.ndarray, uses: np.ndarray,
                  target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(target, trigger, the rows' condition features): the first trigger in file order that
        holds sends the row to its goto (judged before the target is entered), else the reply's
        own `next` stands."""
        if not self.n_triggers:
            return target, np.full(len(target), -1, dtype=np.int16), None
        features = self.table.features(mood, expression, visited, uses)
        first = self.table.first_holding(features, 0, self.n_triggers)
        fired = first >= 0
        if not _any(fired):  # no trigger holds in any row (most turns): every reply's `next` stands
            return target, first, features
        return np.where(fired, self.trigger_goto[first], target), first, features

    def enter(self, state: ConversationState, rows: np.ndarray, expression: np.ndarray | None = None,
              before: np.ndarray | None = None) -> None:
        """Rows `rows` arrive at their `loc`: the node counts as visited from now on, its replies
        are shown (conditions applied), and a row with none shown, or past the turn limit,
        ends as unresolved. `expression`: the label index of each of those rows' mood, if known;
        `before`: their condition features before arriving, if known (only visited changes)."""
        if expression is None:
            expression = mood_model.expression_index(self.model, state.mood[rows])
        # rows are distinct and in order (a nonzero's), so as many as the state has are all of
        # them: their fields are read as they are and the screens' arrays become the state's
        every = len(rows) == len(state)
        locs, depth = (state.loc, state.depth) if every else (state.loc[rows], state.depth[rows])
        columns = self.visit_column.take(locs)  # -1 (not watched) writes its own value back
        seen = state.visited[rows, columns]
        first_time = seen == NOT_SEEN
        if not self._watch_all:
            first_time &= columns >= 0
        state.visited[rows, columns] = np.where(first_time, depth, seen)
        count, options, chances = self._screens(state, rows, locs, expression, before)
        if every:  # (new arrays, or a one-row screen's read-only rows of the tables: see `_one_screen`)
            state.n_options, state.option_reply, state.screen_chances = count, options, chances
        else:
            state.n_options[rows], state.option_reply[rows], state.screen_chances[rows] = count, options, chances
        none_shown = count == 0
        stop = none_shown | (depth >= TURN_LIMIT)
        if _any(stop):
            stopped = rows[stop]
            state.ended[stopped], state.outcome[stopped] = True, UNRESOLVED_INDEX
            state.reason[stopped] = np.where(none_shown[stop], NO_REPLY, TURN_LIMIT_HIT)  # no reply shown comes first

    def _screens(self, state: ConversationState, rows: np.ndarray, locs: np.ndarray, expression: np.ndarray,
                 before: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(options shown, option -> reply table, skill chances) of each row's screen: which of
        its node's replies are shown (conditions applied) decides all three (`_screen`)."""
        if len(rows) == 1 and self._dense:
            return self._one_screen(state, rows, int(locs[0]), expression, before)
        held = pair_row = pair_cond = None
        if self.has_conditional:
            asking = np.flatnonzero(self.cond_count[locs])  # the rows at a node with some `when`
            if asking.size:  # one (row, condition) pair per conditional reply on each of their nodes
                counts = self.cond_count[locs[asking]]
                total = int(counts.sum())
                pair_row = np.repeat(np.arange(asking.size), counts)
                pair_cond = np.arange(total) + np.repeat(self.cond_start[locs[asking]] - (np.cumsum(counts) - counts),
                                                         counts)
                at = rows[asking]
                features = self.table.features(state.mood.take(at, axis=0), expression[asking],
                                               state.visited.take(at, axis=0), state.uses.take(at, axis=0))
                held = self.table.holds(features.take(pair_row, axis=0), pair_cond)
                pair_row = asking[pair_row]
        if self._dense:
            ids = self.screen_base[locs]
            if held is not None:
                ids = ids + np.bincount(pair_row[held], weights=self.cond_weight[pair_cond[held]],
                                        minlength=len(rows)).astype(np.int64)
            new = ~self._screen_known[ids]
            if new.any():
                for screen in distinct(ids[new]).tolist():
                    self._fill_screen(screen)
            return (self._screen_count[ids], self._screen_options.take(ids, axis=0),
                    self._screen_chances.take(ids, axis=0))
        shown = self.reply_always[locs]  # replies without `when` are always shown
        if held is not None:
            shown[pair_row, self.cond_slot[pair_cond]] = held
        screens, where, inverse = np.unique(np.column_stack([locs, shown]), axis=0, return_index=True,
                                            return_inverse=True)
        found = [self._screen(int(locs[k]), shown[k]) for k in where.tolist()]
        inverse = inverse.ravel()
        return (np.array([f[0] for f in found], dtype=np.int16)[inverse],
                np.array([f[1] for f in found], dtype=np.int16).reshape(len(screens), -1)[inverse],
                np.array([f[2] for f in found], dtype=np.int16).reshape(len(screens), -1)[inverse])

    def _one_screen(self, state: ConversationState, rows: np.ndarray, node: int, expression: np.ndarray,
                    before: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`_screens` for one row (a session's turn): its node's conditions judged on the row's
        features as Python floats (`ConditionTable.row_holds`)."""
        screen = self._node_screen[node]
        conditions = self._node_conditions[node]
        if conditions is not None:
            if len(state.mood) == 1:  # rows is [0]: the state's own arrays are that row
                mood, visited, uses = state.mood, state.visited, state.uses
            else:
                mood, visited, uses = (state.mood.take(rows, axis=0), state.visited.take(rows, axis=0),
                                       state.uses.take(rows, axis=0))
            # `before`: the row's features before it entered `node`; only its visit of `node` is new
            features = before if before is not None and not self._named[node] else \
                self.table.features(mood, expression, visited, uses, like=before)
            row = features[0].tolist()
            for bit, condition in enumerate(range(conditions.start, conditions.stop)):
                if self.table.row_holds(row, condition):
                    screen += 1 << bit
        found = self._screen_rows.get(screen)
        if found is None:
            if not self._screen_known[screen]:
                self._fill_screen(screen)
            # the screen's rows of the tables, read-only: `enter` hands them to a one-row state
            # as its own (nothing writes a state's screen in place but `enter` on some of many
            # rows, and an accidental write raises instead of changing the table)
            found = self._screen_rows[screen] = tuple(
                _read_only(table[screen:screen + 1])
                for table in (self._screen_count, self._screen_options, self._screen_chances))
        return found

    def _fill_screen(self, screen: int) -> None:
        """Work out a numbered screen the first time it comes up (its node and replies shown
        follow from the number)."""
        node = int(np.searchsorted(self.screen_base, screen, side="right")) - 1
        bits, shown = screen - int(self.screen_base[node]), self.reply_always[node].copy()
        start = int(self.cond_start[node])
        for bit, j in enumerate(self.cond_slot[start:start + int(self.cond_count[node])].tolist()):
            shown[j] = bool(bits >> bit & 1)
        self._screen_count[screen], self._screen_options[screen], self._screen_chances[screen] = \
            self._screen(node, shown)
        self._screen_known[screen] = True

    def _screen(self, node: int, shown: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
        """One screen: how many replies it shows, option -> reply index (the shown replies in
        file order, -1 padding) and its skill chances."""
        order = np.flatnonzero(shown)
        options = np.full(self.max_replies, -1, dtype=np.int16)
        options[:len(order)] = order
        return len(order), options, self._chances_of(node, shown)

    def _chances_of(self, node: int, shown: np.ndarray) -> np.ndarray:
        key = (node, *shown.tolist())
        row = self._chance_memo.get(key)
        if row is None:
            row = self._chance_memo[key] = skill_chances([self._skill_sets[node][j] for j in np.flatnonzero(shown)])
        return row

    def screen_chances_of(self, node_id: str, reply_indices) -> np.ndarray:
        """The skill chances of node `node_id` showing these replies (a stored transcript's turn)."""
        node = self.node_index[node_id]
        shown = np.zeros(self.max_replies, dtype=bool)
        shown[[j for j in reply_indices if 0 <= j < len(self.replies[node])]] = True
        return self._chances_of(node, shown)

    def load(self, data) -> ConversationState:
        """`ConversationState.from_json` for this scenario, with the replies on screen
        re-computed for today's file (rows still going whose node shows none now end)."""
        state = ConversationState.from_json(self.layout, data)
        going = np.flatnonzero(~state.ended)
        if going.size:
            self.enter(state, going, mood_model.expression_index(self.model, state.mood[going]))
        return state


# what a child row's screen fields hold until `enter` gives every row its screen (read-only, empty)
_SHOWN_BY_ENTER = np.zeros(0, dtype=np.int16)
_SHOWN_BY_ENTER.flags.writeable = False


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _any(mask: np.ndarray) -> bool:
    """Whether a 1-d mask is true anywhere: a few rows read as a list (`ndarray.any`'s wrapper
    costs more than a session's whole check), more in one reduction."""
    return True in mask.tolist() if len(mask) <= 16 else bool(np.logical_or.reduce(mask))


_SESSION_STEPPERS: "weakref.WeakKeyDictionary[CompiledScenario, Stepper]" = weakref.WeakKeyDictionary()


def session_stepper(scenario: Scenario, catalog: Catalog, compiled: CompiledScenario) -> Stepper:
    """The stepper sessions of this compiled scenario share (every node watched, so a session
    can list what it visited), built on first use."""
    stepper = _SESSION_STEPPERS.get(compiled)
    if stepper is None or stepper.scenario is not scenario or stepper.catalog is not catalog:
        stepper = Stepper(scenario, catalog, compiled, watch_all=True)
        _SESSION_STEPPERS[compiled] = stepper
    return stepper


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
