"""Scenario files -> frozen `Scenario` models, with every problem reported in one pass.

The builder walks the composed YAML tree once, in file order, checking each value as it
builds the model, so every object keeps the span it came from. Names the catalog defines
(acts, personas, dimensions, expressions, thresholds, skills) are checked on the spot;
node and ending names are collected and resolved once the whole file has been read,
because a reply may point forward. Graph rules (lint.py) run afterwards on the model,
as long as the conversation graph itself was read without errors: a broken `next` would
otherwise show up again as a fake "unreachable" or "loop" problem.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from simulator.paths import portrait_dirs
from simulator.scenario import codes
from simulator.scenario.assets import AssetProblem, check_portrait, limits_text
from simulator.scenario.catalog import check_ranges, read_bounds
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.diagnostics import ERROR, Diagnostic
from simulator.scenario.model import (NO_SPAN, OUTCOMES, SCHEMA_VERSION, SKILLS, Condition, Customer, Ending,
                                      LineVariant, Node as ScenarioNode, Reply, Scenario, Trigger)
from simulator.scenario.node_reader import NodeReader
from simulator.scenario.versioning import check_schema_version
from simulator.scenario.look import LOOK_FIELDS, complete_look
from simulator.scenario.look import vocabulary as look_vocabulary
from simulator.scenario.yaml_source import STR_TAG, Source, gc_paused, read_source, span_of

_TOP_KEYS = frozenset(("schema_version", "id", "title", "summary", "difficulty", "briefing",
                       "learning_goals", "customer", "start", "nodes", "endings", "triggers"))
_TOP_REQUIRED = ("id", "title", "customer", "start", "nodes", "endings")
_CUSTOMER_KEYS = frozenset(("name", "persona", "mood", "portraits", "look"))
_NODE_KEYS = frozenset(("say", "replies", "provokes"))
_REPLY_KEYS = frozenset(("text", "acts", "next", "when", "mood", "skills", "note", "hand_off_right"))
_REPLY_REQUIRED = ("text", "acts", "next")
_ENDING_KEYS = frozenset(("outcome", "text"))
_TRIGGER_KEYS = frozenset(("when", "goto"))
_CONDITION_KEYS = frozenset(("mood", "expression", "visited", "not_visited", "acts_used",
                             "acts_not_used", "threshold"))


def _not_ascii(value: str, what: str = "it") -> str:
    """The characters of a bad id outside ASCII, named: text pasted from the web brings
    no-break spaces, soft hyphens and dashes that look like what an id allows."""
    names = [f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"
             for ch in dict.fromkeys(value) if not ch.isascii()]
    return f" ({what} contains {', '.join(names[:4])}{', ...' if len(names) > 4 else ''})" if names else ""


def _target_hint(name: str, choices: list[str]) -> str:
    """S201's hint. When the closest id is one pasted with look-alike characters (its own
    S106 names them), 'did you mean' alone would suggest what looks like the very spelling
    the trainer typed, so the hint says what is odd about it and where to fix it."""
    close = codes.close_match(name, choices)
    if close is not None and _NODE_ID.match(close) is None:
        return f"'{close}' is defined with characters an id cannot have{_not_ascii(close)}: retype it where it is defined"
    return codes.did_you_mean(name, choices) + _not_ascii(name, "the name written here")


_SCENARIO_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
_NODE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*\Z")
_DEFAULT = "default"
_MAX_POINTS = 100  # a reply's explicit skill points: a skill is scored 0-100


def _plain(node: Node) -> str | None:
    """The fast path for the commonest value: non-empty text. None sends the value to the
    full check (which also reports what is wrong with it)."""
    if node.__class__ is ScalarNode and node.tag == STR_TAG and node.value:
        return node.value
    return None


def load_scenario(path: str | Path, catalog: Catalog,
                  data: bytes | None = None) -> tuple[Scenario | None, list[Diagnostic]]:
    """Load and check one scenario file against `catalog`.

    Returns (scenario, diagnostics) sorted by position; the scenario is None when any
    diagnostic is an error. `data` may supply the file's bytes (tests, the editor reload).
    """
    with gc_paused():  # and resumed only once the node tree is gone again
        scenario, diagnostics, graph_sound = _build(path, catalog, data)
        if scenario is not None and graph_sound:
            from simulator.scenario.lint import run_lints

            diagnostics.extend(run_lints(scenario, catalog))
    diagnostics.sort(key=lambda d: (d.line, d.column))
    if any(d.severity == ERROR for d in diagnostics):
        return None, diagnostics
    return scenario, diagnostics


def _build(path, catalog: Catalog, data: bytes | None) -> tuple[Scenario | None, list[Diagnostic], bool]:
    """(partial model, diagnostics, graph sound?); the YAML tree dies with this frame."""
    source, diagnostics = read_source(path, data)
    if source is None:
        return None, diagnostics, False
    builder = _Builder(source, catalog)
    scenario = builder.build()
    diagnostics.extend(builder.reader.diagnostics)
    return scenario, diagnostics, builder.graph_sound


class _Builder:
    """One pass over one file's tree; keeps what later checks need."""

    def __init__(self, source: Source, catalog: Catalog) -> None:
        self.source = source
        self.path = source.path
        self.catalog = catalog
        self.reader = NodeReader(source.path)
        self.graph_sound = True  # False once an error could hide or invent a graph edge
        self.targets: list[tuple[str, Node, str]] = []  # (name, where, "target"|"start"|"node")
        # ids written in the file even if their content is broken, so that a broken node
        # is reported once, not again at every reply leading to it; None: section unreadable
        self.node_ids: set[str] | None = set()
        self.ending_ids: set[str] | None = set()
        mood = catalog.mood
        self.dimensions = mood.dimension_ids
        self.expressions = frozenset(mood.expression_ids)
        self.labels = self.expressions | {_DEFAULT}

    def build(self) -> Scenario | None:
        reader, root = self.reader, self.source.root
        if root is None:
            reader.diagnostics.append(codes.make("S005", self.path, 1, 1))
            return None
        if root.__class__ is not MappingNode:
            from simulator.scenario.node_reader import describe

            reader.report(root, "S006", found=describe(root))
            return None
        if not check_schema_version(reader, root):
            return None
        fields = reader.fields(root, "the top level", _TOP_KEYS, _TOP_REQUIRED)
        get = fields.get
        scenario_id = self._scenario_id(get("id"))
        nodes = self._nodes(get("nodes"))
        endings = self._endings(get("endings"), nodes)
        customer = self._customer(get("customer"))
        start = self._name(get("start"), "start")
        if start is not None:
            self.targets.append((start, fields["start"][1], "start"))
        else:
            self.graph_sound = False
        triggers = self._triggers(get("triggers"))
        self._resolve(nodes, endings)
        difficulty = 1
        if "difficulty" in fields:
            node = fields["difficulty"][1]
            value = reader.integer(node, "difficulty")
            if value is not None and not 1 <= value <= 3:
                reader.report(node, "S105", what="difficulty", limits="1, 2 or 3", value=value)
            elif value is not None:
                difficulty = value
        goals: list[str] = []
        if "learning_goals" in fields:
            for text, _ in reader.names(fields["learning_goals"][1], "learning_goals") or ():
                goals.append(text)
        return Scenario(
            schema_version=SCHEMA_VERSION, id=scenario_id or "", title=self._text(get("title"), "title"),
            summary=self._text(get("summary"), "summary", True),
            difficulty=difficulty, briefing=self._text(get("briefing"), "briefing", True),
            learning_goals=tuple(goals), customer=customer, start=start or "",
            nodes=nodes, endings=endings, triggers=triggers, path=self.path,
            source_sha256=self.source.sha256, span=span_of(self.path, root))

    # -- small values ---------------------------------------------------------------------
    def _text(self, pair, what: str, optional: bool = False) -> str:
        if pair is None:
            return ""
        return self.reader.text(pair[1], what, allow_empty=optional) or ""

    def _name(self, pair, what: str) -> str | None:
        return None if pair is None else self.reader.text(pair[1], what)

    def _scenario_id(self, pair) -> str | None:
        value = self._name(pair, "id")
        if value is not None and not _SCENARIO_ID.match(value):
            self.reader.report(pair[1], "S106", value=value, what="scenario id",
                               rule="use lowercase letters and digits joined by '-' or '_', "
                                    "e.g. wrong-size-shoes" + _not_ascii(value))
        return value

    # -- customer -------------------------------------------------------------------------
    def _customer(self, pair) -> Customer:
        reader = self.reader
        fields = reader.fields(pair[1], "customer", _CUSTOMER_KEYS, ("name", "persona")) if pair else None
        if not fields:
            return Customer("", "")
        name = self._text(fields.get("name"), "the customer's name")
        persona = self._name(fields.get("persona"), "persona") or ""
        personas = self.catalog.personas
        if persona and not reader.check_name(persona, fields["persona"][1], personas, "S203"):
            persona = ""
        mood: tuple[tuple[str, float], ...] = ()
        if "mood" in fields:
            mood = self._dimension_numbers(fields["mood"][1], "the customer's mood")
            dims = {d.id: d for d in self.catalog.mood.dimensions}
            check_ranges(reader, fields["mood"][1], mood, dims)
        portraits = self._portraits(fields["portraits"][1]) if "portraits" in fields else ()
        written = self._look(fields["look"][1]) if "look" in fields else {}
        return Customer(name, persona, mood, portraits, span_of(self.path, pair[1]),
                        look=complete_look(written, name or "", persona))

    def _look(self, node: Node) -> dict[str, str]:
        """`look:` fields as written; unknown fields and values are reported (S220)."""
        reader, out = self.reader, {}
        vocab = look_vocabulary()
        fields = reader.fields(node, "the customer's look", frozenset(LOOK_FIELDS))
        for field, (_key, value) in (fields or {}).items():
            text = reader.text(value, f"the look's {field}")
            if text is None:
                continue
            choices = vocab.choices(field)
            if reader.check_name(text, value, choices, "S220", "known values: " + ", ".join(choices)):
                out[field] = text
        return out

    def _portraits(self, node: Node) -> tuple[tuple[str, str], ...]:
        reader, out = self.reader, []
        for label, key, value in reader.entries(node, "portraits") or ():
            image = reader.text(value, f"the portrait for '{label}'")
            if not reader.check_name(label, key, self.labels, "S206") or image is None:
                continue
            relative = PurePosixPath(image.replace("\\", "/"))
            if relative.is_absolute() or ".." in relative.parts or re.match(r"[A-Za-z]:", image) \
                    or "\x00" in image:
                reader.report(value, "S108", value=image)
                continue
            roots = portrait_dirs(self.path)  # the scenario's own assets/ first, then the shipped ones
            try:  # header only: a decompression bomb or a FIFO is reported, never opened for real
                check_portrait(roots, str(relative))
            except AssetProblem as problem:
                if problem.code == "S108":  # say why: the path as written may look fine
                    reader.report(value, "S108", value=image,
                                  hint=f"{problem.reason}; use a file inside the assets folder itself")
                    continue
                if problem.code == "S109":
                    reader.report(value, "S109", value=image, looked=" or ".join(f"{root}/" for root in roots))
                else:
                    reader.report(value, "S116", value=image, reason=problem.reason, limits=limits_text())
                    continue  # the game draws the face; nothing would be gained by keeping it
            out.append((label, str(relative)))
        return tuple(out)

    def _dimension_numbers(self, node: Node, what: str) -> tuple[tuple[str, float], ...]:
        reader, out = self.reader, []
        for name, key, value in reader.entries(node, what) or ():
            number = reader.number(value, f"the value for '{name}'")
            if reader.check_name(name, key, self.dimensions, "S205") and number is not None:
                out.append((name, number))
        return tuple(out)

    # -- nodes and replies ----------------------------------------------------------------
    def _nodes(self, pair) -> dict[str, ScenarioNode]:
        nodes: dict[str, ScenarioNode] = {}
        entries = self.reader.entries(pair[1], "nodes") if pair else None
        if entries is None:
            self.graph_sound = False
            self.node_ids = None
            return nodes
        self.node_ids.update(name for name, _, _ in entries)
        if not entries:
            self.reader.report(pair[1], "S104", what="nodes",
                               hint="a scenario needs at least the node named by start")
        for node_id, key, value in entries:
            node = self._node(node_id, key, value)
            if node is None:
                self.graph_sound = False
            else:
                nodes[node_id] = node
        return nodes

    def _check_id(self, name: str, key: Node, what: str) -> None:
        if not _NODE_ID.match(name):
            self.reader.report(key, "S106", value=name, what=what,
                               rule="use letters, digits, '_' and '-' only, e.g. ask_details" + _not_ascii(name))

    def _node(self, node_id: str, key: Node, value: Node) -> ScenarioNode | None:
        reader = self.reader
        self._check_id(node_id, key, "node id")
        fields = reader.fields(value, f"node '{node_id}'", _NODE_KEYS, ("say",))
        if fields is None:
            return None
        say = self._say(fields["say"][1]) if "say" in fields else ()
        replies_node = fields["replies"][1] if "replies" in fields else None
        items = [] if replies_node is None else reader.sequence(
            replies_node, f"the replies of node '{node_id}'")
        if items is None:
            return None
        replies = []
        for item in items:
            reply = self._reply(item)
            if reply is None:
                self.graph_sound = False
            else:
                replies.append(reply)
        provokes, provokes_span = (), NO_SPAN
        if "provokes" in fields:  # kinds come from rubric.yaml, which scores the answer
            provokes_node = fields["provokes"][1]
            provokes = reader.tags(provokes_node, "provokes", self.catalog.provocation_kinds, "S213")
            provokes_span = span_of(self.path, provokes_node)
        return ScenarioNode(node_id, say, tuple(replies), span_of(self.path, key), provokes, provokes_span)

    def _say(self, node: Node) -> tuple[LineVariant, ...]:
        reader, path = self.reader, self.path
        if node.__class__ is ScalarNode:
            text = _plain(node) or reader.text(node, "say")
            return () if text is None else (LineVariant(_DEFAULT, text, span_of(path, node)),)
        if node.__class__ is not MappingNode:
            reader.wrong_type(node, "say", "text, or a mapping of mood label: text",
                              "e.g. say: {default: Hello., angry: What now?}")
            return ()
        variants = []
        entries = reader.entries(node, "say") or ()
        labels = self.labels
        for label, key, value in entries:
            text = _plain(value) or reader.text(value, f"the '{label}' line")
            if (label in labels or reader.check_name(label, key, labels, "S206")) and text is not None:
                variants.append(LineVariant(label, text, span_of(path, value)))
        if not entries:
            reader.report(node, "S104", what="say", hint="give at least a default line")
        return tuple(variants)

    def _reply(self, node: Node) -> Reply | None:
        """A reply, or None when its `next` is unusable (the graph would be wrong)."""
        reader = self.reader
        fields = reader.fields(node, "a reply", _REPLY_KEYS, _REPLY_REQUIRED)
        if fields is None or "next" not in fields:
            return None
        next_node = fields["next"][1]
        target = _plain(next_node) or reader.text(next_node, "next")
        if target is None:
            return None
        self.targets.append((target, next_node, "target"))
        get = fields.get
        text_pair, acts_pair, note_pair = get("text"), get("acts"), get("note")
        text = (text_pair and _plain(text_pair[1])) or self._text(text_pair, "the reply text")
        acts = self._acts(acts_pair[1], "acts") if acts_pair else ()
        note = (note_pair and _plain(note_pair[1])) or self._text(note_pair, "note", True)
        when = mood = skills = None
        hand_off_right, hand_off_span = False, NO_SPAN
        common = 1 + (text_pair is not None) + (acts_pair is not None) + (note_pair is not None)
        if len(fields) > common:  # the rarer keys, looked up only when present
            pair = get("when")
            when = self._condition(pair[1]) if pair else None
            pair = get("mood")
            mood = self._dimension_numbers(pair[1], "mood") if pair else None
            if mood:
                self._check_effects(pair[1], mood)
            pair = get("skills")
            skills = self._skills(pair[1]) if pair else None
            pair = get("hand_off_right")
            if pair:
                hand_off_right = bool(reader.boolean(pair[1], "hand_off_right"))
                hand_off_span = span_of(self.path, pair[1])
        return Reply(text, acts, target, when, mood or (), skills or (), note,
                     span_of(self.path, node), hand_off_right, hand_off_span)

    def _acts(self, node: Node, what: str) -> tuple[str, ...]:
        known = self.catalog.acts
        if node.__class__ is SequenceNode:  # the common case: a list of known acts
            names = []
            for item in node.value:
                if item.__class__ is not ScalarNode or item.value not in known or item.tag != STR_TAG:
                    break
                names.append(item.value)
            else:
                if names:
                    return tuple(names)
        reader = self.reader
        found = reader.names(node, what)
        if found is None:
            return ()
        if not found and node.__class__ is SequenceNode:
            reader.report(node, "S104", what=what,
                          hint="tag the reply with at least one act, e.g. [acknowledge]")
        return tuple(name for name, item in found if reader.check_name(name, item, known, "S202"))

    def _skills(self, node: Node) -> tuple[tuple[str, float], ...]:
        reader, out = self.reader, []
        for name, key, value in reader.entries(node, "skills") or ():
            points = reader.number(value, f"the points for '{name}'")
            if points is not None and not -_MAX_POINTS <= points <= _MAX_POINTS:
                reader.report(value, "S105", what=f"the points for '{name}'",
                              limits=f"between {-_MAX_POINTS} and {_MAX_POINTS} (a skill is scored 0-100)",
                              value=f"{points:g}")
                continue
            if reader.check_name(name, key, SKILLS, "S204") and points is not None:
                out.append((name, points))
        return tuple(out)

    def _check_effects(self, node: Node, values: tuple[tuple[str, float], ...]) -> None:
        """A reply's own mood effect may move a dimension at most across its whole range."""
        entries = {key.value: value for key, value in node.value} if node.__class__ is MappingNode else {}
        dims = {d.id: d for d in self.catalog.mood.dimensions}
        for name, number in values:
            dim = dims.get(name)
            if dim is None:
                continue
            span = dim.maximum - dim.minimum
            if not -span <= number <= span:
                self.reader.report(entries.get(name, node), "S105", what=f"the mood effect on '{name}'",
                                   limits=f"between {-span:g} and {span:g} (the dimension's whole range)",
                                   value=f"{number:g}")

    def _condition(self, node: Node) -> Condition:
        reader = self.reader
        fields = reader.fields(node, "a condition", _CONDITION_KEYS)
        if not fields:
            return Condition(span=span_of(self.path, node))
        parts: dict = {}
        if "mood" in fields:
            parts["mood"] = read_bounds(reader, fields["mood"][1], "mood", self.dimensions) or ()
        if "expression" in fields:
            parts["expression"] = tuple(
                name for name, item in reader.names(fields["expression"][1], "expression") or ()
                if reader.check_name(name, item, self.expressions, "S206"))
        for key in ("visited", "not_visited"):
            if key in fields:
                names = reader.names(fields[key][1], key) or ()
                self.targets.extend((name, item, "node") for name, item in names)
                parts[key] = tuple(name for name, _ in names)
        for key in ("acts_used", "acts_not_used"):
            if key in fields:
                parts[key] = self._acts(fields[key][1], key)
        if "threshold" in fields:
            name = reader.text(fields["threshold"][1], "threshold")
            if name is not None and reader.check_name(name, fields["threshold"][1],
                                                      self.catalog.mood.thresholds, "S207"):
                parts["threshold"] = name
        return Condition(span=span_of(self.path, node), **parts)

    # -- endings and triggers -------------------------------------------------------------
    def _endings(self, pair, nodes: dict[str, ScenarioNode]) -> dict[str, Ending]:
        reader, endings = self.reader, {}
        entries = reader.entries(pair[1], "endings") if pair else None
        if entries is None:
            self.graph_sound = False
            self.ending_ids = None
            return endings
        if not entries:
            reader.report(pair[1], "S104", what="endings",
                          hint="add an ending such as resolved: {outcome: resolved, text: ...}")
        for ending_id, key, value in entries:
            self._check_id(ending_id, key, "ending id")
            if ending_id in nodes:
                reader.report(key, "S209", name=ending_id, node_line=nodes[ending_id].span.line)
                self.graph_sound = False
            fields = reader.fields(value, f"ending '{ending_id}'", _ENDING_KEYS, ("outcome", "text"))
            if fields is None:
                endings[ending_id] = Ending(ending_id, "", "", span_of(self.path, key))
                continue
            outcome = self._name(fields.get("outcome"), "outcome") or ""
            if outcome and outcome not in OUTCOMES:
                reader.report(fields["outcome"][1], "S208", name=outcome,
                              hint=codes.did_you_mean(outcome, OUTCOMES,
                                                      "outcomes: " + ", ".join(OUTCOMES)))
            endings[ending_id] = Ending(ending_id, outcome, self._text(fields.get("text"), "text"),
                                        span_of(self.path, key))
        return endings

    def _triggers(self, pair) -> tuple[Trigger, ...]:
        if pair is None:
            return ()
        reader, out = self.reader, []
        for item in reader.sequence(pair[1], "triggers") or ():
            fields = reader.fields(item, "a trigger", _TRIGGER_KEYS, ("when", "goto"))
            if fields is None or "goto" not in fields:
                self.graph_sound = False
                continue
            goto = reader.text(fields["goto"][1], "goto")
            if goto is None:
                self.graph_sound = False
                continue
            self.targets.append((goto, fields["goto"][1], "target"))
            when = self._condition(fields["when"][1]) if "when" in fields else Condition()
            when_node = fields["when"][1] if "when" in fields else None
            if when_node.__class__ is MappingNode and not when_node.value:
                reader.report(fields["when"][1], "S113")
            out.append(Trigger(when, goto, span_of(self.path, item)))
        return tuple(out)

    # -- names that point at nodes and endings --------------------------------------------
    def _resolve(self, nodes: dict[str, ScenarioNode], endings: dict[str, Ending]) -> None:
        reader, node_ids, ending_ids = self.reader, self.node_ids, self.ending_ids
        for name, where, kind in self.targets:
            if name in nodes:
                continue
            if kind == "target" and name in endings:
                continue
            if node_ids is None or name in node_ids or (
                    kind == "target" and (ending_ids is None or name in ending_ids)):
                self.graph_sound = False  # it exists, but broken: already reported there
                continue
            if kind == "start" and name in endings:
                reader.report(where, "S210", name=name)
            else:
                choices = list(nodes) if kind != "target" else [*nodes, *endings]
                reader.report(where, "S201", name=name,
                              kind="a node or an ending" if kind == "target" else "a node",
                              hint=_target_hint(name, choices))
            if kind != "node":
                self.graph_sound = False
