"""What a usable rubric.yaml looks like: the rule kinds, their settings, and the checker.

`rubric_problems` lists every problem at once as 'key.path: message' strings, so the
loader can turn them into diagnostics and `compile_rubric` can refuse a broken file with
one clear message.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from simulator.scenario.catalog_model import Act
from simulator.scenario.model import OUTCOMES, SKILLS
from simulator.scenario.rubric_terms import general_fields

RULE_KEYS: dict[str, dict[str, str]] = {
    # rule id -> {key: kind}; kinds: skill, acts, int, number, text
    "feel_before_fix": {"skill": "skill", "fix_acts": "acts", "feel_acts": "acts", "credit": "number",
                        "points": "number", "met": "text", "broken": "text"},
    "listen_before_solve": {"skill": "skill", "fix_acts": "acts", "listen_acts": "acts", "credit": "number",
                            "points": "number", "met": "text", "broken": "text"},
    "one_sorry": {"skill": "skill", "apology_acts": "acts", "limit": "int", "points": "number", "broken": "text"},
    "two_roads": {"skill": "skill", "refusal_acts": "acts", "alternative_acts": "acts", "window": "int",
                  "credit": "number", "points": "number", "met": "text", "broken": "text"},
    "recap_check_close": {"skill": "skill", "close_acts": "acts", "final_close_acts": "acts", "recap_acts": "acts",
                          "check_acts": "acts", "credit": "number", "points": "number", "met": "text",
                          "no_recap": "text", "no_check": "text"},
    "recap_before_end": {"skill": "skill", "outcomes": "outcomes", "recap_acts": "acts", "points": "number",
                         "broken": "text"},
    "provocation": {"skill": "skill", "kinds": "names", "answer_acts": "acts", "mirror_acts": "acts",
                    "let_pass_keeps": "fraction", "mirror_points": "number", "met": "text", "let_pass": "text",
                    "mirrored": "text"},
    "mixed_reply": {"message": "text"},
    "hand_off": {"skill": "skill", "acts": "acts", "right": "text"},
}
# settings a rule cannot work without ("skill" for every rule that scores one)
RULE_REQUIRED: dict[str, tuple[str, ...]] = {
    rule_id: (("skill",) if "skill" in keys else ()) for rule_id, keys in RULE_KEYS.items()}
RULE_REQUIRED["provocation"] = ("skill", "kinds", "answer_acts", "mirror_acts", "let_pass_keeps")
RULE_REQUIRED["hand_off"] = ("skill", "acts")

TOP_KEYS = ("schema_version", "floor", "grades", "pass_grade", "skills", "credit", "penalty", "rules",
            "placeholder_words", "caps", "outcomes")
CAP_KEYS = ("critical_act", "below_floor", "avoidable_escalation", "outcomes")
OUTCOME_KEYS = ("label", "symbol")  # the words and the symbol the screens show for an outcome


def rubric_problems(data: Any, acts: Mapping[str, Act]) -> list[str]:
    """Every problem with a parsed rubric.yaml, as 'key.path: message' strings (empty = usable)."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        return ["rubric: the file must be a mapping"]
    for key in data:
        if key not in TOP_KEYS:
            problems.append(f"{key}: unknown key; known: {', '.join(TOP_KEYS)}")

    def number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    def act_list(where: str, value: Any) -> None:
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            problems.append(f"{where}: must be a list of act names")
            return
        for a in value:
            if a not in acts:
                problems.append(f"{where}: unknown act {a!r}")

    grades = data.get("grades")
    if not isinstance(grades, Mapping) or not grades:
        problems.append("grades: must map each grade letter to its lowest overall score")
    else:
        values = list(grades.values())
        if not all(number(v) for v in values):
            problems.append("grades: every threshold must be a number")
        elif values != sorted(values, reverse=True) or values[-1] != 0:
            problems.append("grades: thresholds must go from best to worst and the last must be 0")
        if data.get("pass_grade") not in grades:
            problems.append(f"pass_grade: must be one of {', '.join(map(str, grades))}")

    skills = data.get("skills")
    if not isinstance(skills, Mapping):
        problems.append("skills: must map each skill to its weight and target")
        skills = {}
    for skill in SKILLS:
        spec = skills.get(skill)
        if not isinstance(spec, Mapping):
            problems.append(f"skills.{skill}: missing")
            continue
        if not number(spec.get("weight")) or spec["weight"] < 0:
            problems.append(f"skills.{skill}.weight: must be a number >= 0")
        has_target = "target" in spec
        if has_target and (not number(spec["target"]) or spec["target"] <= 0):
            problems.append(f"skills.{skill}.target: must be a number > 0")
        if "start" in spec and (not number(spec["start"]) or not 0 <= spec["start"] <= 100):
            problems.append(f"skills.{skill}.start: must be a number from 0 to 100")
        if not has_target and not spec.get("start"):
            problems.append(f"skills.{skill}: needs a target (credits for full marks) or a start score")
        if not _words(spec.get("advice")):
            problems.append(f"skills.{skill}.advice: {_WORDS_NEEDED if 'advice' in spec else 'missing; '}"
                            "what to practise for this skill, shown on the progress screen")
    for skill in skills:
        if skill not in SKILLS:
            problems.append(f"skills.{skill}: unknown skill; the skills are {', '.join(SKILLS)}")
    if skills and sum(float(s.get("weight", 0)) for s in skills.values() if isinstance(s, Mapping)
                      and number(s.get("weight"))) <= 0:
        problems.append("skills: the weights must not all be 0")

    for table in ("credit", "penalty"):
        values = data.get(table, {})
        if not isinstance(values, Mapping):
            problems.append(f"{table}: must map act names to numbers")
            continue
        for key, value in values.items():
            if key != "default" and key not in acts:
                problems.append(f"{table}.{key}: unknown act")
            if not number(value):
                problems.append(f"{table}.{key}: must be a number")

    rules = data.get("rules", {})
    if not isinstance(rules, Mapping):
        problems.append("rules: must map rule ids to their settings")
        rules = {}
    for rule_id, spec in rules.items():
        if rule_id not in RULE_KEYS:
            problems.append(f"rules.{rule_id}: unknown rule; known: {', '.join(RULE_KEYS)}")
            continue
        if not isinstance(spec, Mapping):
            problems.append(f"rules.{rule_id}: must be a mapping")
            continue
        kinds = RULE_KEYS[rule_id]
        for key, value in spec.items():
            where = f"rules.{rule_id}.{key}"
            kind = kinds.get(key)
            if kind is None:
                problems.append(f"{where}: unknown setting; known: {', '.join(kinds)}")
            elif kind == "skill" and value not in SKILLS:
                problems.append(f"{where}: must be one of {', '.join(SKILLS)}")
            elif kind == "acts":
                act_list(where, value)
            elif kind == "int" and (not number(value) or value != int(value) or value < 0):
                problems.append(f"{where}: must be a whole number >= 0")
            elif kind == "number" and not number(value):
                problems.append(f"{where}: must be a number")
            elif kind == "fraction" and (not number(value) or not 0 <= value <= 1):
                problems.append(f"{where}: must be a number from 0 to 1")
            elif kind == "names" and (not isinstance(value, list) or not value
                                      or not all(isinstance(v, str) and v.strip() for v in value)):
                problems.append(f"{where}: must be a list of names, e.g. [insult, threat]")
            elif kind == "text" and not isinstance(value, str):
                problems.append(f"{where}: must be text")
            elif kind == "outcomes" and (not isinstance(value, list) or any(o not in OUTCOMES for o in value)):
                problems.append(f"{where}: must be a list of outcomes ({', '.join(OUTCOMES)})")
        for key in RULE_REQUIRED[rule_id]:
            if key not in spec:
                problems.append(f"rules.{rule_id}.{key}: missing")

    problems += _placeholder_problems(data.get("placeholder_words"), rules)

    if "floor" in data and (not number(data["floor"]) or not 0 <= data["floor"] <= 100):
        problems.append("floor: must be a number from 0 to 100 (the lowest skill score a pass allows)")

    caps = data.get("caps", {})
    if not isinstance(caps, Mapping):
        problems.append("caps: must be a mapping")
    else:
        for key in caps:
            if key not in CAP_KEYS:
                problems.append(f"caps.{key}: unknown cap; known: {', '.join(CAP_KEYS)}")
        for key in ("critical_act", "below_floor", "avoidable_escalation"):
            cap = caps.get(key)
            if cap is None:
                continue
            if not isinstance(cap, Mapping) or not number(cap.get("max_overall")):
                problems.append(f"caps.{key}.max_overall: must be a number")
            else:
                for setting, value in cap.items():
                    if setting not in ("max_overall", "message"):
                        problems.append(f"caps.{key}.{setting}: unknown setting; known: max_overall, message")
                    elif setting == "message" and not isinstance(value, str):
                        problems.append(f"caps.{key}.message: must be text")
        if "below_floor" in caps and "floor" not in data:
            problems.append("caps.below_floor: needs a top-level floor")
        if "floor" in data and "below_floor" not in caps:
            problems.append("caps.below_floor: missing; the floor needs a cap below the pass line")
        # these caps mean "no pass": the analyser counts passes by the overall alone, so the
        # cap must put the overall under the pass line
        line = grades.get(data.get("pass_grade")) if isinstance(grades, Mapping) else None
        for key in ("below_floor", "avoidable_escalation"):
            cap = caps.get(key)
            if isinstance(cap, Mapping) and number(cap.get("max_overall")) and number(line) \
                    and cap["max_overall"] >= line:
                problems.append(f"caps.{key}.max_overall: must be below the pass line ({line:g}), "
                                "since this cap means no pass")
        outcomes = caps.get("outcomes", {})
        if not isinstance(outcomes, Mapping):
            problems.append("caps.outcomes: must map outcomes to caps")
        else:
            for outcome, spec in outcomes.items():
                if outcome not in OUTCOMES:
                    problems.append(f"caps.outcomes.{outcome}: unknown outcome")
                elif not isinstance(spec, Mapping) or not number(spec.get("max_overall")):
                    problems.append(f"caps.outcomes.{outcome}.max_overall: must be a number")
    problems += _outcome_problems(data.get("outcomes"))
    return problems


_WORDS_NEEDED = "must be text, not blank; "


def _words(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _outcome_problems(outcomes: Any) -> list[str]:
    """`outcomes:` gives every outcome its label and symbol, and names no other outcome."""
    if not isinstance(outcomes, Mapping):
        return [f"outcomes: {'must be a mapping' if outcomes is not None else 'missing'}; give every outcome "
                f"({', '.join(OUTCOMES)}) a label and a symbol, e.g. resolved: {{label: Resolved, symbol: \"✓\"}}"]
    problems = []
    for outcome, spec in outcomes.items():
        if outcome not in OUTCOMES:
            problems.append(f"outcomes.{outcome}: unknown outcome; the outcomes are {', '.join(OUTCOMES)}")
        elif not isinstance(spec, Mapping):
            problems.append(f"outcomes.{outcome}: must be a mapping with a label and a symbol")
        else:
            for key in spec:
                if key not in OUTCOME_KEYS:
                    problems.append(f"outcomes.{outcome}.{key}: unknown setting; known: {', '.join(OUTCOME_KEYS)}")
            for key in OUTCOME_KEYS:
                if not _words(spec.get(key)):
                    problems.append(f"outcomes.{outcome}.{key}: {_WORDS_NEEDED if key in spec else 'missing; '}"
                                    f"the {key} the game shows for a conversation that ends {outcome}")
    for outcome in OUTCOMES:
        if outcome not in outcomes:
            problems.append(f"outcomes.{outcome}: missing; give it a label and a symbol")
    return problems


def _placeholder_problems(words: Any, rules: Mapping[str, Any]) -> list[str]:
    """`placeholder_words:` has words for every {field} the rules' messages keep when the
    progress screen words them in general (`rubric_terms.general_fields`)."""
    if words is not None and not isinstance(words, Mapping):
        return ["placeholder_words: must map each {field} of the rules' messages to words, e.g. act: a good move"]
    words = words or {}
    problems = [f"placeholder_words.{name}: {_WORDS_NEEDED}the words for {{{name}}} in a rule's message"
                for name, value in words.items() if not _words(value)]
    for rule_id, spec in rules.items():
        if rule_id not in RULE_KEYS or not isinstance(spec, Mapping):
            continue  # reported above
        for key, value in spec.items():
            if RULE_KEYS[rule_id].get(key) != "text" or not isinstance(value, str):
                continue
            for name in general_fields(value):
                if name not in words:
                    problems.append(f"placeholder_words.{name}: missing; rules.{rule_id}.{key} says {{{name}}}, "
                                    "and the progress screen needs words for it")
    return list(dict.fromkeys(problems))  # a field two messages use is one problem
