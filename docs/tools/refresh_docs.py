"""Regenerate the parts of the trainer documentation that come from the data files.

    .venv/bin/python docs/tools/refresh_docs.py          # rewrite them
    .venv/bin/python docs/tools/refresh_docs.py --check  # exit 1 if anything is stale

Two things are generated, so they can never drift from what the program does:

* `docs/scenario.schema.json`: the JSON Schema editors use for completion and errors. Its
  shape mirrors the loader; its lists of names (acts, personas, mood labels, dimensions,
  thresholds) come from `scenarios/data/`, so a trainer who adds an act re-runs this.
* the reference tables in `docs/authoring.md` between `<!-- generated:NAME -->` and
  `<!-- end generated:NAME -->` markers: acts, personas, mood model and rubric.

Tests call `expected_schema()` and `expected_guide()` and compare with the files.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from simulator.scenario.catalog import load_catalog  # noqa: E402
from simulator.scenario.catalog_model import Catalog  # noqa: E402
from simulator.scenario.look import LOOK_FIELDS, vocabulary  # noqa: E402
from simulator.scenario.model import OUTCOMES, SCHEMA_VERSION, SKILLS  # noqa: E402

SCHEMA_PATH = ROOT / "docs" / "scenario.schema.json"
GUIDE_PATH = ROOT / "docs" / "authoring.md"
# Must match the loader (simulator/scenario/loader.py); tests/content checks they agree.
SCENARIO_ID_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
NODE_ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_-]*$"
_MARKER = re.compile(r"(<!-- generated:(?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- end generated:(?P=name) -->)",
                     re.DOTALL)


def catalog() -> Catalog:
    """The shipped catalog; a broken data file stops the script with the loader's message."""
    loaded, diagnostics = load_catalog()
    if loaded is None:
        from simulator.scenario.formatting import format_diagnostics
        raise SystemExit("the data files have errors:\n" + format_diagnostics(diagnostics))
    return loaded


# ----------------------------------------------------------------------------- the schema


def expected_schema(cat: Catalog | None = None) -> dict[str, Any]:
    """The JSON Schema (draft-07, which editors support best) for scenario files."""
    cat = cat or catalog()
    acts = sorted(cat.acts)
    labels = list(cat.mood.expression_ids)
    dims = cat.mood.dimensions
    # Text fields: the loader reads numbers and yes/no as text (a reply that says `No`
    # means the word), so the schema accepts them too.
    text = {"type": ["string", "number", "boolean"], "pattern": r"\S",
            "description": "Text. Quote it if it contains ': ' or ' #' or starts with a quote."}
    optional_text = {"type": ["string", "number", "boolean", "null"]}
    node_ref = {"type": "string", "pattern": NODE_ID_PATTERN,
                "description": "The id of a node or an ending in this file."}
    node_id = {"type": "string", "pattern": NODE_ID_PATTERN, "description": "The id of a node in this file."}
    number = {"type": "number"}

    def act_list(minimum: int = 0) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": {"enum": acts}}
        if minimum:
            out["minItems"] = minimum
        return out

    bound = {"type": "object", "additionalProperties": False, "minProperties": 1,
             "properties": {"at_least": number, "at_most": number},
             "description": "Holds when the value is >= at_least and/or <= at_most."}
    condition = {
        "type": "object", "additionalProperties": False,
        "description": "All parts must hold. Used by a reply's `when` and a trigger's `when`.",
        "properties": {
            "mood": {"type": "object", "additionalProperties": False,
                     "properties": {d.id: {"$ref": "#/definitions/bound"} for d in dims},
                     "description": "Bounds on mood dimensions, e.g. {trust: {at_least: 0.4}}."},
            "expression": {"type": "array", "items": {"enum": labels},
                           "description": "The customer's current expression is one of these."},
            "visited": {"type": "array", "items": node_id, "description": "Nodes already seen."},
            "not_visited": {"type": "array", "items": node_id, "description": "Nodes not seen yet."},
            "acts_used": act_list(), "acts_not_used": act_list(),
            "threshold": {"enum": sorted(cat.mood.thresholds),
                          "description": "A named threshold from scenarios/data/mood.yaml."},
        },
    }
    start_mood = {"type": "object", "additionalProperties": False,
                  "properties": {d.id: {"type": "number", "minimum": d.minimum, "maximum": d.maximum}
                                 for d in dims}}
    mood_effect = {"type": "object", "additionalProperties": False,
                   "properties": {d.id: number for d in dims},
                   "description": "An explicit mood change that REPLACES the acts' summed effect."}
    say = {"oneOf": [
        {"$ref": "#/definitions/text"},
        {"type": "object", "minProperties": 1, "additionalProperties": False,
         "properties": {label: {"$ref": "#/definitions/text"} for label in ["default", *labels]},
         "description": "One line per mood label; the closest label to the current mood is shown."},
    ]}
    reply = {
        "type": "object", "additionalProperties": False, "required": ["text", "acts", "next"],
        "properties": {
            "text": {"$ref": "#/definitions/text"},
            "acts": act_list(1),
            "next": node_ref,
            "when": {"$ref": "#/definitions/condition"},
            "mood": mood_effect,
            "skills": {"type": "object", "additionalProperties": False,
                       "properties": {s: number for s in SKILLS},
                       "description": "Extra skill points (+ or -) credited as evidence."},
            "note": optional_text,
            "hand_off_right": {"type": "boolean",
                               "description": "This reply's hand-off act is the right move (a problem the agent "
                                              "cannot solve), so it does not cost solutions."},
        },
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"Customer Challenge Simulator scenario (schema_version {SCHEMA_VERSION})",
        "description": "Generated by docs/tools/refresh_docs.py from the loader's format and "
                       "scenarios/data/. Run it again after adding acts, personas or mood labels.",
        "type": "object",
        "additionalProperties": False,
        "required": ["schema_version", "id", "title", "customer", "start", "nodes", "endings"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION, "description": "The file format version."},
            "id": {"type": "string", "pattern": SCENARIO_ID_PATTERN,
                   "description": "Unique id: lowercase letters and digits joined by '-' or '_'."},
            "title": {"$ref": "#/definitions/text"},
            "summary": optional_text,
            "difficulty": {"enum": [1, 2, 3], "description": "1 gentle, 2 moderate, 3 hard."},
            "briefing": optional_text,
            "learning_goals": {"type": "array", "items": {"$ref": "#/definitions/text"}},
            "customer": {
                "type": "object", "additionalProperties": False, "required": ["name", "persona"],
                "properties": {
                    "name": {"$ref": "#/definitions/text"},
                    "persona": {"enum": sorted(cat.personas)},
                    "mood": start_mood,
                    "portraits": {"type": "object", "additionalProperties": False,
                                  "properties": {label: {"type": "string"} for label in labels},
                                  "description": "Expression label -> image path under assets/."},
                    "look": {"type": "object", "additionalProperties": False,
                             "properties": {f: {"enum": list(vocabulary().choices(f))} for f in LOOK_FIELDS},
                             "description": "How the customer looks (scenarios/data/looks.yaml); fields "
                                            "left out are chosen from the name and persona."},
                },
            },
            "start": node_id,
            "nodes": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": NODE_ID_PATTERN},
                      "additionalProperties": {"$ref": "#/definitions/node"}},
            "endings": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": NODE_ID_PATTERN},
                        "additionalProperties": {"$ref": "#/definitions/ending"}},
            "triggers": {"type": "array", "items": {"$ref": "#/definitions/trigger"}},
        },
        "definitions": {
            "text": text,
            "bound": bound,
            "condition": condition,
            "node": {"type": "object", "additionalProperties": False, "required": ["say", "replies"],
                     "properties": {"say": say,
                                    "replies": {"type": "array", "minItems": 1,
                                                "items": {"$ref": "#/definitions/reply"}},
                                    "provokes": {"type": "array", "uniqueItems": True,
                                                 "items": {"enum": list(cat.provocation_kinds)},
                                                 "description": "How this line provokes the agent; calm is "
                                                                "scored by how the reply answers it."}}},
            "reply": reply,
            "ending": {"type": "object", "additionalProperties": False, "required": ["outcome", "text"],
                       "properties": {"outcome": {"enum": list(OUTCOMES)},
                                      "text": {"$ref": "#/definitions/text"}}},
            "trigger": {"type": "object", "additionalProperties": False, "required": ["when", "goto"],
                        "properties": {"when": {"$ref": "#/definitions/condition"}, "goto": node_ref}},
        },
    }


def schema_text(cat: Catalog | None = None) -> str:
    return json.dumps(expected_schema(cat), indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------- the guide's tables


def _num(value: float) -> str:
    return f"{value:+g}" if value else "0"


def _effect(pairs) -> str:
    return ", ".join(f"{dim} {_num(v)}" for dim, v in pairs) or "none"


def acts_table(cat: Catalog) -> str:
    """One row per act: skill, kind, mood effect, what the rubric does with it, the lesson."""
    rubric = cat.rubric
    credit, penalty = rubric.get("credit", {}), rubric.get("penalty", {})
    targets = {s: spec.get("target") for s, spec in rubric.get("skills", {}).items()}
    rows = ["| act | skill | kind | mood effect (before persona gains) | score | lesson |",
            "|---|---|---|---|---|---|"]
    for act in cat.acts.values():
        kind = act.polarity + (", critical" if act.critical else "")
        flags = [f for f, on in (("progress", act.progress), ("resolves", act.resolves)) if on]
        if flags:
            kind += " (" + ", ".join(flags) + ")"
        if act.polarity == "positive" and act.skill and targets.get(act.skill):
            units = credit.get(act.id, credit.get("default", 1))
            score = f"+{units:g} of {targets[act.skill]:g} credits, once"
        elif act.polarity == "positive" and act.id in rubric.get("rules", {}).get("provocation", {}).get(
                "answer_acts", ()):
            score = "answers a provocation (keeps calm)"
        elif act.polarity == "positive":
            score = "no points (skill starts full)"
        elif act.polarity == "negative":
            score = f"-{abs(penalty.get(act.id, penalty.get('default', 20))):g} each time"
        else:
            score = "none (order rules only)"
        lesson = act.lesson.replace("|", "\\|")
        rows.append(f"| `{act.id}` | {act.skill or '-'} | {kind} | {_effect(act.effect)} | {score} | {lesson} |")
    return "\n".join(rows) + "\n"


def personas_table(cat: Catalog) -> str:
    rows = ["| persona | who | starting mood | act gains | dimension gains |", "|---|---|---|---|---|"]
    for p in cat.personas.values():
        start = ", ".join(f"{d} {v:g}" for d, v in p.start) or "baselines"
        gains = ", ".join(f"{a} ×{g:g}" for a, g in p.act_gains) or "none"
        dims = ", ".join(f"{d} ×{g:g}" for d, g in p.dimension_gains) or "none"
        rows.append(f"| `{p.id}` | {p.description} | {start} | {gains} | {dims} |")
    rows += ["", "| persona | scoring rule | what it scores |", "|---|---|---|"]
    for p in cat.personas.values():
        for kind, spec in p.scoring.items():
            rows.append(f"| `{p.id}` | `{kind}` | {_persona_rule(kind, spec)} |")
    return "\n".join(rows) + "\n"


def _persona_rule(kind: str, spec) -> str:
    """One persona scoring rule in words, with its numbers."""
    acts = lambda key: ", ".join(f"`{a}`" for a in spec.get(key, ()))  # noqa: E731
    if kind == "empathy_loop":
        return (f"empathy turns ({acts('empathy_acts')}) before any solution ({acts('solution_acts')}) beyond "
                f"{spec.get('allowed', 1)} earn nothing and cost {spec['skill']} {spec['points']:g}")
    if kind == "act_penalties":
        parts = [f"`{a}` " + ", ".join(f"{s} {v:g}" for s, v in costs.items())
                 for a, costs in spec.get("acts", {}).items()]
        return "on top of the act's own penalty: " + "; ".join(parts)
    if kind == "promise_needs_proof":
        return (f"a promise ({acts('promise_acts')}) without {acts('proof_acts')} in the same reply costs "
                f"{spec['skill']} {spec['points']:g}")
    if kind == "provocation":
        return ", ".join(f"{k} {v:g}" for k, v in spec.items() if k != "message") + " (instead of rubric.yaml's)"
    if kind == "unprovoked":
        return f"{acts('acts')} at a node that does not provoke costs {spec['skill']} {spec['points']:g}"
    return kind


def _bounds(bounds) -> str:
    parts = []
    for b in bounds:
        if b.at_least is not None:
            parts.append(f"{b.dimension} ≥ {b.at_least:g}")
        if b.at_most is not None:
            parts.append(f"{b.dimension} ≤ {b.at_most:g}")
    return " and ".join(parts) or "always (the fallback)"


def mood_tables(cat: Catalog) -> str:
    m = cat.mood
    lines = ["| dimension | range | baseline | meaning |", "|---|---|---|---|"]
    for d in m.dimensions:
        lines.append(f"| `{d.id}` | {d.minimum:g} to {d.maximum:g} | {d.baseline:g} | {d.description} |")
    lines += ["", f"- decay toward the baseline each turn: {m.decay:g} of the gap (not patience)",
              f"- while the grievance is open the baseline shifts by: {_effect(m.grievance)}",
              f"- repeating an act: its effect × {m.repeat_falloff:g} for each earlier use",
              f"- patience lost on a turn with no `progress` act: {m.patience_drain:g}", "",
              "| threshold | fires when |", "|---|---|"]
    for name, bounds in m.thresholds.items():
        lines.append(f"| `{name}` | {_bounds(bounds)} |")
    lines += ["", "| expression (worst to best) | shown when (first match wins) |", "|---|---|"]
    for e in m.expressions:
        lines.append(f"| `{e.id}` | {_bounds(e.bounds)} |")
    return "\n".join(lines) + "\n"


def rubric_tables(cat: Catalog) -> str:
    r = cat.rubric
    lines = ["| skill | weight | full marks |", "|---|---|---|"]
    for skill in SKILLS:
        spec = r.get("skills", {}).get(skill, {})
        provocation = r.get("rules", {}).get("provocation")
        if "target" in spec:
            full = f"{spec['target']:g} credits"
        elif provocation and provocation.get("skill") == skill:
            full = f"starts at {spec.get('start', 0):g}; scored by how provocations are answered"
        else:
            full = f"starts at {spec.get('start', 0):g}; only mistakes move it"
        lines.append(f"| `{skill}` | {spec.get('weight', 0):g} | {full} |")
    grades = ", ".join(f"{g} ≥ {v:g}" for g, v in r.get("grades", {}).items())
    floor = f" and no skill below {r['floor']:g}" if "floor" in r else ""
    lines += ["", f"Grades: {grades}. Pass: {r.get('pass_grade', '?')} or better{floor}.", "",
              "| order rule | skill | what it checks | points |", "|---|---|---|---|"]
    special = ("provocation", "mixed_reply", "hand_off")
    for rule_id, spec in r.get("rules", {}).items():
        if rule_id in special:
            continue
        said = spec.get("broken") or spec.get("no_recap") or ""
        if spec.get("met"):
            said = f"kept: {spec['met']} broken: {said}"
        points = f"{spec.get('points', 0):g}"
        if spec.get("credit"):
            points += f" (kept: +{spec['credit']:g} credit)"
        lines.append(f"| `{rule_id}` | {spec.get('skill', '?')} | {said} | {points} |")
    rules = r.get("rules", {})
    lines.append("")
    if "provocation" in rules:
        spec = rules["provocation"]
        lines += [f"- a node tagged `provokes:` ({', '.join(f'`{k}`' for k in spec.get('kinds', ()))}) tests "
                  f"{spec['skill']}: answered ({', '.join(f'`{a}`' for a in spec.get('answer_acts', ()))}, no "
                  f"negative act) keeps all of it, let pass keeps {spec['let_pass_keeps']:g}, mirrored "
                  f"({', '.join(f'`{a}`' for a in spec.get('mirror_acts', ()))}) keeps nothing and costs "
                  f"{spec.get('mirror_points', 0):g} more; {spec['skill']} is 100 × the mean over the provocations met"]
    if "mixed_reply" in rules:
        lines.append("- a reply with any negative act earns no credit from its positive acts (`mixed_reply`)")
    if "hand_off" in rules:
        lines.append(f"- {', '.join(f'`{a}`' for a in rules['hand_off'].get('acts', ()))} costs its penalty "
                     "unless the reply says `hand_off_right: true`")
    caps = r.get("caps", {})
    if "below_floor" in caps:
        lines.append(f"- a skill below the floor ({r.get('floor', 0):g}) caps the overall at "
                     f"{caps['below_floor']['max_overall']:g}")
    if "avoidable_escalation" in caps:
        lines.append(f"- an `escalated` ending where a resolved or delighted ending was reachable caps the overall "
                     f"at {caps['avoidable_escalation']['max_overall']:g}")
    if "critical_act" in caps:
        critical = ", ".join(f"`{a.id}`" for a in cat.acts.values() if a.critical)
        lines.append(f"- a critical act ({critical}) caps the overall at {caps['critical_act']['max_overall']:g}")
    for outcome, spec in caps.get("outcomes", {}).items():
        lines.append(f"- the outcome `{outcome}` caps the overall at {spec['max_overall']:g}")
    return "\n".join(lines) + "\n"


GENERATORS = {"acts": acts_table, "personas": personas_table, "mood": mood_tables, "rubric": rubric_tables}


def expected_guide(text: str, cat: Catalog | None = None) -> str:
    """`text` (the guide) with every generated block refreshed."""
    cat = cat or catalog()

    def refresh(match: re.Match) -> str:
        name = match.group("name")
        if name not in GENERATORS:
            raise SystemExit(f"docs/authoring.md: unknown generated block {name!r}; "
                             f"known: {', '.join(GENERATORS)}")
        return match.group(1) + "\n" + GENERATORS[name](cat) + "\n" + match.group(4)

    return _MARKER.sub(refresh, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report stale files instead of writing them")
    args = parser.parse_args(argv)
    cat = catalog()
    wanted = {SCHEMA_PATH: schema_text(cat),
              GUIDE_PATH: expected_guide(GUIDE_PATH.read_text(encoding="utf-8"), cat)}
    stale = [path for path, text in wanted.items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date; run python docs/tools/refresh_docs.py")
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
