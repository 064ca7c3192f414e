"""What a trainer needs to know before shipping a scenario, found by playing it.

`analyse(scenario, catalog)` answers: which nodes and endings can actually be reached
(conditions and mood considered, by play), where a conversation can get stuck, the best and
worst play-throughs (as the 1-based choice numbers `customer-sim run --choices` takes) with
their grades, which skills each play-through gives a chance to show, and how random clicking
scores.

How the play-throughs are searched
  Two passes over the same tree of play-throughs, both stepping each prefix once:
  * the sweep (`play_sweep`) enumerates every play-through without scoring them, up to
    `sweep_limit` prefixes; reachability, dead ends, path counts per ending and skill chances
    come from it, so they are proofs ("complete") and not samples;
  * the scored tree (`batch_play.PlayTree`) gives grades: when the whole tree has at most
    `tree_limit` prefixes every play-through is scored ("exhaustive": best and worst are the
    true extremes); past that a beam search keeps the `beam_width` highest and lowest
    provisional scores at each depth ("beam": best and worst are the best and worst found).

Random play (seeded, reproducible)
  rng = numpy.random.default_rng(seed); U = rng.random((runs, TURN_LIMIT)). Play-through k
  at turn t (0-based) picks option floor(U[k, t] * n), n = the number of replies shown then
  (0-based; +1 for `--choices`). Column t is used only while the play-through is still going.
  Replaying those choices through `Session` gives identical outcome, overall and grade
  (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from simulator.engine.analysis_budget import Budget, BudgetExceeded, BudgetReport, check_static, plan
from simulator.engine.analysis_defaults import (DEFAULT_BEAM_WIDTH, DEFAULT_MEMORY_LIMIT_MB, DEFAULT_RUNS,
                                                DEFAULT_SEED, DEFAULT_SWEEP_LIMIT, DEFAULT_TIME_LIMIT_S,
                                                DEFAULT_TREE_LIMIT)
from simulator.engine.batch_play import BY_ENDING, REASONS, PlayTree
from simulator.engine.distinct import distinct
from simulator.engine.play_sweep import Stop, SweepResult, sweep
from simulator.engine.session import TURN_LIMIT
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.graph import Structure, structure
from simulator.scenario.model import OUTCOMES, SKILLS, Scenario

HISTOGRAM_BINS = 10  # overall 0-9.9, 10-19.9, ..., 90-100
# Measured difficulty = how often someone choosing blind still passes: the share of random
# play-throughs graded at the pass grade or better. Since a pass needs every skill over the
# floor and no surface strategy may pass, even a gentle scenario lets only a few percent of
# blind play through; hard ones almost nobody. (share >= 5 % -> 1, >= 1 % -> 2, else 3)
DIFFICULTY_PASS_RATE_CUTS = ((0.05, 1), (0.01, 2))


@dataclass(frozen=True, slots=True)
class PathSummary:
    """One complete play-through."""

    choices: tuple[int, ...]  # 1-based, as `run --choices` takes them
    outcome: str
    ending_id: str | None  # None when the engine stopped it (see `stopped`)
    overall: float
    grade: str
    skills: dict[str, int]
    chances: dict[str, int]  # turns on this path that gave a chance to show each skill
    stopped: str = ""  # "" or why the engine ended it ("no reply available", "60-turn limit")

    @property
    def choices_text(self) -> str:
        return ",".join(map(str, self.choices))

    def as_json(self) -> dict[str, Any]:
        return {"choices": list(self.choices), "outcome": self.outcome, "ending": self.ending_id,
                "overall": self.overall, "grade": self.grade, "skills": dict(self.skills),
                "skill_chances": dict(self.chances), "turns": len(self.choices), "stopped": self.stopped}


@dataclass(frozen=True, slots=True)
class EndingReach:
    ending_id: str
    outcome: str
    paths: int  # play-throughs found that end here
    example: PathSummary | None  # the best-scoring one

    def as_json(self) -> dict[str, Any]:
        return {"ending": self.ending_id, "outcome": self.outcome, "reachable": self.paths > 0,
                "paths": self.paths, "example": self.example.as_json() if self.example else None}


@dataclass(frozen=True, slots=True)
class DeadEnd:
    """A place a conversation gets stuck: by structure, or in play (the engine had to stop it)."""

    node_id: str
    reason: str
    paths: int = 0  # play-throughs that stop here (0 for structural dead ends)
    example: tuple[int, ...] = ()  # 1-based choices of the shortest one

    def as_json(self) -> dict[str, Any]:
        return {"node": self.node_id, "reason": self.reason, "paths": self.paths, "example": list(self.example)}


@dataclass(frozen=True, slots=True)
class RandomPlay:
    runs: int
    seed: int
    median: float
    mean: float
    p10: float
    p90: float
    histogram: tuple[int, ...]  # HISTOGRAM_BINS counts of overall scores
    grades: dict[str, int]
    outcomes: dict[str, int]
    passed: int
    median_grade: str
    requested: int = 0  # runs asked for; more than `runs` when the budget cut random play short

    def as_json(self) -> dict[str, Any]:
        return {"runs": self.runs, "requested": max(self.requested, self.runs), "seed": self.seed, "median": self.median, "mean": round(self.mean, 2),
                "p10": self.p10, "p90": self.p90, "median_grade": self.median_grade,
                "histogram": [{"from": i * 100 // HISTOGRAM_BINS, "count": c} for i, c in enumerate(self.histogram)],
                "grades": dict(self.grades), "outcomes": dict(self.outcomes), "passed": self.passed,
                "pass_rate": round(self.passed / self.runs, 4) if self.runs else 0.0}


@dataclass(frozen=True, slots=True)
class SkillChances:
    """Across every complete play-through: the fewest/most turns that let a skill be shown."""

    skill: str
    fewest: int
    most: int
    weakest: tuple[int, ...]  # 1-based choices of a path with the fewest

    def as_json(self) -> dict[str, Any]:
        return {"fewest": self.fewest, "most": self.most, "weakest_path": list(self.weakest)}


@dataclass(frozen=True)
class ScenarioAnalysis:
    scenario_id: str
    title: str
    path: str
    difficulty: int
    measured_difficulty: int
    persona: str
    node_count: int
    ending_count: int
    search: str  # "exhaustive" | "beam"
    complete: bool
    prefixes: int  # prefixes the sweep stepped (the whole play tree when complete)
    scored_prefixes: int  # prefixes the scored tree grew (random play + exhaustive or beam search)
    complete_paths: int  # play-throughs found that reach an ending the author wrote
    longest: int  # turns in the longest play-through found
    unreachable: tuple[str, ...]  # by structure (no chain of replies/triggers leads there)
    unreached_in_play: tuple[str, ...]  # structurally reachable, but no play-through gets there
    dead_ends: tuple[DeadEnd, ...]
    endings: tuple[EndingReach, ...]
    best: PathSummary | None
    worst: PathSummary | None
    skill_chances: tuple[SkillChances, ...]
    random: RandomPlay | None
    pass_grade: str
    grades: tuple[str, ...]  # best first
    all_paths: tuple[PathSummary, ...] = field(default=())  # only when asked for
    budget: BudgetReport | None = None  # what was proven, what was sampled within the budget

    def as_json(self) -> dict[str, Any]:
        """A JSON-able dict; deterministic for the same scenario, catalog and settings."""
        data = {
            "scenario": self.scenario_id, "title": self.title, "path": self.path,
            "difficulty": self.difficulty, "measured_difficulty": self.measured_difficulty,
            "persona": self.persona, "nodes": self.node_count, "endings_count": self.ending_count,
            "search": {"method": self.search, "complete": self.complete, "prefixes": self.prefixes,
                       "scored_prefixes": self.scored_prefixes,
                       "complete_paths": self.complete_paths, "longest_turns": self.longest},
            "reachability": {"unreachable": list(self.unreachable),
                             "unreached_in_play": list(self.unreached_in_play)},
            "dead_ends": [d.as_json() for d in self.dead_ends],
            "endings": [e.as_json() for e in self.endings],
            "best": self.best.as_json() if self.best else None,
            "worst": self.worst.as_json() if self.worst else None,
            "skill_chances": {c.skill: c.as_json() for c in self.skill_chances},
            "random_play": self.random.as_json() if self.random else None,
            "pass_grade": self.pass_grade,
            "budget": self.budget.as_json() if self.budget else None,
        }
        if self.all_paths:
            data["paths"] = [p.as_json() for p in self.all_paths]
        return data


@dataclass
class Exploration:
    """What play can reach, from the sweep."""

    complete: bool  # every play-through was enumerated
    reached: set[str] = field(default_factory=set)  # node and ending ids some play-through reaches
    sweep: SweepResult | None = None


# ----------------------------------------------------------------------------- searching


def explore(scenario: Scenario, catalog: Catalog, *, sweep_limit: int = DEFAULT_SWEEP_LIMIT,
            memory_limit_mb: float = DEFAULT_MEMORY_LIMIT_MB, time_limit: float = DEFAULT_TIME_LIMIT_S) -> Exploration:
    """Which nodes and endings play reaches (every play-through, up to `sweep_limit` prefixes,
    within the memory and time budget; `complete` is False when any of them cut it short)."""
    _check_tables(scenario, catalog, memory_limit_mb)
    tree = PlayTree(scenario, catalog)
    budget = plan(tree.stepper, memory_limit_mb=memory_limit_mb, time_limit=time_limit, sweep_limit=sweep_limit)
    swept = sweep(tree.stepper, budget.sweep_limit, max_frontier=budget.frontier_rows, deadline=budget.deadline)
    return Exploration(swept.complete, set(swept.reached), swept)


def _grow_all(tree: PlayTree, limit: int, budget: Budget | None = None) -> bool:
    """Breadth-first, one batch per depth; False if the next depth would pass `limit` (or the
    budget's rows or time)."""
    if budget is not None:
        limit = min(limit, budget.tree_rows)
    level = np.array([0], dtype=np.int64)
    while level.size:
        parents, options = tree.frontier_children(level)
        if tree.size + parents.size > limit or (budget is not None and budget.out_of_time()):
            return False
        try:
            tree.grow(parents, options)
        except BudgetExceeded:
            return False
        level = _children(tree, level)
    return True


def _grow_beam(tree: PlayTree, width: int, budget: Budget | None = None) -> str:
    """Keep the `width` best and `width` worst unfinished prefixes (provisional score) per depth.

    With a budget the width shrinks so that every depth fits the rows left; returns "" or why
    the beam stopped before the last depth ("memory budget", "time budget")."""
    if budget is not None:
        room = max(0, budget.tree_rows - tree.size)
        width = max(1, min(width, room // max(1, 2 * tree.max_replies * (TURN_LIMIT + 1))))
    level = np.array([0], dtype=np.int64)
    for _ in range(TURN_LIMIT + 1):
        if not level.size:
            return ""
        if budget is not None and budget.out_of_time():
            return "time budget"
        try:
            tree.grow(*tree.frontier_children(level))
        except BudgetExceeded:
            return "memory budget"
        level = _children(tree, level)
        if level.size > 2 * width:
            scores = tree.provisional_overalls(level)
            order = np.lexsort((level, scores))  # by score, ties by id: deterministic
            level = distinct(np.concatenate([level[order[:width]], level[order[-width:]]]))
    return ""


def _children(tree: PlayTree, level: np.ndarray) -> np.ndarray:
    """The unfinished children of `level` (all grown)."""
    kids = tree.children[level].ravel()
    kids = kids[kids >= 0]
    return kids[~tree.ended[kids]]


def reached_ids(tree: PlayTree) -> set[str]:
    """Node and ending ids that some grown play-through reaches."""
    size = tree.size
    found = {tree.node_ids[i] for i in distinct(tree.loc[:size]).tolist()}
    endings = tree.ending[:size]
    found |= {tree.ending_ids[i] for i in distinct(endings[endings >= 0]).tolist()}
    return found


def random_play(tree: PlayTree, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
                budget: Budget | None = None) -> np.ndarray:
    """Play `runs` seeded random play-throughs at once; returns each one's final tree node.

    See the module docstring for the exact definition. Prefixes not grown yet are grown in
    one batch per turn, each distinct one once. When the tree would pass its memory budget
    (or time runs out) the runs are played again in slices, in order, and only the slices
    that finished are returned: play-through k is always the same, so a shorter result is a
    prefix of the full one. The tree keeps every slice's prefixes (the finals index them).
    """
    parts = _in_slices(tree, runs, seed, budget, lambda finals: finals, keep_prefixes=True)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def random_scores(tree: PlayTree, runs: int, seed: int,
                  budget: Budget | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(overall, grade index, outcome index) of each seeded random play-through, the same
    numbers `random_play` gives, within the tree's memory budget.

    When the runs do not fit at once they are played in slices, in order; each slice's
    scores are kept and its prefixes dropped again (`PlayTree.truncate`), so the room
    needed is one slice's, however many runs are asked for. Fewer runs come back only when
    even one run does not fit or the time budget ends first."""
    parts = _in_slices(tree, runs, seed, budget,
                       lambda finals: (tree.overall[finals], tree.grade[finals], tree.outcome[finals]),
                       keep_prefixes=False)
    if not parts:
        return np.zeros(0), np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.int8)
    return tuple(np.concatenate(column) for column in zip(*parts))  # type: ignore[return-value]


def _in_slices(tree: PlayTree, runs: int, seed: int, budget: Budget | None, take: Callable[[np.ndarray], Any],
               *, keep_prefixes: bool) -> list:
    """`take(finals)` of the seeded runs, all at once when they fit, else slice by slice in
    order (halving a slice that does not fit; a slice of one that does not fit, or the time
    budget, ends it). `keep_prefixes`: the tree keeps each slice's prefixes; else they are
    dropped once the slice is taken, so the next has the room."""
    draws = np.random.default_rng(seed).random((runs, TURN_LIMIT))
    before = tree.size
    try:
        return [take(_random_slice(tree, draws))]
    except BudgetExceeded:
        tree.truncate(before)  # keep room for the slices and the searches after this
    parts: list = []
    size, start = max(1, runs // 64), 0
    while start < runs:
        if budget is not None and budget.out_of_time():
            break
        before = tree.size
        try:
            finals = _random_slice(tree, draws[start:start + size])
        except BudgetExceeded:
            tree.truncate(before)
            if size == 1:
                break
            size //= 2  # smaller slices share less but fit
            continue
        parts.append(take(finals))
        if not keep_prefixes:
            tree.truncate(before)  # what was taken is kept; the room is needed by the next slice
        start += size
    return parts


def _random_slice(tree: PlayTree, draws: np.ndarray) -> np.ndarray:
    runs = len(draws)
    current = np.zeros(runs, dtype=np.int64)
    for turn in range(TURN_LIMIT):
        going = np.nonzero(~tree.ended[current])[0]
        if not going.size:
            break
        here = current[going]
        shown = tree.n_options[here].astype(np.int64)
        picked = np.minimum((draws[going, turn] * shown).astype(np.int64), shown - 1)
        child = tree.children[here, picked]
        missing = child < 0
        if missing.any():
            keys = distinct(here[missing] * tree.max_replies + picked[missing])
            tree.grow(keys // tree.max_replies, keys % tree.max_replies)
            child = tree.children[here, picked]
        current[going] = child
    return current


def summarise_scores(tree: PlayTree, overall: np.ndarray, grade: np.ndarray, outcome: np.ndarray, seed: int,
                     requested: int = 0) -> RandomPlay:
    """Distribution of overall, grade and outcome over random play-throughs, from their
    scores (see `random_scores`)."""
    runs = int(overall.size)
    bins = np.minimum((overall // (100 / HISTOGRAM_BINS)).astype(np.int64), HISTOGRAM_BINS - 1)
    histogram = np.bincount(bins, minlength=HISTOGRAM_BINS)
    grades = np.bincount(grade.astype(np.int64), minlength=len(tree.grade_letters))
    outcomes = np.bincount(outcome.astype(np.int64), minlength=len(OUTCOMES))
    rubric = tree.compiled.rubric
    median = float(np.median(overall)) if runs else 0.0
    return RandomPlay(
        runs=runs, seed=seed, median=round(median, 2), mean=float(overall.mean()) if runs else 0.0,
        p10=round(float(np.percentile(overall, 10)), 2) if runs else 0.0,
        p90=round(float(np.percentile(overall, 90)), 2) if runs else 0.0,
        histogram=tuple(int(c) for c in histogram),
        grades={letter: int(c) for letter, c in zip(tree.grade_letters, grades)},
        outcomes={name: int(c) for name, c in zip(OUTCOMES, outcomes)},
        passed=int((overall >= rubric.pass_mark).sum()),  # as Rubric.passes
        median_grade=rubric.grade_for(median), requested=max(requested, runs))


class _Searches:
    """Random play, then the beam search, in the scored tree: what `analyse_with_tree` does
    after the sweep, also run *during* it when the sweep is shared out (`sweep(meanwhile=)`),
    as this process would only wait while the other processes sweep. By then the sweep has let
    the tree go (it only shares out once it stopped handing states over), so both searches
    find what they would find after it. The beam search is the guess: when the sweep turns out
    small enough to score every play-through, the tree goes back to the opening and the
    searches run after it as usual. An error (BudgetExceeded) is raised where it would be."""

    def __init__(self, tree: PlayTree, runs: int, seed: int, beam_width: int, budget: Budget) -> None:
        self.tree, self.runs, self.seed, self.beam_width, self.budget = tree, runs, seed, beam_width, budget
        self.ran = False  # both searches ran during the sweep
        self._scores: Any = None
        self._random_why = ""
        self._beam: tuple[str, bool] = ("", False)
        self._error: BaseException | None = None

    def random_play(self) -> None:
        tree, budget = self.tree, self.budget
        tree.max_bytes = budget.tree_bytes // 2  # random play leaves half for the searches after it
        try:
            self._scores = random_scores(tree, self.runs, self.seed, budget) if self.runs > 0 else None
        finally:
            tree.max_bytes = budget.tree_bytes
        self._random_why = "memory budget" if not budget.out_of_time() else "time budget"

    def run(self) -> None:
        try:
            self.random_play()
            self._beam = (_grow_beam(self.tree, self.beam_width, self.budget), self.budget.out_of_time())
        except BudgetExceeded as error:  # raised after the sweep, where it would have been
            self._error = error
        self.ran = True

    def forget(self) -> None:
        """The guess missed: the tree back to the opening, as the sweep left it."""
        self.tree.truncate(1)
        self.ran = False

    def take_scores(self) -> tuple[Any, str]:
        if self._error is not None:
            raise self._error
        return self._scores, self._random_why

    def take_beam(self) -> tuple[str, bool]:
        return self._beam


# ----------------------------------------------------------------------------- the report


def analyse(scenario: Scenario, catalog: Catalog, *, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
            tree_limit: int = DEFAULT_TREE_LIMIT, sweep_limit: int = DEFAULT_SWEEP_LIMIT,
            beam_width: int = DEFAULT_BEAM_WIDTH, all_paths: bool = False,
            memory_limit_mb: float = DEFAULT_MEMORY_LIMIT_MB,
            time_limit: float = DEFAULT_TIME_LIMIT_S) -> ScenarioAnalysis:
    """Everything `customer-sim analyse` reports for one scenario (see the module docstring)."""
    return analyse_with_tree(scenario, catalog, runs=runs, seed=seed, tree_limit=tree_limit,
                             sweep_limit=sweep_limit, beam_width=beam_width, all_paths=all_paths,
                             memory_limit_mb=memory_limit_mb, time_limit=time_limit)[0]


def analyse_with_tree(scenario: Scenario, catalog: Catalog, *, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
                      tree_limit: int = DEFAULT_TREE_LIMIT, sweep_limit: int = DEFAULT_SWEEP_LIMIT,
                      beam_width: int = DEFAULT_BEAM_WIDTH,
                      all_paths: bool = False, memory_limit_mb: float = DEFAULT_MEMORY_LIMIT_MB,
                      time_limit: float = DEFAULT_TIME_LIMIT_S,
                      sweep_workers: int = 1) -> tuple[ScenarioAnalysis, PlayTree]:
    """`analyse`, plus the scored play tree it grew (the quality gates read per-turn facts from it:
    trigger traps, the moods each node is reached in, the surface strategies' play-throughs).

    Every phase stays within `memory_limit_mb` and `time_limit` (see analysis_budget); what
    was proven and what was only sampled is in `ScenarioAnalysis.budget`. Raises
    BudgetExceeded (with a sentence saying why) when the scenario cannot be played at all
    within the memory limit. `sweep_workers` > 1 shares the sweep out between that many
    processes (play_sweep.py); the analysis is the same."""
    _check_tables(scenario, catalog, memory_limit_mb)
    tree = PlayTree(scenario, catalog)
    budget = plan(tree.stepper, memory_limit_mb=memory_limit_mb, time_limit=time_limit, sweep_limit=sweep_limit)
    tree.max_bytes = budget.tree_bytes
    notes = BudgetReport(memory_limit_mb, time_limit, budget.row, budget.tree_rows, budget.frontier_rows)
    # While the whole tree fits --tree-limit the sweep hands its states to the scored tree, so
    # a small scenario is stepped once: the sweep's proofs and every scored play-through
    early = _Searches(tree, runs, seed, beam_width, budget)
    swept = sweep(tree.stepper, budget.sweep_limit, max_frontier=budget.frontier_rows, deadline=budget.deadline,
                  adopt=tree.adopt, adopt_limit=min(tree_limit, budget.tree_rows), abandon=tree.forget_adopted,
                  workers=sweep_workers, meanwhile=early.run)
    tree.score_adopted()
    if swept.complete:
        notes.proven.append(f"reachability, dead ends and skill chances: all {swept.prefixes:,} prefixes")
    else:
        why = swept.cut if swept.cut != "prefix limit" or budget.sweep_limit == sweep_limit else "memory budget"
        notes.sample(f"reachability, dead ends and skill chances from the first {swept.prefixes:,} prefixes", why)
    wants_all = swept.complete and swept.prefixes <= tree_limit
    if early.ran and wants_all:  # the sweep turned out small enough to score whole: start again
        early.forget()
    if not early.ran:
        early.random_play()
    scores, random_why = early.take_scores()
    if scores is not None and scores[0].size < runs:
        notes.sample(f"random play: {scores[0].size:,} of {runs:,} runs", random_why)
    exhaustive = wants_all and _grow_all(tree, tree_limit, budget)
    if exhaustive:
        notes.proven.append(f"best and worst paths: every play-through scored ({tree.size:,} prefixes)")
    else:
        stopped, out_of_time = early.take_beam() if early.ran else (_grow_beam(tree, beam_width, budget),
                                                                   budget.out_of_time())
        why = stopped or ("time budget" if out_of_time else
                          "not every prefix was swept" if not swept.complete else
                          f"more than --tree-limit {tree_limit:,} prefixes" if swept.prefixes > tree_limit else
                          "memory budget")
        notes.sample("best and worst paths: beam search" + (" (cut short)" if stopped else ""), why)
    # examples the sweep found are grown in the scored tree too, so they come with grades
    for choices in [*swept.ending_examples.values(), *(stop.example for stop in swept.stops)]:
        try:
            tree.follow(choices)
        except BudgetExceeded:
            notes.sample("example play-throughs", "memory budget")
            break
    leaves = tree.leaves()

    graph = structure(scenario)
    structural = graph.reachable
    reached = set(swept.reached) | reached_ids(tree)
    every_id = [*scenario.nodes, *scenario.endings]
    random = summarise_scores(tree, *scores, seed, runs) if scores is not None else None
    best = _pick(tree, leaves, best=True)
    worst = _pick(tree, leaves, best=False)
    complete_leaves = leaves[tree.reason[leaves] == BY_ENDING]
    return ScenarioAnalysis(
        scenario_id=scenario.id, title=scenario.title, path=scenario.path, difficulty=scenario.difficulty,
        measured_difficulty=measured_difficulty(random), persona=scenario.customer.persona,
        node_count=len(scenario.nodes), ending_count=len(scenario.endings),
        search="exhaustive" if exhaustive else "beam", complete=swept.complete, prefixes=swept.prefixes,
        scored_prefixes=tree.size,
        complete_paths=swept.complete_paths if swept.complete else max(swept.complete_paths, complete_leaves.size),
        longest=max(swept.longest, int(tree.depth[leaves].max()) if leaves.size else 0),
        unreachable=graph.unreachable,
        unreached_in_play=tuple(i for i in every_id if i in structural and i not in reached),
        dead_ends=tuple(_dead_ends(graph, tree, swept)),
        endings=tuple(_endings(tree, leaves, swept)),
        best=summary_of(tree, best) if best is not None else None,
        worst=summary_of(tree, worst) if worst is not None else None,
        skill_chances=tuple(_skill_chances(tree, swept, complete_leaves)),
        random=random, pass_grade=tree.compiled.rubric.pass_grade, grades=tree.grade_letters,
        all_paths=tuple(summary_of(tree, leaf) for leaf in _in_path_order(tree, leaves)) if all_paths else (),
        budget=notes,
    ), tree


def _check_tables(scenario: Scenario, catalog: Catalog, memory_limit_mb: float) -> None:
    """BudgetExceeded before building per-node tables that would not fit the memory limit."""
    widest = max((len(node.replies) for node in scenario.nodes.values()), default=1)
    acts = max((len(reply.acts) for node in scenario.nodes.values() for reply in node.replies), default=1)
    why = check_static(len(scenario.nodes), max(1, widest), len(catalog.mood.dimensions), len(catalog.acts),
                       max(1, acts), memory_limit_mb)
    if why:
        raise BudgetExceeded(why)


def measured_difficulty(random: RandomPlay | None) -> int:
    """1..3 from random play's pass rate (see DIFFICULTY_PASS_RATE_CUTS); 0 when not measured."""
    if random is None or random.runs == 0:
        return 0
    rate = random.passed / random.runs
    for cut, level in DIFFICULTY_PASS_RATE_CUTS:
        if rate >= cut:
            return level
    return 3


def summary_of(tree: PlayTree, leaf: int) -> PathSummary:
    """A tree leaf as a PathSummary."""
    ending = int(tree.ending[leaf])
    reason = int(tree.reason[leaf])
    return PathSummary(
        choices=tuple(c + 1 for c in tree.path(leaf)), outcome=OUTCOMES[int(tree.outcome[leaf])],
        ending_id=tree.ending_ids[ending] if ending >= 0 else None, overall=float(tree.overall[leaf]),
        grade=tree.grade_letters[int(tree.grade[leaf])],
        skills={s: int(v) for s, v in zip(SKILLS, tree.skills[leaf].tolist())},
        chances={s: int(v) for s, v in zip(SKILLS, tree.chances[leaf].tolist())},
        stopped="" if reason == BY_ENDING else REASONS[reason])


def _pick(tree: PlayTree, leaves: np.ndarray, *, best: bool) -> int | None:
    """Highest (or lowest) overall; ties go to the shortest, then the smallest choice numbers."""
    if not leaves.size:
        return None
    scores = tree.overall[leaves]
    target = scores.max() if best else scores.min()
    return first_in_path_order(tree, leaves[scores == target])


def first_in_path_order(tree: PlayTree, candidates: np.ndarray) -> int:
    """The shortest candidate, ties broken by the lexicographically smallest choices."""
    depth = tree.depth[candidates]
    shortest = candidates[depth == depth.min()]
    if shortest.size == 1:
        return int(shortest[0])
    return min(shortest.tolist(), key=tree.path)


def _in_path_order(tree: PlayTree, leaves: np.ndarray) -> list[int]:
    return sorted(leaves.tolist(), key=tree.path)


def _endings(tree: PlayTree, leaves: np.ndarray, swept: SweepResult) -> list[EndingReach]:
    out = []
    for index, ending_id in enumerate(tree.ending_ids):
        here = leaves[tree.ending[leaves] == index]
        example = _pick(tree, here, best=True)
        paths = swept.ending_paths.get(ending_id, 0)
        if not swept.complete:
            paths = max(paths, int(here.size))
        out.append(EndingReach(ending_id, tree.scenario.endings[ending_id].outcome, paths,
                               summary_of(tree, example) if example is not None else None))
    return out


def _dead_ends(graph: Structure, tree: PlayTree, swept: SweepResult) -> list[DeadEnd]:
    """Structural (`scenario.graph`'s dead ends, in file order) first, then stops found in play."""
    out = [DeadEnd(node_id, "no ending can be reached from here") for node_id in graph.dead_ends]
    found = {(stop.node_id, stop.reason): stop for stop in swept.stops}
    if not swept.complete:  # the scored tree may have met stops the partial sweep did not reach
        leaves = tree.leaves()
        stopped = leaves[tree.reason[leaves] != BY_ENDING]
        for leaf in sorted(stopped.tolist(), key=lambda i: (int(tree.depth[i]), tree.path(i))):
            key = (tree.node_ids[int(tree.loc[leaf])], REASONS[int(tree.reason[leaf])])
            if key not in found:
                found[key] = Stop(key[0], key[1], int(((tree.loc[stopped] == tree.loc[leaf])
                                                       & (tree.reason[stopped] == tree.reason[leaf])).sum()),
                                  tuple(tree.path(leaf)))
    for (node_id, reason), stop in sorted(found.items()):
        out.append(DeadEnd(node_id, reason, stop.count, tuple(c + 1 for c in stop.example)))
    return out


def _skill_chances(tree: PlayTree, swept: SweepResult, complete_leaves: np.ndarray) -> list[SkillChances]:
    """From the sweep (every complete path); from the scored leaves when the sweep was cut short."""
    out = []
    if swept.complete:
        for skill in SKILLS:
            if skill in swept.fewest_chances:
                fewest, example = swept.fewest_chances[skill]
                out.append(SkillChances(skill, fewest, swept.most_chances[skill], tuple(c + 1 for c in example)))
        return out
    if not complete_leaves.size:
        return out
    chances = tree.chances[complete_leaves]
    for i, skill in enumerate(SKILLS):
        fewest = int(chances[:, i].min())
        weakest = first_in_path_order(tree, complete_leaves[chances[:, i] == fewest])
        out.append(SkillChances(skill, fewest, int(chances[:, i].max()),
                                tuple(c + 1 for c in tree.path(weakest))))
    return out


def random_only(scenario: Scenario, catalog: Catalog, *, runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
                memory_limit_mb: float = DEFAULT_MEMORY_LIMIT_MB,
                time_limit: float = DEFAULT_TIME_LIMIT_S) -> RandomPlay:
    """Only the seeded random-play distribution: the quick check a trainer runs while writing.

    The same tree, budget and draws as `analyse_with_tree` uses for its random play, without
    the sweep and the searches, so the numbers equal the full report's for the same seed."""
    _check_tables(scenario, catalog, memory_limit_mb)
    tree = PlayTree(scenario, catalog)
    budget = plan(tree.stepper, memory_limit_mb=memory_limit_mb, time_limit=time_limit,
                  sweep_limit=DEFAULT_SWEEP_LIMIT)
    tree.max_bytes = budget.tree_bytes // 2  # as in the full analysis
    return summarise_scores(tree, *random_scores(tree, runs, seed, budget), seed, runs)
