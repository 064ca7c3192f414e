"""Loading the shared vocabulary (acts, personas, mood model, rubric) from scenarios/data/.

Trainers extend these files, so they get the same treatment as scenarios: one pass,
every problem reported with its line and column, never a traceback. The mood file is
read first because acts and personas name its dimensions; acts come before personas
because personas name acts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from simulator.paths import DATA_DIR
from simulator.scenario import codes
from simulator.scenario.catalog_model import Act, Catalog, Dimension, Expression, MoodParams, Persona
from simulator.scenario.diagnostics import ERROR, Diagnostic
from simulator.scenario.model import SKILLS, Bound
from simulator.scenario.node_reader import NodeReader
from simulator.scenario.persona_scoring import EMPTY_SCORING, read_scoring
from simulator.scenario.versioning import check_schema_version
from simulator.scenario.yaml_source import MAX_DEPTH, Source, display_path, gc_paused, read_source, span_of

DATA_FILES = ("mood.yaml", "acts.yaml", "personas.yaml", "rubric.yaml")
POLARITIES = ("positive", "negative", "neutral")

_ACT_KEYS = frozenset(("label", "description", "skill", "polarity", "critical", "progress",
                       "resolves", "effect", "lesson"))
_PERSONA_KEYS = frozenset(("label", "description", "start", "act_gains", "dimension_gains", "scoring"))
_DIMENSION_KEYS = frozenset(("min", "max", "baseline", "description"))
_MOOD_KEYS = frozenset(("schema_version", "dimensions", "decay", "grievance", "repeat_falloff",
                        "patience_drain", "thresholds", "expressions"))


def load_catalog(data_dir: str | Path = DATA_DIR) -> tuple[Catalog | None, list[Diagnostic]]:
    """Load acts.yaml, personas.yaml, mood.yaml and (if present) rubric.yaml from `data_dir`.

    Returns (catalog, diagnostics); the catalog is None when any file has an error.
    rubric.yaml is returned as plain data for simulator.engine.rubric to interpret.
    """
    with gc_paused():
        return _load_catalog(Path(data_dir))


def _load_catalog(data_dir: Path) -> tuple[Catalog | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    digest = hashlib.sha256()
    sources: dict[str, Source | None] = {}
    for name in DATA_FILES:
        path = data_dir / name
        if name == "rubric.yaml" and not path.exists():
            sources[name] = None
            continue
        source, problems = read_source(display_path(path))
        diagnostics.extend(problems)
        sources[name] = source
        if source is not None:
            digest.update(name.encode() + b"\0" + source.text.encode("utf-8") + b"\0")
        elif not problems:
            sources[name] = None

    mood = _read_mood(sources["mood.yaml"], diagnostics)
    dimensions = mood.dimension_ids if mood else None  # None: mood.yaml broken, do not check
    acts = _read_acts(sources["acts.yaml"], dimensions, diagnostics)
    personas = _read_personas(sources["personas.yaml"], mood, acts, diagnostics)
    rubric = _read_rubric(sources["rubric.yaml"], diagnostics, acts)
    if mood is None or acts is None or personas is None or rubric is None:
        return None, diagnostics
    if any(d.severity == ERROR for d in diagnostics):
        return None, diagnostics
    return Catalog(acts=acts, personas=personas, mood=mood, rubric=rubric,
                   sha256=digest.hexdigest()), diagnostics


def _open(source: Source | None, diagnostics: list[Diagnostic], top_keys: frozenset[str],
          required: tuple[str, ...]) -> tuple[NodeReader, dict] | None:
    """The top-level fields of a data file, after the checks every file gets."""
    if source is None:
        return None
    reader = NodeReader(source.path)
    root = source.root
    fields = None
    if root is None:
        reader.diagnostics.append(codes.make("S005", source.path, 1, 1))
    elif root.__class__ is not MappingNode:
        reader.report(root, "S006", found=_found(root))
    else:
        if check_schema_version(reader, root):
            fields = reader.fields(root, "the top level", top_keys, required)
            if any(name not in fields for name in required):
                fields = None
    if fields is None:
        diagnostics.extend(reader.diagnostics)
        return None
    return reader, fields


def _read_mood(source: Source | None, diagnostics: list[Diagnostic]) -> MoodParams | None:
    opened = _open(source, diagnostics, _MOOD_KEYS, tuple(sorted(_MOOD_KEYS - {"schema_version"})))
    if opened is None:
        return None
    reader, fields = opened
    dims: list[Dimension] = []
    for name, key, value in reader.entries(fields["dimensions"][1], "dimensions") or ():
        entry = reader.fields(value, f"dimension '{name}'", _DIMENSION_KEYS,
                              ("min", "max", "baseline"))
        if entry is None:
            continue
        numbers = {k: reader.number(entry[k][1], k) for k in ("min", "max", "baseline") if k in entry}
        low, high, base = numbers.get("min"), numbers.get("max"), numbers.get("baseline")
        if None in (low, high, base):
            continue
        if low >= high:
            reader.report(entry["max"][1], "S105", what="max", limits=f"greater than min ({low:g})",
                          value=f"{high:g}")
        elif not low <= base <= high:
            reader.report(entry["baseline"][1], "S105", what="baseline",
                          limits=f"between {low:g} and {high:g}", value=f"{base:g}")
        description = reader.optional_text(entry["description"][1], "description") if "description" in entry else ""
        dims.append(Dimension(name, low, high, base, description or "", span_of(reader.path, key)))
    if not dims:
        reader.report(fields["dimensions"][1], "S104", what="dimensions",
                      hint="list the mood dimensions, e.g. pleasure: {min: -1, max: 1, baseline: 0}")
    ids = tuple(d.id for d in dims)
    fractions = {}
    for name in ("decay", "repeat_falloff"):
        value = reader.number(fields[name][1], name)
        if value is not None and not 0 <= value <= 1:
            reader.report(fields[name][1], "S105", what=name, limits="between 0 and 1", value=value)
        fractions[name] = value or 0.0
    drain = reader.number(fields["patience_drain"][1], "patience_drain") or 0.0
    grievance = _dimension_numbers(reader, fields["grievance"][1], "grievance", ids)
    thresholds = {}
    for name, key, value in reader.entries(fields["thresholds"][1], "thresholds") or ():
        bounds = read_bounds(reader, value, f"threshold '{name}'", ids)
        if bounds is not None:
            thresholds[name] = bounds
    expressions = []
    items = reader.sequence(fields["expressions"][1], "expressions") or ()
    for item in items:
        entry = reader.fields(item, "an expression", frozenset(("id", "when")), ("id", "when"))
        if entry is None:
            continue
        label = reader.text(entry["id"][1], "id")
        bounds = read_bounds(reader, entry["when"][1], "when", ids)
        if label is not None and bounds is not None:
            expressions.append(Expression(label, bounds, span_of(reader.path, item)))
    if not items and fields["expressions"][1].__class__ is SequenceNode:
        reader.report(fields["expressions"][1], "S104", what="expressions",
                      hint="list at least one expression label, e.g. - {id: neutral, when: {}}")
    diagnostics.extend(reader.diagnostics)
    if reader.has_errors:
        return None
    return MoodParams(tuple(dims), fractions["decay"], grievance or (), fractions["repeat_falloff"],
                      drain, thresholds, tuple(expressions), span_of(reader.path, source.root))


def read_bounds(reader: NodeReader, node: Node, what: str,
                dimensions: tuple[str, ...]) -> tuple[Bound, ...] | None:
    """{dim: {at_least: x, at_most: y}} as Bound tuples (shared with scenario conditions)."""
    entries = reader.entries(node, what)
    if entries is None:
        return None
    bounds = []
    for name, key, value in entries:
        if dimensions and not reader.check_name(name, key, dimensions, "S205"):
            continue
        limits = reader.fields(value, f"the bound on '{name}'", _BOUND_KEYS)
        if limits is None:
            continue
        if not limits:
            reader.report(value, "S104", what=f"the bound on '{name}'",
                          hint="give at_least, at_most or both, e.g. {at_least: 0.5}")
            continue
        low = reader.number(limits["at_least"][1], "at_least") if "at_least" in limits else None
        high = reader.number(limits["at_most"][1], "at_most") if "at_most" in limits else None
        if low is not None and high is not None and low > high:
            reader.report(value, "S107", low=f"{low:g}", high=f"{high:g}", dimension=name)
        bounds.append(Bound(name, low, high, span_of(reader.path, key)))
    return tuple(bounds)


_BOUND_KEYS = frozenset(("at_least", "at_most"))


def _dimension_numbers(reader: NodeReader, node: Node, what: str,
                       dimensions: tuple[str, ...] | None) -> tuple[tuple[str, float], ...] | None:
    entries = reader.entries(node, what)
    if entries is None:
        return None
    out = []
    for name, key, value in entries:
        number = reader.number(value, f"{what} for '{name}'")
        known = dimensions is None or reader.check_name(name, key, dimensions, "S205")
        if known and number is not None:
            out.append((name, float(number)))
    return tuple(out)


def _read_acts(source: Source | None, dimensions: tuple[str, ...] | None,
               diagnostics: list[Diagnostic]) -> dict[str, Act] | None:
    opened = _open(source, diagnostics, frozenset(("schema_version", "acts")), ("acts",))
    if opened is None:
        return None
    reader, fields = opened
    acts: dict[str, Act] = {}
    for name, key, value in reader.entries(fields["acts"][1], "acts") or ():
        entry = reader.fields(value, f"act '{name}'", _ACT_KEYS, ("label", "skill", "polarity"))
        if entry is None:
            continue
        get = _getter(reader, entry)
        skill = None
        if "skill" in entry and entry["skill"][1].tag != "tag:yaml.org,2002:null":
            skill = reader.text(entry["skill"][1], "skill")
            if skill is not None and not reader.check_name(skill, entry["skill"][1], SKILLS, "S204"):
                skill = None
        polarity = get("polarity", reader.text, "")
        if polarity and polarity not in POLARITIES:
            reader.report(entry["polarity"][1], "S114", what="polarity", value=polarity,
                          choices=", ".join(POLARITIES),
                          hint=codes.did_you_mean(polarity, POLARITIES))
        effect = ()
        if "effect" in entry:
            effect = _dimension_numbers(reader, entry["effect"][1], "effect", dimensions) or ()
        acts[name] = Act(name, get("label", reader.text, name), get("description", reader.optional_text, ""),
                         skill, polarity, get("critical", reader.boolean, False),
                         get("progress", reader.boolean, False),
                         get("resolves", reader.boolean, False), effect,
                         get("lesson", reader.optional_text, ""), span_of(reader.path, key))
    diagnostics.extend(reader.diagnostics)
    return None if reader.has_errors else acts


def _read_personas(source: Source | None, mood: MoodParams | None, acts: dict[str, Act] | None,
                   diagnostics: list[Diagnostic]) -> dict[str, Persona] | None:
    opened = _open(source, diagnostics, frozenset(("schema_version", "personas")),
                   ("personas",))
    if opened is None:
        return None
    reader, fields = opened
    dims = {d.id: d for d in mood.dimensions} if mood else {}
    dimension_ids = tuple(dims) if mood else None
    personas: dict[str, Persona] = {}
    for name, key, value in reader.entries(fields["personas"][1], "personas") or ():
        entry = reader.fields(value, f"persona '{name}'", _PERSONA_KEYS, ("label",))
        if entry is None:
            continue
        get = _getter(reader, entry)
        start = ()
        if "start" in entry:
            start = _dimension_numbers(reader, entry["start"][1], "start", dimension_ids) or ()
            check_ranges(reader, entry["start"][1], start, dims)
        act_gains = []
        if "act_gains" in entry:
            for act, act_key, gain_node in reader.entries(entry["act_gains"][1], "act_gains") or ():
                gain = reader.number(gain_node, f"the gain for '{act}'")
                if acts is not None and not reader.check_name(act, act_key, acts, "S202"):
                    continue
                if gain is not None:
                    act_gains.append((act, float(gain)))
        gains = ()
        if "dimension_gains" in entry:
            gains = _dimension_numbers(reader, entry["dimension_gains"][1], "dimension_gains",
                                       dimension_ids) or ()
        scoring = read_scoring(reader, entry["scoring"][1], name, acts) if "scoring" in entry else EMPTY_SCORING
        personas[name] = Persona(name, get("label", reader.text, name),
                                 get("description", reader.optional_text, ""), start, tuple(act_gains),
                                 gains, span_of(reader.path, key), scoring)
    diagnostics.extend(reader.diagnostics)
    return None if reader.has_errors else personas


def check_ranges(reader: NodeReader, node: Node, values, dims: dict[str, Dimension]) -> None:
    """Report values outside their dimension's [min, max] (used for starting moods)."""
    entries = {key.value: value for key, value in node.value} if node.__class__ is MappingNode else {}
    for name, number in values:
        dim = dims.get(name)
        if dim is not None and not dim.minimum <= number <= dim.maximum:
            reader.report(entries.get(name, node), "S105", what=f"the starting '{name}'",
                          limits=f"between {dim.minimum:g} and {dim.maximum:g}", value=f"{number:g}")



def _read_rubric(source: Source | None, diagnostics: list[Diagnostic],
                 acts: dict[str, Act] | None = None) -> dict[str, Any] | None:
    """rubric.yaml as plain data; with `acts`, also checked as a whole rubric (a partial
    override, as in a scenario folder's data/, is checked once merged)."""
    if source is None:
        return {}
    reader = NodeReader(source.path)
    data = {}
    if source.root is None:
        reader.diagnostics.append(codes.make("S005", source.path, 1, 1))
    elif source.root.__class__ is not MappingNode:
        reader.report(source.root, "S006", found=_found(source.root))
    else:
        data = to_python(reader, source.root)
        if not reader.has_errors and acts is not None:
            _check_rubric(reader, source.root, data, acts)
    diagnostics.extend(reader.diagnostics)
    return None if reader.has_errors else data


def _check_rubric(reader: NodeReader, root: Node, data: dict[str, Any], acts: dict[str, Act]) -> None:
    """rubric.yaml's meaning (rule settings, numbers, act names), each problem at its line.

    The checker lives with the engine that interprets the rubric (it only reads scenario
    types, so this import does not pull the engine in); here its 'key.path: problem'
    answers are placed on the YAML node the path names.
    """
    from simulator.engine.rubric_schema import rubric_problems

    for problem in rubric_problems(data, acts):
        where, _, text = problem.partition(": ")
        reader.diagnostics.append(_at_path(reader.path, root, where, text))


def _at_path(path: str, root: Node, where: str, problem: str) -> Diagnostic:
    """A S115 diagnostic on the deepest node of `root` that the dotted key path reaches."""
    node, at_key = root, root
    for part in where.split("."):
        if node.__class__ is not MappingNode:
            break
        for key, value in node.value:
            if str(key.value) == part:
                node, at_key = value, key
                break
        else:
            break
    # an unknown key is shown at the key itself; a bad value at the value
    target = at_key if "unknown" in problem or node.__class__ is MappingNode else node
    mark = target.start_mark
    return codes.make("S115", path, mark.line + 1, mark.column + 1, where=where, problem=problem)


def to_python(reader: NodeReader, node: Node, depth: int = 0) -> Any:
    """Plain Python data from a node tree, reporting duplicate keys on the way."""
    if depth > MAX_DEPTH:
        reader.report(node, "S012", limit=MAX_DEPTH)
        return None
    if node.__class__ is MappingNode:
        return {name: to_python(reader, value, depth + 1)
                for name, _key, value in reader.entries(node, "a mapping") or ()}
    if node.__class__ is SequenceNode:
        return [to_python(reader, item, depth + 1) for item in node.value]
    tag = node.tag
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return reader.number(node, "a number")
    if tag == "tag:yaml.org,2002:bool":
        return reader.boolean(node, "a yes/no value")
    if tag == "tag:yaml.org,2002:null":
        return None
    return node.value


def _getter(reader: NodeReader, entry: dict[str, tuple[Node, Node]]):
    def get(name: str, read, default):
        if name not in entry:
            return default
        value = read(entry[name][1], name)
        return default if value is None else value
    return get




def _found(node: Node) -> str:
    from simulator.scenario.node_reader import describe
    return describe(node)
