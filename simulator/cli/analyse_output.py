"""What `customer-sim analyse` prints: one scenario's text report or JSON document, and the
library table for a folder."""

from __future__ import annotations

from simulator.engine.analysis import HISTOGRAM_BINS, PathSummary, ScenarioAnalysis
from simulator.engine.quality_gates import GateReport
from simulator.scenario.formatting import format_diagnostics
from simulator.scenario.model import SKILLS

NUMBERING = ("choices are numbered in authored order; the game shuffles them "
             "(a surface-strategy replay gives the attempt's --seed)")

BAR_WIDTH = 40
LIBRARY_COLUMNS = ("scenario", "nodes", "endings", "best", "worst", "median", "difficulty", "measured", "gates")


def render_text(a: ScenarioAnalysis, report: GateReport) -> str:
    """The readable report for one scenario."""
    out: list[str] = []
    out.append(f"== {a.title} ({a.scenario_id}) - {a.path}")
    out.append(f"   persona {a.persona}, {a.node_count} nodes, {a.ending_count} endings, "
               f"difficulty {a.difficulty} (measured {a.measured_difficulty or '-'})")
    out.append(f"   {NUMBERING}")
    if a.complete:
        out.append(f"   every play-through was played: {a.complete_paths:,} reach an ending "
                   f"({a.prefixes:,} prefixes, longest {a.longest} turns)")
    else:
        out.append(f"   the play tree is larger than --sweep-limit or the budget: only {a.prefixes:,} prefixes were played, "
                   f"so reachability, dead ends and skill chances below are partial")
    if a.search == "exhaustive":
        out.append("   best and worst: every play-through was scored, so they are the true extremes")
    else:
        out.append(f"   best and worst: too many play-throughs to score them all; a beam search scored "
                   f"{a.scored_prefixes:,} prefixes, so they are the best and worst found (raise --tree-limit)")

    if a.budget is not None and a.budget.limited:  # what the memory/time budget left unproven
        out.extend("   " + line for line in a.budget.lines())
    out.append("\nReachability")
    if not a.unreachable and not a.unreached_in_play:
        out.append("  every node and ending can be reached in play")
    if a.unreachable:
        out.append(f"  unreachable (no reply or trigger leads there): {', '.join(a.unreachable)}")
    if a.unreached_in_play:
        word = "never reached in play" if a.complete else "not reached by the search"
        out.append(f"  on the map but {word} (conditions/mood rule it out): {', '.join(a.unreached_in_play)}")
    if a.dead_ends:
        out.append("  dead ends:")
        for d in a.dead_ends:
            example = f" - {d.paths:,} play-throughs, e.g. --choices {_choices(d.example)}" if d.example else ""
            out.append(f"    {d.node_id}: {d.reason}{example}")
    else:
        out.append("  dead ends: none")

    out.append("\nEndings")
    width = max((len(e.ending_id) for e in a.endings), default=6)
    for e in a.endings:
        if e.example is None:
            found = "never reached" if a.complete else "not found by the search"
            out.append(f"  {e.ending_id:<{width}}  {e.outcome:<10}  {found}")
        else:
            out.append(f"  {e.ending_id:<{width}}  {e.outcome:<10}  {e.paths:>7,} paths, best "
                       f"{e.example.grade} {e.example.overall:g}: --choices {e.example.choices_text}")

    for label, path in (("Best path", a.best), ("Worst path", a.worst)):
        out.append("")
        out.extend(_path_lines(label, path))

    if a.skill_chances:
        out.append("\nSkill chances (turns on a path whose replies let the trainee show the skill)")
        out.append(f"  {'skill':<10} {'best':>5} {'worst':>5}   fewest / most on any complete path")
        for c in a.skill_chances:
            best = a.best.chances.get(c.skill, 0) if a.best else 0
            worst = a.worst.chances.get(c.skill, 0) if a.worst else 0
            out.append(f"  {c.skill:<10} {best:>5} {worst:>5}   {c.fewest} / {c.most}"
                       f"   (fewest: --choices {_choices(c.weakest)})")

    if a.random is not None:
        r = a.random
        out.append(f"\nRandom play: {r.runs:,} play-throughs, seed {r.seed} "
                   f"(each turn picks floor(u x replies shown), u uniform in [0, 1))")
        rate = r.passed / r.runs if r.runs else 0.0
        out.append(f"  overall median {r.median:g} ({r.median_grade}), mean {r.mean:.1f}, p10 {r.p10:g}, "
                   f"p90 {r.p90:g}; {rate:.1%} pass ({a.pass_grade} or better)")
        peak = max(r.histogram) or 1
        step = 100 // HISTOGRAM_BINS
        for i, count in enumerate(r.histogram):
            low = i * step
            high = 100 if i == HISTOGRAM_BINS - 1 else low + step - 1
            bar = "#" * round(BAR_WIDTH * count / peak)
            out.append(f"  {low:>3}-{high:<3} {bar:<{BAR_WIDTH}} {count:,}")
        out.append("  grades    " + ", ".join(f"{g} {n:,}" for g, n in r.grades.items()))
        out.append("  outcomes  " + ", ".join(f"{o} {n:,}" for o, n in r.outcomes.items()))

    if a.all_paths:
        out.append(f"\nAll complete play-throughs found ({len(a.all_paths):,})")
        for p in a.all_paths:
            chances = " ".join(f"{s[:3]}{p.chances[s]}" for s in SKILLS)
            where = p.ending_id or f"stopped: {p.stopped}"
            out.append(f"  {p.grade} {p.overall:>5g}  {p.outcome:<10} {where:<20} [{chances}]  "
                       f"--choices {p.choices_text}")

    out.extend(_moods_lines(report, every=a.search == "exhaustive"))
    out.extend(_surface_lines(report))
    if report.warnings:
        out.append(f"\nPlay warnings ({len(report.warnings)}; found by playing every path)")
        out.append(format_diagnostics(report.warnings).rstrip("\n"))

    failures = report.failures
    out.append(f"\nQuality gates ({len(report.results) - len(failures)} of {len(report.results)} pass)")
    for g in report.results:
        out.append(f"  {'ok  ' if g.ok else 'FAIL'}  {g.gate}: {g.detail}")
        for command in g.replay:
            out.append(f"          replay: {command}")
    return "\n".join(out) + "\n"


def _moods_lines(report: GateReport, every: bool) -> list[str]:
    if not report.moods:
        return []
    out = ["\nMoods per node (each expression a node is reached in, the `say` line shown then when "
           "it is another label's, and in how many ways of playing; "
           + ("every play-through)" if every else "only the play-throughs the search scored, so partial)")]
    width = max(len(node_id) for node_id in report.moods)
    for node_id, reaches in report.moods.items():
        if not reaches:
            out.append(f"  {node_id:<{width}}  never reached in play")
            continue
        cells = [f"{r.expression}" + (f" ({r.line} line)" if r.line != r.expression else "") + f" {r.prefixes:,}"
                 for r in reaches]
        out.append(f"  {node_id:<{width}}  " + ", ".join(cells))
        if node_id in report.unshown:
            out.append(f"  {'':<{width}}  {'never shown' if every else 'not shown in the search'}: "
                       + ", ".join(report.unshown[node_id]))
    return out


def _surface_lines(report: GateReport) -> list[str]:
    if not report.surface:
        return []
    seeds = len(report.surface[0].plays)
    out = [f"\nSurface strategies (read only the screen; replies in the game's shuffled order, "
           f"{seeds} attempt seeds each; each must grade below pass)"]
    width = max(len(r.name) for r in report.surface)
    for r in report.surface:
        verdict = "PASSES: the scenario can be gamed" if r.passes else "fails, as it should"
        out.append(f"  {r.name:<{width}}  median {r.median:>5g} {r.median_grade}  "
                   f"{r.passed_seeds:>2}/{seeds} seeds pass  {verdict}")
        if r.passes:
            out.append(f"  {'':<{width}}  replay: {r.replay_command(report.path)}")
    return out


def report_json(a: ScenarioAnalysis, report: GateReport) -> dict:
    """One scenario's JSON object: the analysis, the gates, the surface strategies, the play
    warnings and the moods per node."""
    return dict(a.as_json(), numbering="authored",
                gates=[g.as_json() for g in report.results],
                surface_strategies=[r.as_json() for r in report.surface],
                play_warnings=[d.as_json() for d in report.warnings],
                node_moods={node_id: [r.as_json() for r in reaches] for node_id, reaches in report.moods.items()},
                unshown_lines={node_id: list(labels) for node_id, labels in report.unshown.items()})


def _path_lines(label: str, path: PathSummary | None) -> list[str]:
    if path is None:
        return [f"{label}: none found"]
    where = path.ending_id or f"stopped by the engine: {path.stopped}"
    lines = [f"{label}: {path.grade} {path.overall:g}, {path.outcome} ({where}), {len(path.choices)} turns",
             f"  customer-sim run SCENARIO --choices {path.choices_text}",
             "  skills " + ", ".join(f"{s} {path.skills[s]}" for s in SKILLS)]
    return lines


def _choices(choices) -> str:
    return ",".join(map(str, choices))


def library_rows(results: list[tuple[ScenarioAnalysis, GateReport]]) -> list[dict]:
    """One summary row per scenario (also the JSON `library` list)."""
    rows = []
    for a, report in results:
        gates = report.results
        rows.append({
            "scenario": a.scenario_id, "path": a.path, "nodes": a.node_count, "endings": a.ending_count,
            "best": a.best.grade if a.best else None, "worst": a.worst.grade if a.worst else None,
            "median_grade": a.random.median_grade if a.random else None,
            "median": a.random.median if a.random else None,
            "difficulty": a.difficulty, "measured_difficulty": a.measured_difficulty,
            "gates_passed": sum(g.ok for g in gates), "gates": len(gates),
            "failed_gates": [g.gate for g in gates if not g.ok],
            "replay": {g.gate: list(g.replay) for g in gates if not g.ok and g.replay},
        })
    return rows


def render_library(rows: list[dict]) -> str:
    """The library summary table."""
    table = [LIBRARY_COLUMNS]
    for r in rows:
        median = f"{r['median_grade']} ({r['median']:g})" if r["median_grade"] else "-"
        table.append((r["scenario"], str(r["nodes"]), str(r["endings"]), r["best"] or "-", r["worst"] or "-",
                      median, str(r["difficulty"]), str(r["measured_difficulty"] or "-"),
                      f"{r['gates_passed']}/{r['gates']}"))
    widths = [max(len(row[i]) for row in table) for i in range(len(LIBRARY_COLUMNS))]
    numeric = {1, 2, 6, 7}
    lines = [f"Library summary ({len(rows)} scenario{'s' if len(rows) != 1 else ''})"]
    for index, row in enumerate(table):
        cells = [cell.rjust(w) if i in numeric and index else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    failing = [r for r in rows if r["failed_gates"]]
    for r in failing:
        lines.append(f"{r['scenario']}: failed gates: {', '.join(r['failed_gates'])}")
        for gate, commands in r.get("replay", {}).items():
            lines.extend(f"  {gate}: replay: {command}" for command in commands)
    return "\n".join(lines)
