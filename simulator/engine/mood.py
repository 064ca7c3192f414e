"""The customer's mood as numpy arrays: compile once, then each turn is a few vector ops.

A scenario + catalog compile into a `MoodModel`: the act effect matrix (acts x dimensions,
with the persona's act and dimension gains already applied), bounds, baselines, the
grievance shift, and every threshold / expression as (lower, upper) bound arrays.

The per-turn arithmetic lives in exactly two functions, `reply_effect` and `advance`, and
both take a *batch* of states of shape (n, dims). The session calls them with n = 1; the
analyser calls them with many play-throughs at once. Because every operation is
element-wise (no reductions across the batch, acts summed one slot at a time in a fixed
order), a row of a batch is byte-identical to the same state stepped alone.

Batching recipe (what the session does with n = 1): for each play-through take the chosen
`CompiledReply`; `base` rows stack into (n, dims); `effect_rows` padded with `pad_row` to a
common width give `rows`; `uses` are the per-act use counts *before* this turn gathered at
`rows`; then `advance(model, states, grievance_open, reply_effect(...), progress)`. After the
step add the reply's `rows` (all of them, explicit or not) to the use counts and close the
grievance where `resolves` is set.

One turn (see the team brief):
  1. decay every dimension except patience toward its baseline, shifted by the grievance
     while it is still open;
  2. add the reply's effect: its explicit `mood:` if given, else the sum over its acts of
     effect x act gain x repeat_falloff ** earlier uses; the persona's dimension gains are
     applied to both kinds (they describe the customer, not the reply);
  3. drain patience unless some act makes progress;
  4. clip to each dimension's [min, max].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from simulator.scenario.catalog_model import Catalog
from simulator.scenario.model import Bound, Reply, Scenario

PATIENCE = "patience"  # the one dimension that does not decay: it is a budget, not a feeling
MAX_COUNTED_USES = 16  # falloff ** 16 is ~0 for any sensible falloff; caps the power table


# bounds as the sides that can fail: (columns with a lower side, those sides, columns with an
# upper side, those sides); a side at -inf/+inf, or a 0/1 feature's 0/1, always holds
Sides = tuple[tuple[int, ...], tuple[float, ...], tuple[int, ...], tuple[float, ...]]
_FEW_ROWS = 8  # `first_within` judges up to this many rows on Python floats


@dataclass(frozen=True, slots=True, eq=False)
class MoodModel:
    """Everything one conversation's mood arithmetic needs, as arrays.

    `effects` has one row per act in `acts` plus a final all-zero row (index `pad_row`) used
    to pad replies with fewer acts in a batch. Rows already include persona gains.
    """

    dimensions: tuple[str, ...]
    acts: tuple[str, ...]
    act_index: Mapping[str, int]
    effects: np.ndarray  # (len(acts) + 1, dims) float64
    progress: np.ndarray  # (len(acts) + 1,) bool: the act makes progress (no patience drain)
    resolves: np.ndarray  # (len(acts) + 1,) bool: the act settles the grievance
    lower: np.ndarray  # (dims,)
    upper: np.ndarray  # (dims,)
    baseline: np.ndarray  # (dims,)
    grievance: np.ndarray  # (dims,) baseline shift while the grievance is open
    decay_rates: np.ndarray  # (dims,) decay, 0 for patience
    drain: np.ndarray  # (dims,) patience_drain at the patience index, 0 elsewhere
    dimension_gains: np.ndarray  # (dims,)
    falloff_pow: np.ndarray  # (MAX_COUNTED_USES + 1,) repeat_falloff ** k
    start: np.ndarray  # (dims,) the customer's mood before the first reply
    thresholds: Mapping[str, tuple[np.ndarray, np.ndarray]]  # name -> (lower, upper)
    expressions: tuple[str, ...]  # worst .. best
    expression_bounds: tuple[tuple[np.ndarray, np.ndarray], ...]
    expression_lower: np.ndarray  # (labels, dims) the same bounds stacked, for one-shot checks
    expression_upper: np.ndarray
    # per label but the catch-all: (dims with a finite lower side, those sides, dims with a
    # finite upper side, those sides) - the only sides `expression_index` needs to compare
    expression_sides: tuple[Sides, ...]
    effect_terms: np.ndarray  # (acts + 1, MAX_COUNTED_USES + 1, dims) effects[act] * falloff_pow[uses]
    targets: np.ndarray  # (2, dims) what the mood decays toward: [grievance settled, grievance open]
    drains: np.ndarray  # (2, dims) the patience drain: [no act makes progress, some act does]

    @property
    def pad_row(self) -> int:
        return len(self.acts)

    def as_dict(self, vector: np.ndarray) -> dict[str, float]:
        """One state vector as {dimension: value} with plain Python floats (`tolist` makes
        the same floats at once; iterating the array would box each value first)."""
        return dict(zip(self.dimensions, vector.tolist()))


@dataclass(frozen=True, slots=True, eq=False)
class CompiledReply:
    """A reply reduced to what the arithmetic needs."""

    rows: tuple[int, ...]  # act rows in `MoodModel.effects`, in the reply's order (count as uses)
    base: np.ndarray  # (dims,) explicit effect (gains applied) or zeros
    explicit: bool  # True: `base` replaces the acts' effect
    progress: bool
    resolves: bool

    @property
    def effect_rows(self) -> tuple[int, ...]:
        """The rows summed into the effect: none for an explicit `mood:` (it replaces them).

        A batch pads these with `MoodModel.pad_row`; padding adds exact zeros.
        """
        return () if self.explicit else self.rows


# ----------------------------------------------------------------------------- compiling


def bound_arrays(bounds: Iterable[Bound], dimensions: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) arrays for a set of bounds; missing sides are -inf / +inf.

    Several bounds on one dimension narrow each other (all must hold).
    """
    lower = np.full(len(dimensions), -np.inf)
    upper = np.full(len(dimensions), np.inf)
    for bound in bounds:
        if bound.dimension not in dimensions:
            raise ValueError(f"unknown mood dimension {bound.dimension!r} in a bound")
        i = dimensions.index(bound.dimension)
        if bound.at_least is not None:
            lower[i] = max(lower[i], float(bound.at_least))
        if bound.at_most is not None:
            upper[i] = min(upper[i], float(bound.at_most))
    return lower, upper


def within(states: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """True where every dimension of the state lies in [lower, upper]. Works on (dims,) or (n, dims)."""
    # the reduction itself: ndarray.all and np.all go through Python wrappers that cost more than a row
    return np.logical_and.reduce((states >= lower) & (states <= upper), axis=-1)


def row_within(row: list[float], sides: Sides) -> bool:
    """`within` for one row as Python floats, comparing only the sides that can fail
    (`Sides`: the lower-bound columns and values, then the upper ones; a skipped side holds
    for any number). A session judges one row against a few bounds, where each array call
    costs more than all the comparisons."""
    low, lows, high, highs = sides
    for d, v in zip(low, lows):
        if not row[d] >= v:
            return False
    for d, v in zip(high, highs):
        if not row[d] <= v:
            return False
    return True


def compile_mood(catalog: Catalog, persona_id: str, overrides: Mapping[str, float] | None = None) -> MoodModel:
    """Compile the catalog's mood parameters for one persona (and optional start overrides)."""
    params = catalog.mood
    dims = params.dimension_ids
    if persona_id not in catalog.personas:
        raise ValueError(f"unknown persona {persona_id!r}; known: {', '.join(sorted(catalog.personas))}")
    persona = catalog.personas[persona_id]
    index = {d: i for i, d in enumerate(dims)}

    def vector(pairs: Iterable[tuple[str, float]], default: np.ndarray, what: str) -> np.ndarray:
        out = default.copy()
        for dim, value in pairs:
            if dim not in index:
                raise ValueError(f"unknown mood dimension {dim!r} in {what}")
            out[index[dim]] = float(value)
        return out

    lower = np.array([d.minimum for d in params.dimensions], dtype=np.float64)
    upper = np.array([d.maximum for d in params.dimensions], dtype=np.float64)
    baseline = np.array([d.baseline for d in params.dimensions], dtype=np.float64)
    dim_gains = vector(persona.dimension_gains, np.ones(len(dims)), f"persona {persona.id!r} dimension_gains")
    act_gains = dict(persona.act_gains)

    acts = tuple(catalog.acts)
    effects = np.zeros((len(acts) + 1, len(dims)), dtype=np.float64)
    progress = np.zeros(len(acts) + 1, dtype=bool)
    resolves = np.zeros(len(acts) + 1, dtype=bool)
    for row, act_id in enumerate(acts):
        act = catalog.acts[act_id]
        raw = vector(act.effect, np.zeros(len(dims)), f"act {act_id!r} effect")
        # `+ 0.0` turns any -0.0 into 0.0 so padding additions are exact identities
        effects[row] = raw * float(act_gains.get(act_id, 1.0)) * dim_gains + 0.0
        progress[row] = act.progress
        resolves[row] = act.resolves

    start = vector(persona.start, baseline, f"persona {persona.id!r} start")
    start = vector((overrides or {}).items(), start, "customer mood")
    start = np.clip(start, lower, upper)

    decay_rates = np.full(len(dims), float(params.decay))
    drain = np.zeros(len(dims))
    if PATIENCE in index:
        decay_rates[index[PATIENCE]] = 0.0
        drain[index[PATIENCE]] = float(params.patience_drain)
    falloff_pow = np.array([float(params.repeat_falloff) ** k for k in range(MAX_COUNTED_USES + 1)])

    thresholds = {name: bound_arrays(bounds, dims) for name, bounds in params.thresholds.items()}
    expression_bounds = tuple(bound_arrays(e.bounds, dims) for e in params.expressions)
    grievance = vector(params.grievance, np.zeros(len(dims)), "grievance")
    return MoodModel(
        dimensions=dims,
        acts=acts,
        act_index={a: i for i, a in enumerate(acts)},
        effects=effects,
        progress=progress,
        resolves=resolves,
        lower=lower,
        upper=upper,
        baseline=baseline,
        grievance=grievance,
        decay_rates=decay_rates,
        drain=drain,
        dimension_gains=dim_gains,
        falloff_pow=falloff_pow,
        start=start,
        thresholds=thresholds,
        expressions=params.expression_ids,
        expression_bounds=expression_bounds,
        expression_lower=np.array([lo for lo, _ in expression_bounds]).reshape(-1, len(dims)),
        expression_upper=np.array([hi for _, hi in expression_bounds]).reshape(-1, len(dims)),
        expression_sides=tuple(_finite_sides(lo, hi) for lo, hi in expression_bounds[:-1]),
        # the same products `advance` would form from a 0/1 flag, so a lookup is bit-identical
        effect_terms=effects[:, None, :] * falloff_pow[None, :, None],
        targets=baseline + grievance * np.array([[0.0], [1.0]]),
        drains=drain * np.array([[1.0], [0.0]]),
    )


def _finite_sides(lower: np.ndarray, upper: np.ndarray):
    low, high = np.flatnonzero(np.isfinite(lower)).tolist(), np.flatnonzero(np.isfinite(upper)).tolist()
    return tuple(low), tuple(lower[low].tolist()), tuple(high), tuple(upper[high].tolist())


def compile_scenario_mood(scenario: Scenario, catalog: Catalog) -> MoodModel:
    """The mood model for a scenario's customer (persona + the scenario's start overrides)."""
    return compile_mood(catalog, scenario.customer.persona, dict(scenario.customer.mood))


def compile_reply(model: MoodModel, reply: Reply) -> CompiledReply:
    """Reduce a reply to act rows, its explicit effect (if any) and its progress/resolve flags."""
    unknown = [a for a in reply.acts if a not in model.act_index]
    if unknown:
        raise ValueError(f"reply {reply.text[:40]!r} names unknown act(s): {', '.join(unknown)}")
    rows = tuple(model.act_index[a] for a in reply.acts)
    base = np.zeros(len(model.dimensions))
    if reply.mood:
        for dim, value in reply.mood:
            if dim not in model.dimensions:
                raise ValueError(f"reply {reply.text[:40]!r} sets unknown mood dimension {dim!r}")
            base[model.dimensions.index(dim)] = float(value)
        base = base * model.dimension_gains + 0.0
    return CompiledReply(
        rows=rows,
        base=base,
        explicit=bool(reply.mood),
        progress=bool(model.progress[list(rows)].any()) if rows else False,
        resolves=bool(model.resolves[list(rows)].any()) if rows else False,
    )


# ----------------------------------------------------------------------------- one turn


def reply_effect(model: MoodModel, base: np.ndarray, rows: np.ndarray, uses: np.ndarray) -> np.ndarray:
    """The mood change a batch of replies causes.

    base: (n, dims) explicit effects (zeros for act-driven replies);
    rows: (n, k) act rows, padded with `model.pad_row` (explicit replies: all padding);
    uses: (n, k) how often each act was used in *earlier* turns.
    Acts are added one slot at a time, left to right, so the sum's rounding never depends
    on the batch size.
    """
    if not rows.shape[1]:
        return base.astype(np.float64, copy=True)
    # effect x falloff ** uses, looked up: the table holds exactly those products
    terms = model.effect_terms.reshape(-1, len(model.dimensions))
    index = rows * (MAX_COUNTED_USES + 1) + np.minimum(uses, MAX_COUNTED_USES)
    acc = base + terms.take(index[:, 0], axis=0)  # a new array: the caller's `base` is left alone
    for k in range(1, rows.shape[1]):
        if len(rows) > 64:  # most replies name one or two acts: add only where the slot is an act
            some = np.flatnonzero(rows[:, k] != model.pad_row)
            if len(some) < len(rows) // 2:  # the rest is padding, which would add exact zeros
                acc[some] += terms.take(index[some, k], axis=0)
                continue
        acc = acc + terms.take(index[:, k], axis=0)  # (take: the rows indexing would give, faster)
    return acc


def advance(model: MoodModel, states: np.ndarray, grievance_open: np.ndarray,
            effect: np.ndarray, progress: np.ndarray) -> np.ndarray:
    """One turn for a batch: decay, add effect, drain patience, clip. Returns new (n, dims).

    grievance_open and progress are (n,) bool; effect comes from `reply_effect`.
    """
    # states + decay * (target - states), then + effect, - drain, clipped: the same operations
    # in the same order, written in place (a million-row step allocates once, not five times)
    moved = model.targets.take(grievance_open.view(np.int8), axis=0)  # a bool array's 0/1 bytes pick the row
    moved -= states
    moved *= model.decay_rates
    moved += states
    moved += effect
    moved -= model.drains.take(progress.view(np.int8), axis=0)
    np.maximum(moved, model.lower, out=moved)  # np.clip, without its slower wrapper
    return np.minimum(moved, model.upper, out=moved)


def step(model: MoodModel, state: np.ndarray, reply: CompiledReply, uses: Mapping[int, int],
         grievance_open: bool) -> np.ndarray:
    """One turn for a single state (dims,), through the same batch arithmetic as the analyser.

    `uses` maps act row -> uses in earlier turns.
    """
    rows = np.array([list(reply.effect_rows) or [model.pad_row]], dtype=np.intp)
    counts = np.array([[uses.get(int(r), 0) for r in rows[0]]], dtype=np.intp)
    effect = reply_effect(model, reply.base[None, :], rows, counts)
    new = advance(model, state[None, :], np.array([grievance_open]), effect, np.array([reply.progress]))
    return new[0]


# ----------------------------------------------------------------------------- reading a state


def first_within(rows: np.ndarray, sides: Sequence[Sides], missing: int, first: int = 0,
                 dtype: type = np.int64) -> np.ndarray:
    """Per row of `rows` (n, columns), `first` + the index of the first of `sides` that holds
    (`row_within`'s test), or `missing` (outside first .. first + len(sides) - 1) where none
    does; a `dtype` array. The one "first bounds that hold" rule: an expression label
    (`expression_index`) and the trigger that fires (`ConditionTable.first_holding`) are both this.

    A few rows (a session's one) are judged on their Python floats: an array call per side
    costs more than all their comparisons. Many rows go side by side, each side only for the
    rows no earlier bounds have claimed. Both compare the same sides the same way.
    """
    if len(rows) <= _FEW_ROWS:
        found = []
        # (plain loops with an early break: a generator per side costs more than the comparisons)
        for row in rows.tolist():
            for i, bounds in enumerate(sides, first):
                if row_within(row, bounds):
                    found.append(i)
                    break
            else:
                found.append(missing)
        return np.array(found, dtype=dtype)
    found = np.full(len(rows), missing, dtype=dtype)
    for i, (low, lows, high, highs) in enumerate(sides, first):
        hit = found == missing
        for d, v in zip(low, lows):
            hit &= rows[:, d] >= v
        for d, v in zip(high, highs):
            hit &= rows[:, d] <= v
        found[hit] = i
    return found


def expression_index(model: MoodModel, states: np.ndarray) -> np.ndarray:
    """Index into `model.expressions` of the first label whose bounds hold; batch (n, dims) -> (n,).

    A state no label covers gets the last (best) label, as mood.yaml's last label is meant
    as the catch-all. Only the finite sides of a label's bounds are compared (a side at
    -inf/+inf always holds), label by label from the worst (`first_within`); this agrees
    with checking every side of every label, and the analyser calls it for millions of rows.
    """
    if states.ndim == 1:  # (np.atleast_2d, without its wrapper)
        states = states[None, :]
    return first_within(states, model.expression_sides, len(model.expressions) - 1)


def expression(model: MoodModel, state: np.ndarray) -> str:
    """The expression label (furious .. delighted) for one state."""
    return model.expressions[int(expression_index(model, state)[0])]

