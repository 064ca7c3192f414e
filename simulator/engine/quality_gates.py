"""Quality gates a shipped scenario must pass, judged from an `analyse` result.

For content tests:

    from simulator.engine.analysis import analyse
    from simulator.engine.quality_gates import check_gates
    failures = check_gates(analyse(scenario, catalog))
    assert not failures, "\\n".join(failures)

Each failure is one line naming the scenario and the gate, then what is wrong and the
choice numbers to reproduce it with `customer-sim run --choices`.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.analysis import ScenarioAnalysis
from simulator.engine.analysis_defaults import DEFAULT_MIN_SKILL_CHANCES

EVERY_ENDING = "every ending reachable"
EVERY_NODE = "every node reachable"
NO_DEAD_ENDS = "no dead ends"
BEST_IS_TOP = "best path graded A"
WORST_IS_BOTTOM = "worst path graded F"
RANDOM_FAILS = "median random play below pass"
SKILLS_SCORABLE = "each skill scorable on every path"
GATES: tuple[str, ...] = (EVERY_ENDING, EVERY_NODE, NO_DEAD_ENDS, BEST_IS_TOP, WORST_IS_BOTTOM, RANDOM_FAILS,
                          SKILLS_SCORABLE)


@dataclass(frozen=True, slots=True)
class GateResult:
    gate: str
    ok: bool
    detail: str  # what was found (for a pass: the evidence; for a failure: what to fix)


def gate_results(analysis: ScenarioAnalysis, *, min_skill_chances: int = DEFAULT_MIN_SKILL_CHANCES) -> list[GateResult]:
    """Every gate, passed or not, in GATES order."""
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
                              ("stuck at " + "; ".join(stuck) if stuck else "none found") + unproven))

    top, bottom = a.grades[0], a.grades[-1]
    if a.best is None:
        results.append(GateResult(BEST_IS_TOP, False, "no play-through was found"))
        results.append(GateResult(WORST_IS_BOTTOM, False, "no play-through was found"))
    else:
        results.append(GateResult(BEST_IS_TOP, a.best.grade == top,
                                  f"best is {a.best.grade} ({a.best.overall:g}), --choices {a.best.choices_text}"))
        results.append(GateResult(WORST_IS_BOTTOM, a.worst.grade == bottom,
                                  f"worst is {a.worst.grade} ({a.worst.overall:g}), --choices {a.worst.choices_text}"))

    if a.random is None:
        results.append(GateResult(RANDOM_FAILS, False, "random play was not run (--runs 0)"))
    else:
        r = a.random
        passing = r.median_grade in a.grades[:a.grades.index(a.pass_grade) + 1]
        results.append(GateResult(RANDOM_FAILS, not passing,
                                  f"median of {r.runs:,} random play-throughs is {r.median:g} ({r.median_grade}); "
                                  f"pass is {a.pass_grade}"))

    thin = [f"{c.skill} {c.fewest} (--choices {','.join(map(str, c.weakest))})"
            for c in a.skill_chances if c.fewest < min_skill_chances]
    if not a.skill_chances:
        results.append(GateResult(SKILLS_SCORABLE, False, "no complete play-through was found"))
    else:
        results.append(GateResult(SKILLS_SCORABLE, not thin and a.complete,
                                  (f"fewer than {min_skill_chances} chances on some path: " + "; ".join(thin) if thin
                                   else f"every skill has at least {min(c.fewest for c in a.skill_chances)} "
                                        f"chances on every complete path") + unproven))
    return results


def check_gates(analysis: ScenarioAnalysis, *, min_skill_chances: int = DEFAULT_MIN_SKILL_CHANCES) -> list[str]:
    """One line per failed gate: '<scenario id> (<path>): gate "<gate>" failed: <detail>'."""
    return [f'{analysis.scenario_id} ({analysis.path}): gate "{r.gate}" failed: {r.detail}'
            for r in gate_results(analysis, min_skill_chances=min_skill_chances) if not r.ok]
