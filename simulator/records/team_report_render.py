"""The team report drawn for people: aligned plain-text tables, and one self-contained HTML
page with an inline SVG bar chart (`customer-sim report -o summary.txt / summary.html`).

The page uses no scripts, web fonts, images or style sheets from elsewhere: it opens
offline, prints, and survives being mailed as a single attachment. Colours are the Okabe–Ito palette (safe
for the common colour-vision deficiencies) and every bar also carries its number, so the
chart never relies on colour alone.
"""

from __future__ import annotations

from html import escape

from simulator.records.team_report import TeamReport, TraineeSummary
from simulator.scenario.rubric_terms import SKILLS

# Okabe–Ito colours, one per skill, in SKILLS order.
SKILL_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1b1b1b;max-width:72rem}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem}
p.meta{color:#555;margin-top:0}
table{border-collapse:collapse;margin:.5rem 0} th,td{padding:.3rem .7rem;border-bottom:1px solid #ddd}
th{text-align:left;background:#f3f3f3} td.n{text-align:right;font-variant-numeric:tabular-nums}
.legend span{display:inline-block;margin-right:1rem} .legend i{display:inline-block;width:.9rem;height:.9rem;
margin-right:.3rem;vertical-align:-2px}
.problems{color:#8a1c1c}
svg text{font-family:inherit}
"""


def fmt_number(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(  # noqa: E731 - tiny local formatter
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return [line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]


def render_text(report: TeamReport) -> str:
    """The summary as aligned plain-text tables."""
    out = [f"Team summary: {len(report.trainees)} trainee(s), {len(report.rows)} attempt(s), "
           f"{report.finished} finished"]
    if not report.scenarios:
        out.append("No attempts found in the files given.")
    else:
        out += ["", "Per scenario (finished attempts; skill columns are mean scores 0-100):"]
        header = ["scenario", "trainees", "finished", "pass %", "overall", *[report.terms.label(s) for s in SKILLS]]
        rows = [[s.scenario_id, str(len(s.trainees)), str(s.finished),
                 fmt_number(None if s.pass_rate is None else 100 * s.pass_rate), fmt_number(s.mean(), 1),
                 *[fmt_number(s.mean(skill)) for skill in SKILLS]] for s in report.scenarios.values()]
        rows.append(["ALL", str(len(report.trainees)), str(report.finished), fmt_number(report.pass_percent),
                     fmt_number(report.mean_overall, 1), *[fmt_number(report.team_mean(skill)) for skill in SKILLS]])
        out += _table(header, rows)
        out += ["", "Per trainee (best grade per scenario, latest in brackets):"]
        names = list(report.scenarios)
        trainee_rows = [[t.profile, *[grade_cell(t, sid) for sid in names]] for t in report.trainees.values()]
        out += _table(["trainee", *names], trainee_rows)
        if report.weakest_skill:
            out += ["", f"Team focus: {report.terms.label(report.weakest_skill)} has the lowest mean score "
                        f"({fmt_number(report.team_mean(report.weakest_skill))})."]
    if report.duplicates:
        out.append(f"({report.duplicates} attempt(s) appeared in more than one file and were counted once.)")
    if report.problems:
        out += ["", "Problems (these rows or files were skipped):", *[f"  {p}" for p in report.problems]]
    return "\n".join(out) + "\n"


def grade_cell(trainee: TraineeSummary, scenario_id: str) -> str:
    best = trainee.best.get(scenario_id)
    if best is None:
        return "—"
    latest = trainee.latest.get(scenario_id, ("", ""))[1]
    return f"{best[1] or '?'} ({latest or '?'})"


def render_html(report: TeamReport, *, title: str = "Customer Challenge Simulator — team summary") -> str:
    """The whole page as a string."""
    finished = report.finished
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{len(report.trainees)} trainee(s), {len(report.rows)} attempt(s), {finished} finished.</p>',
    ]
    if not report.scenarios:
        parts.append("<p>No attempts found in the files given.</p>")
    else:
        parts += ["<h2>Mean skill scores per scenario</h2>", skill_chart_svg(report), _legend(report)]
        parts += ["<h2>Per scenario</h2>", _scenario_table(report)]
        parts += ["<h2>Per trainee</h2>", "<p>Best grade per scenario, latest grade in brackets.</p>",
                  _trainee_table(report)]
        if report.weakest_skill:
            skill = report.weakest_skill
            parts.append(f"<p><strong>Team focus:</strong> {escape(report.terms.label(skill))} has the lowest mean "
                         f"score ({fmt_number(report.team_mean(skill))}).</p>")
    if report.duplicates:
        parts.append(f"<p>{report.duplicates} attempt(s) appeared in more than one file and were counted once.</p>")
    if report.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in report.problems)
        parts.append(f'<h2>Skipped</h2><ul class="problems">{items}</ul>')
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def skill_chart_svg(report: TeamReport) -> str:
    """A grouped bar chart: one group per scenario, one bar per skill (mean, 0–100)."""
    scenarios = list(report.scenarios.values())
    bar, gap, group_gap = 18, 3, 34
    left, top, height, bottom = 44, 16, 220, 64
    group_width = len(SKILLS) * (bar + gap) - gap
    width = left + len(scenarios) * (group_width + group_gap) + 10
    total_height = top + height + bottom
    y = lambda value: top + height - height * max(0.0, min(100.0, value)) / 100.0  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{total_height}" '
           f'viewBox="0 0 {width} {total_height}" aria-labelledby="chart-title">',
           '<title id="chart-title">Mean skill score per scenario, 0 to 100</title>']
    for tick in range(0, 101, 20):  # horizontal grid with labels
        ty = y(tick)
        out.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{width - 10}" y2="{ty:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{tick}</text>')
    for index, summary in enumerate(scenarios):
        x0 = left + group_gap / 2 + index * (group_width + group_gap)
        for k, skill in enumerate(SKILLS):
            mean = summary.mean(skill)
            x = x0 + k * (bar + gap)
            if mean is None:
                continue
            out.append(f'<rect x="{x:.1f}" y="{y(mean):.1f}" width="{bar}" height="{top + height - y(mean):.1f}" '
                       f'fill="{SKILL_COLOURS[k]}"><title>{escape(summary.scenario_id)} — '
                       f'{escape(report.terms.label(skill))}: {mean:.0f}</title></rect>')
            out.append(f'<text x="{x + bar / 2:.1f}" y="{y(mean) - 3:.1f}" font-size="9" text-anchor="middle" '
                       f'fill="#333">{mean:.0f}</text>')
        label = summary.scenario_id if len(summary.scenario_id) <= 22 else summary.scenario_id[:21] + "…"
        out.append(f'<text x="{x0 + group_width / 2:.1f}" y="{top + height + 16}" font-size="11" '
                   f'text-anchor="middle">{escape(label)}</text>')
        out.append(f'<text x="{x0 + group_width / 2:.1f}" y="{top + height + 30}" font-size="10" '
                   f'text-anchor="middle" fill="#555">n={summary.finished}</text>')
    out.append(f'<line x1="{left}" y1="{top + height}" x2="{width - 10}" y2="{top + height}" stroke="#333"/>')
    out.append("</svg>")
    return "\n".join(out)


def _legend(report: TeamReport) -> str:
    items = "".join(f'<span><i style="background:{colour}"></i>{escape(report.terms.label(skill))}</span>'
                    for skill, colour in zip(SKILLS, SKILL_COLOURS))
    return f'<p class="legend">{items}</p>'


def _scenario_table(report: TeamReport) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in
                   ["Scenario", "Trainees", "Finished", "Pass %", "Overall"] + [report.terms.label(s) for s in SKILLS])
    rows = []
    for s in report.scenarios.values():
        cells = [f"<td>{escape(s.title)}<br><small>{escape(s.scenario_id)}</small></td>",
                 f'<td class="n">{len(s.trainees)}</td>', f'<td class="n">{s.finished}</td>',
                 f'<td class="n">{fmt_number(None if s.pass_rate is None else 100 * s.pass_rate)}</td>',
                 f'<td class="n">{fmt_number(s.mean(), 1)}</td>']
        cells += [f'<td class="n">{fmt_number(s.mean(skill))}</td>' for skill in SKILLS]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    team = [f'<td class="n">{fmt_number(report.team_mean(skill))}</td>' for skill in SKILLS]
    rows.append(f'<tr><th>All scenarios</th><td class="n">{len(report.trainees)}</td>'
                f'<td class="n">{report.finished}</td><td class="n">{fmt_number(report.pass_percent)}</td>'
                f'<td class="n">{fmt_number(report.mean_overall, 1)}</td>' + "".join(team) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _trainee_table(report: TeamReport) -> str:
    names = list(report.scenarios)
    head = "<th>Trainee</th>" + "".join(f"<th>{escape(n)}</th>" for n in names)
    rows = []
    for trainee in report.trainees.values():
        cells = "".join(f'<td class="n">{escape(grade_cell(trainee, n))}</td>' for n in names)
        rows.append(f"<tr><td>{escape(trainee.profile)}</td>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
