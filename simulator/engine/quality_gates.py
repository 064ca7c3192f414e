"""The quality gates a scenario must pass before trainees see it: one function for everyone.

`customer-sim analyse --check` and the library's content tests call the same code, so a
trainer and CI check the same thing:

    from simulator.engine.quality_gates import check_library_gates
    failures = check_library_gates(scenario, catalog, diagnostics=load_diagnostics)
    assert not failures, "\\n".join(failures)

Each failure is one line naming the scenario and the gate, what is wrong, and (where a
play-through shows it) the `customer-sim run` command that replays it.

The gates, in GATES order:
  from the analysis (`gate_results`): every ending reachable, every node reachable, no dead
    ends, best path graded A, worst path graded F, median random play below pass, each skill
    scorable on every path (a failure names the nodes on the weakest path with no chance);
  from the authoring guide: validates with no warnings, difficulty matches analyse, 15 to 40
    nodes, the endings a library scenario needs, a coaching note on every reply, two or more
    replies at every node, lines change with mood, walk_out and escalate triggers;
  from playing the screen alone (`surface_strategies`): one gate per strategy, each must grade
    below pass in the game's shuffled order;
  from the play warnings (`play_lints`): the best path is not led by the longest reply (S401),
    no trigger traps (S402, S403).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from simulator.engine.analysis import ScenarioAnalysis, analyse_with_tree
from simulator.engine.analysis_defaults import DEFAULT_MIN_SKILL_CHANCES, DEFAULT_RUNS, DEFAULT_SEED
from simulator.engine.batch_play import PlayTree
from simulator.engine.node_moods import MoodReach, expressions_reached, node_moods, shown_variants, unshown_variants
from simulator.engine.play_lints import run_play_lints
from simulator.engine.surface_strategies import SEEDS, STRATEGIES, StrategyResult, on_growable_tree, play_strategies
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.model import SKILLS, Scenario
from simulator.scenario.rubric_terms import passing_letters

EVERY_ENDING = "every ending reachable"
EVERY_NODE = "every node reachable"
NO_DEAD_ENDS = "no dead ends"
BEST_IS_TOP = "best path graded A"
WORST_IS_BOTTOM = "worst path graded F"
RANDOM_FAILS = "median random play below pass"
SKILLS_SCORABLE = "each skill scorable on every path"
ANALYSER_GATES: tuple[str, ...] = (EVERY_ENDING, EVERY_NODE, NO_DEAD_ENDS, BEST_IS_TOP, WORST_IS_BOTTOM,
                                   RANDOM_FAILS, SKILLS_SCORABLE)

VALIDATES_CLEAN = "validates with no warnings"
DIFFICULTY_MATCHES = "difficulty matches analyse"
NODE_COUNT = "15 to 40 nodes"
ENDING_SHAPE = "a delighted and a walked-out or escalated ending"
EVERY_NOTE = "a coaching note on every reply"
REAL_CHOICES = "two or more replies at every node"
MOOD_LINES = "lines change with mood"
BAIL_TRIGGERS = "walk_out and escalate triggers"
GUIDE_GATES: tuple[str, ...] = (VALIDATES_CLEAN, DIFFICULTY_MATCHES, NODE_COUNT, ENDING_SHAPE, EVERY_NOTE,
                                REAL_CHOICES, MOOD_LINES, BAIL_TRIGGERS)

SURFACE_PREFIX = "surface strategy fails: "
SURFACE_GATES: tuple[str, ...] = tuple(SURFACE_PREFIX + s.name for s in STRATEGIES)

NOT_LONGEST = "best path not led by the longest reply"
NO_TRIGGER_TRAPS = "no trigger traps"
PLAY_GATES: tuple[str, ...] = (NOT_LONGEST, NO_TRIGGER_TRAPS)

GATES: tuple[str, ...] = ANALYSER_GATES + GUIDE_GATES + SURFACE_GATES + PLAY_GATES

NODES_MIN, NODES_MAX = 15, 40
MOOD_LINE_SHARE = 0.8  # nodes whose `say` has two or more different lines
_LISTED = 8


@dataclass(frozen=True, slots=True)
class GateResult:
    gate: str
    ok: bool
    detail: str  # what was found (for a pass: the evidence; for a failure: what to fix)
    replay: tuple[str, ...] = ()  # `customer-sim run ...` commands that show the failure

    def as_json(self) -> dict:
        return {"gate": self.gate, "ok": self.ok, "detail": self.detail, "replay": list(self.replay)}


@dataclass
class GateReport:
    """Every gate for one scenario, plus what the report shows beside them."""

    scenario_id: str
    path: str
    results: list[GateResult]
    warnings: list[Diagnostic] = field(default_factory=list)  # from playing (S4xx)
    surface: list[StrategyResult] = field(default_factory=list)
    moods: dict[str, tuple[MoodReach, ...]] = field(default_factory=dict)
    analysis: ScenarioAnalysis | None = None  # what the gates were judged from
    unshown: dict[str, tuple[str, ...]] = field(default_factory=dict)  # node -> `say` labels play never shows

    @property
    def failures(self) -> list[GateResult]:
        return [r for r in self.results if not r.ok]

    def failure_lines(self) -> list[str]:
        """One line per failed gate: '<id> (<path>): gate "<gate>" failed: <detail>[; replay: ...]'."""
        return [f'{self.scenario_id} ({self.path}): gate "{r.gate}" failed: {r.detail}'
                + "".join(f"; replay: {command}" for command in r.replay) for r in self.failures]


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_LISTED])
    return shown + (f" and {len(items) - _LISTED} more" if len(items) > _LISTED else "")


def _run(path: str, choices: Iterable[int], seed: int | None = None) -> str:
    seeded = f" --seed {seed}" if seed is not None else ""
    return f"customer-sim run {path}{seeded} --choices {','.join(map(str, choices))}"


# ----------------------------------------------------------------------------- from the analysis


def gate_results(analysis: ScenarioAnalysis, *, min_skill_chances: int = DEFAULT_MIN_SKILL_CHANCES,
                 tree: PlayTree | None = None) -> list[GateResult]:
    """The analyser's gates, passed or not, in ANALYSER_GATES order.

    With the analysis's `tree`, a failing skill gate also names the nodes on the weakest path
    whose screen offers no chance to show the skill.
    """
    a = analysis
    unproven = "" if a.complete else (" (the search was a beam, not exhaustive, so this is unproven; "
                                      "analyse with a larger --tree-limit)")
    results = []

    missing = [e.ending_id for e in a.endings if e.paths == 0]
    results.append(GateResult(EVERY_ENDING, not missing and a.complete,
                              (f"no play-through reaches {', '.join(missing)}" if missing
                               else f"all {len(a.endings)} endings reached") + unproven))

    nodes = [i for i in (*a.unreachable, *a.unreached_in_play) if i not in {e.ending_id for e in a.endings}]
    results.append(GateResult(EVERY_NODE, not nodes and a.complete,
                              (f"never reached: {', '.join(nodes)}" if nodes else f"all {a.node_count} nodes reached")
                              + unproven))

    stuck = [f"{d.node_id} ({d.reason}" + (f", e.g. --choices {','.join(map(str, d.example))})" if d.example else ")")
             for d in a.dead_ends]
    results.append(GateResult(NO_DEAD_ENDS, not stuck and a.complete,
                              ("stuck at " + "; ".join(stuck) if stuck else "none found") + unproven,
                              tuple(_run(a.path, d.example) for d in a.dead_ends if d.example)))

    top, bottom = a.grades[0], a.grades[-1]
    if a.best is None:
        results.append(GateResult(BEST_IS_TOP, False, "no play-through was found"))
        results.append(GateResult(WORST_IS_BOTTOM, False, "no play-through was found"))
    else:
        ok = a.best.grade == top
        results.append(GateResult(BEST_IS_TOP, ok,
                                  f"best is {a.best.grade} ({a.best.overall:g}), --choices {a.best.choices_text}",
                                  () if ok else (_run(a.path, a.best.choices),)))
        ok = a.worst.grade == bottom
        results.append(GateResult(WORST_IS_BOTTOM, ok,
                                  f"worst is {a.worst.grade} ({a.worst.overall:g}), --choices {a.worst.choices_text}",
                                  () if ok else (_run(a.path, a.worst.choices),)))

    if a.random is None:
        results.append(GateResult(RANDOM_FAILS, False, "random play was not run (--runs 0)"))
    else:
        r = a.random
        passing = r.median_grade in passing_letters(a.grades, a.pass_grade)
        results.append(GateResult(RANDOM_FAILS, not passing,
                                  f"median of {r.runs:,} random play-throughs is {r.median:g} ({r.median_grade}); "
                                  f"pass is {a.pass_grade}"))

    results.append(_skill_gate(a, min_skill_chances, tree, unproven))
    return results


def _skill_gate(a: ScenarioAnalysis, least: int, tree: PlayTree | None, unproven: str) -> GateResult:
    if not a.skill_chances:
        return GateResult(SKILLS_SCORABLE, False, "no complete play-through was found")
    thin = [c for c in a.skill_chances if c.fewest < least]
    if not thin:
        return GateResult(SKILLS_SCORABLE, a.complete,
                          f"every skill has at least {min(c.fewest for c in a.skill_chances)} "
                          f"chances on every complete path" + unproven)
    parts = []
    for c in thin:
        part = f"{c.skill} {c.fewest} (--choices {','.join(map(str, c.weakest))})"
        if tree is not None:
            blank = on_growable_tree(tree, lambda t, c=c: nodes_without_chance(t, c.weakest, c.skill))
            part += f": no {c.skill} chance at {_listed(blank)}" if blank else ""
        parts.append(part)
    return GateResult(SKILLS_SCORABLE, False,
                      f"fewer than {least} chances on some path: " + "; ".join(parts) + unproven,
                      tuple(dict.fromkeys(_run(a.path, c.weakest) for c in thin)))


def nodes_without_chance(tree: PlayTree, choices: Sequence[int], skill: str) -> list[str]:
    """Nodes on the path (1-based authored choices) whose screen offers no chance for `skill`,
    in path order (a node met twice is named once)."""
    column = SKILLS.index(skill)
    node, blank = 0, []
    for choice in choices:
        if not tree.screen_chances[node, column]:
            blank.append(tree.node_ids[int(tree.loc[node])])
        child = int(tree.children[node, choice - 1])
        node = child if child >= 0 else int(tree.grow(np.array([node]), np.array([choice - 1]))[0])
    return list(dict.fromkeys(blank))


# ----------------------------------------------------------------------------- from the guide


def guide_results(scenario: Scenario, analysis: ScenarioAnalysis,
                  diagnostics: Sequence[Diagnostic] = ()) -> list[GateResult]:
    """The authoring guide's gates (section 9), in GUIDE_GATES order."""
    s = scenario
    results = []
    own = [d for d in diagnostics if d.path == s.path]
    results.append(GateResult(VALIDATES_CLEAN, not own,
                              "no errors or warnings" if not own else
                              "; ".join(f"{d.line}:{d.column} {d.severity}[{d.code}] {d.message}" for d in own)))

    if analysis.random is None or analysis.random.runs == 0:
        results.append(GateResult(DIFFICULTY_MATCHES, False, "random play was not run (--runs 0), so nothing "
                                                             "was measured"))
    else:
        r = analysis.random
        results.append(GateResult(DIFFICULTY_MATCHES, s.difficulty == analysis.measured_difficulty,
                                  f"declares {s.difficulty}, measured {analysis.measured_difficulty} "
                                  f"({r.passed / r.runs:.1%} of random play-throughs pass)"))

    n = len(s.nodes)
    results.append(GateResult(NODE_COUNT, NODES_MIN <= n <= NODES_MAX, f"{n} nodes"))

    outcomes = sorted({e.outcome for e in s.endings.values()})
    wanted = []
    if "delighted" not in outcomes:
        wanted.append("a delighted ending")
    if not {"escalated", "walked-out"} & set(outcomes):
        wanted.append("an escalated or walked-out ending")
    if len(outcomes) < 3:
        wanted.append("three different outcomes")
    results.append(GateResult(ENDING_SHAPE, not wanted, f"outcomes {', '.join(outcomes)}"
                              + (f"; needs {', '.join(wanted)}" if wanted else "")))

    silent = [f"{node.id} reply {i}" for node in s.nodes.values() for i, r in enumerate(node.replies, 1)
              if not r.note.strip()]
    total = sum(len(node.replies) for node in s.nodes.values())
    results.append(GateResult(EVERY_NOTE, not silent, f"no note on {_listed(silent)}" if silent
                              else f"all {total} replies have a note"))

    single = [node.id for node in s.nodes.values() if len(node.replies) < 2]
    results.append(GateResult(REAL_CHOICES, not single, f"fewer than two replies at {_listed(single)}" if single
                              else "every node offers a choice"))

    flat = [node.id for node in s.nodes.values() if len({v.text for v in node.say}) < 2]
    varied = n - len(flat)
    results.append(GateResult(MOOD_LINES, n > 0 and varied >= MOOD_LINE_SHARE * n,
                              f"{varied} of {n} nodes have lines for different moods (at least "
                              f"{MOOD_LINE_SHARE:.0%} must)" + (f"; one line only: {_listed(flat)}" if flat else "")))

    thresholds = {t.when.threshold for t in s.triggers if t.when.threshold}
    lacking = [name for name in ("walk_out", "escalate") if name not in thresholds]
    results.append(GateResult(BAIL_TRIGGERS, not lacking,
                              f"triggers use {', '.join(sorted(thresholds)) or 'no threshold'}"
                              + (f"; add a trigger for {' and '.join(lacking)}" if lacking else "")))
    return results


# ----------------------------------------------------------------------------- from playing


def surface_results(path: str, strategies: Sequence[StrategyResult]) -> list[GateResult]:
    """One gate per surface strategy, in SURFACE_GATES order."""
    out = []
    for r in strategies:
        e = r.example
        seeds = len(r.plays)
        detail = (f"median {r.median:g} ({r.median_grade}) over {seeds} seeds, {r.passed_seeds} of {seeds} pass"
                  + (f"; e.g. seed {e.seed} scores {e.grade} {e.overall:g} ({e.outcome})" if r.passes else ""))
        out.append(GateResult(SURFACE_PREFIX + r.name, not r.passes, detail,
                              (r.replay_command(path),) if r.passes else ()))
    return out


def play_results(analysis: ScenarioAnalysis, warnings: Sequence[Diagnostic]) -> list[GateResult]:
    """The gates behind the play warnings, in PLAY_GATES order."""
    longest = [d for d in warnings if d.code == "S401"]
    traps = [d for d in warnings if d.code in ("S402", "S403")]
    best = analysis.best
    out = [GateResult(NOT_LONGEST, not longest,
                      longest[0].message if longest else
                      ("the best path's reply is the longest on screen in at most half its turns" if best
                       else "no best path was found"),
                      (_run(analysis.path, best.choices),) if longest and best else ())]
    out.append(GateResult(NO_TRIGGER_TRAPS, not traps,
                          f"{len(traps)} warning{'s' if len(traps) != 1 else ''} "
                          f"({', '.join(sorted({d.code for d in traps}))}; see the play warnings): "
                          + " | ".join(d.message for d in traps[:3]) if traps else "none found"))
    return out


# ----------------------------------------------------------------------------- everything


def judge(scenario: Scenario, analysis: ScenarioAnalysis, tree: PlayTree, *,
          diagnostics: Sequence[Diagnostic] = (), min_skill_chances: int = DEFAULT_MIN_SKILL_CHANCES,
          seeds: Sequence[int] = SEEDS) -> GateReport:
    """Every gate in GATES order for a scenario already analysed (`analyse_with_tree`).

    `diagnostics` are the loader's for this scenario's file (warnings fail VALIDATES_CLEAN).
    """
    strategies = on_growable_tree(tree, lambda t: play_strategies(t, seeds))
    warnings = run_play_lints(scenario, tree, analysis)
    results = (gate_results(analysis, min_skill_chances=min_skill_chances, tree=tree)
               + guide_results(scenario, analysis, diagnostics)
               + surface_results(scenario.path, strategies)
               + play_results(analysis, warnings))
    moods = node_moods(tree)
    shown = shown_variants(scenario, expressions_reached(moods), tree.compiled.mood.expressions)
    return GateReport(scenario.id, scenario.path, results, warnings, strategies, moods, analysis,
                      unshown_variants(scenario, shown))


def library_gates(scenario: Scenario, catalog: Catalog, *, diagnostics: Sequence[Diagnostic] = (),
                  runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
                  min_skill_chances: int = DEFAULT_MIN_SKILL_CHANCES) -> GateReport:
    """Analyse `scenario` with the `analyse` defaults and judge every gate."""
    analysis, tree = analyse_with_tree(scenario, catalog, runs=runs, seed=seed)
    return judge(scenario, analysis, tree, diagnostics=diagnostics, min_skill_chances=min_skill_chances)


def check_library_gates(scenario: Scenario, catalog: Catalog, *, diagnostics: Sequence[Diagnostic] = (),
                        runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED,
                        min_skill_chances: int = DEFAULT_MIN_SKILL_CHANCES) -> list[str]:
    """One line per failed gate (see GateReport.failure_lines); [] when every gate passes."""
    return library_gates(scenario, catalog, diagnostics=diagnostics, runs=runs, seed=seed,
                         min_skill_chances=min_skill_chances).failure_lines()
