"""Typed reads from composed YAML nodes that report problems instead of raising.

Every read returns a value or None; a None always comes with exactly one diagnostic on
that YAML node (a node is never reported twice, so one mistake gives one message). The
happy paths are a class check and a tag compare: this runs once per value in a file
and is most of the loader's cost after libyaml itself.
"""

from __future__ import annotations

import math
from typing import Iterable

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from simulator.scenario import codes
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.yaml_source import (ALIAS_TAG, BOOL_TAG, FLOAT_TAG, INT_TAG, NULL_TAG,
                                            STR_TAG, diagnostic_at)

_TEXT_TAGS = frozenset((STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG))
_TRUE = frozenset(("yes", "true", "on"))
MAX_MAGNITUDE = 1_000_000  # no mood, bound, weight or point count in any file comes near it
_constructor = SafeConstructor()  # only for YAML 1.1 number spellings such as 0x1F or 1_000


def describe(node: Node) -> str:
    """How a value reads to a trainer: 'a list', 'the text \"abc\"', 'nothing'."""
    if node.__class__ is MappingNode:
        return "a mapping (key: value pairs)"
    if node.__class__ is SequenceNode:
        return "a list"
    tag, value = node.tag, node.value
    if tag == NULL_TAG:
        return "nothing (an empty value)"
    if tag == BOOL_TAG:
        return f"the yes/no value {value}"
    if tag in (INT_TAG, FLOAT_TAG):
        return f"the number {value}"
    if tag == STR_TAG:
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    return f"a value tagged {tag}"


class NodeReader:
    """Reads one file's nodes and collects its diagnostics."""

    __slots__ = ("path", "diagnostics", "_reported")

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self._reported: set[int] = set()

    # -- reporting -------------------------------------------------------------------------
    def report(self, node: Node, code: str, *, hint: str | None = None, **fields) -> None:
        """Report `code` on `node` unless that node already has a diagnostic."""
        if id(node) in self._reported:
            return
        self._reported.add(id(node))
        if node.tag == ALIAS_TAG:
            return  # an alias occurrence was cut out and reported as S008 already
        base = diagnostic_at(self.path, node, code, "")
        made = codes.make(code, self.path, base.line, base.column, hint=hint,
                          end_column=base.end_column, **fields)
        self.diagnostics.append(made)

    def wrong_type(self, node: Node, what: str, expected: str, hint: str = "") -> None:
        self.report(node, "S103", what=what, expected=expected, found=describe(node), hint=hint)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    # -- collections -----------------------------------------------------------------------
    def fields(self, node: Node, where: str, known: frozenset[str],
               required: tuple[str, ...] = ()) -> dict[str, tuple[Node, Node]] | None:
        """A mapping's entries by key, reporting duplicates, unknown and missing keys."""
        if node.__class__ is not MappingNode:
            self.wrong_type(node, where, "a mapping of keys", _mapping_hint(required or known))
            return None
        entries: dict[str, tuple[Node, Node]] = {}
        odd = None  # unknown, duplicate or non-text keys: rare, handled off the fast path
        for pair in node.value:
            key = pair[0]
            if key.__class__ is ScalarNode and key.tag == STR_TAG:
                name = key.value
                if name in known and name not in entries:
                    entries[name] = pair
                    continue
            if odd is None:
                odd = []
            odd.append(pair)
        if odd is not None:
            self._odd_keys(odd, entries, where, known)
        if required:
            missing = [name for name in required if name not in entries]
            if missing:
                self._missing(node, where, missing, odd)
        return entries

    def _odd_keys(self, pairs, entries, where: str, known: frozenset[str]) -> None:
        seen = dict(entries)
        for key, value in pairs:
            name = self.key(key, seen)
            if name is None:
                continue
            seen[name] = (key, value)
            if name in known:
                entries[name] = (key, value)  # a number-like key such as 1: that we know
                continue
            close = codes.close_match(name, known)
            self.report(key, "S101", key=name, where=where,
                        hint=f"did you mean '{close}'?" if close else
                        "allowed keys here: " + ", ".join(sorted(known)))

    def _missing(self, node: Node, where: str, missing: list[str], odd) -> None:
        # a misspelt required key is reported once, as the misspelling (S101)
        meant = {codes.close_match(str(key.value), missing) for key, _ in odd or ()
                 if key.__class__ is ScalarNode}
        missing = [name for name in missing if name not in meant]
        if missing:
            keys = ("key " if len(missing) == 1 else "keys ") + ", ".join(f"'{m}'" for m in missing)
            self.report(node, "S102", where=where, keys=keys,
                        example=", ".join(f"'{m}: ...'" for m in missing))

    def key(self, key: Node, seen: dict[str, tuple[Node, Node]]) -> str | None:
        """A mapping key as text; None (reported) for non-text or duplicate keys."""
        if key.__class__ is not ScalarNode or key.tag not in _TEXT_TAGS:
            self.wrong_type(key, "a key", "plain text")
            return None
        name = key.value
        if name in seen:
            self.report(key, "S009", key=name, first_line=seen[name][0].start_mark.line + 1)
            return None
        return name

    def entries(self, node: Node, what: str) -> list[tuple[str, Node, Node]] | None:
        """A free-keyed mapping (ids, dimensions, labels) as (name, key, value), no dups."""
        if node.__class__ is not MappingNode:
            self.wrong_type(node, what, "a mapping of name: value pairs")
            return None
        seen: dict[str, tuple[Node, Node]] = {}
        out = []
        for pair in node.value:
            key = pair[0]
            if key.__class__ is ScalarNode and key.tag == STR_TAG and key.value not in seen:
                name = key.value  # the common case, without a method call
            else:
                name = self.key(key, seen)
                if name is None:
                    continue
            seen[name] = pair
            out.append((name, key, pair[1]))
        return out

    def sequence(self, node: Node, what: str, hint: str = "") -> list[Node] | None:
        if node.__class__ is not SequenceNode:
            self.wrong_type(node, what, "a list", hint)
            return None
        return node.value

    # -- scalars ---------------------------------------------------------------------------
    def text(self, node: Node, what: str, allow_empty: bool = False) -> str | None:
        """Text as written. Numbers and yes/no count as text here: a reply that says `No`
        means the word, not YAML's boolean."""
        if node.__class__ is ScalarNode:
            if node.tag in _TEXT_TAGS:
                if node.value.strip() or allow_empty:
                    return node.value
                self.report(node, "S104", what=what, hint="write some text, or remove the key")
                return None
            if node.tag == NULL_TAG:
                if allow_empty:
                    return ""
                self.report(node, "S104", what=what, hint="write some text after the colon")
                return None
        self.wrong_type(node, what, "text", "put the text on the same line, in quotes if it "
                                            "contains ': ' or '#'")
        return None

    def optional_text(self, node: Node, what: str) -> str | None:
        """Text that may be left empty (descriptions, notes)."""
        return self.text(node, what, allow_empty=True)

    def number(self, node: Node, what: str) -> float | None:
        if node.__class__ is ScalarNode and (node.tag == FLOAT_TAG or node.tag == INT_TAG):
            if self._too_large(node, what):
                return None
            value = _to_number(node)
            if value is not None and math.isfinite(value):
                return float(value)
        self.wrong_type(node, what, "a finite number", "write a number such as 0.2 or -1")
        return None

    def _too_large(self, node: ScalarNode, what: str) -> bool:
        """Report (S105, at the value) a number no setting could mean: a 401-digit integer
        overflowed float() with no position, a 5000-digit one passed Python's int() limit."""
        value = _to_number(node) if len(node.value) <= 40 else None
        if isinstance(value, float) and not math.isfinite(value):
            return False  # .inf and .nan: "must be a finite number", as before
        try:
            size = abs(float(value)) if value is not None else math.inf
        except OverflowError:
            size = math.inf
        if size <= MAX_MAGNITUDE:
            return False
        plain = node.value.lstrip("+-")
        shown = node.value if len(node.value) <= 24 else (
            f"a {len(plain):,}-digit number" if plain.isdigit() else f"a number {len(node.value):,} characters long")
        self.report(node, "S105", what=what, limits=f"between {-MAX_MAGNITUDE:,} and {MAX_MAGNITUDE:,}",
                    value=shown)
        return True

    def integer(self, node: Node, what: str) -> int | None:
        if node.__class__ is ScalarNode and node.tag == INT_TAG:
            if self._too_large(node, what):
                return None
            value = _to_number(node)
            if value is not None:
                return int(value)
        self.wrong_type(node, what, "a whole number")
        return None

    def boolean(self, node: Node, what: str) -> bool | None:
        if node.__class__ is ScalarNode and node.tag == BOOL_TAG:
            return node.value.lower() in _TRUE
        self.wrong_type(node, what, "true or false")
        return None

    def names(self, node: Node, what: str) -> list[tuple[str, Node]] | None:
        """A list of short names, e.g. acts: [acknowledge, invite]."""
        items = self.sequence(node, what, hint=f"write it as a list: [{_first_word(node)}]")
        if items is None:
            return None
        out = []
        for item in items:
            name = self.text(item, f"each entry of {what}")
            if name is not None:
                out.append((name, item))
        return out

    def tags(self, node: Node, what: str, known: Iterable[str], code: str) -> tuple[str, ...]:
        """A list of names from a fixed vocabulary (e.g. provokes: [insult, threat]); an
        unknown name is reported with `code` and a did-you-mean, a repeated one is dropped."""
        known = tuple(known)
        out: list[str] = []
        for name, item in self.names(node, what) or ():
            if self.check_name(name, item, known, code, "known: " + ", ".join(known)) and name not in out:
                out.append(name)
        return tuple(out)

    def check_name(self, name: str, node: Node, known: Iterable[str], code: str,
                   listing: str = "") -> bool:
        """True when `name` is among `known`; otherwise report `code` with a did-you-mean."""
        if name in known:
            return True
        self.report(node, code, name=name, hint=codes.did_you_mean(name, known, listing))
        return False


def _to_number(node: ScalarNode) -> float | int | None:
    try:
        return int(node.value) if node.tag == INT_TAG else float(node.value)
    except ValueError:
        pass  # YAML 1.1 spellings: 0x1F, 0o17, 1_000, 1:30, .inf
    try:
        return _constructor.construct_object(node)
    except (ConstructorError, ValueError, TypeError, OverflowError):
        return None


def _first_word(node: Node) -> str:
    if node.__class__ is ScalarNode and node.value:
        return node.value
    return "..."


def _mapping_hint(keys: Iterable[str]) -> str:
    listed = ", ".join(f"{k}: ..." for k in sorted(keys)[:4])
    return f"write it as key: value lines, e.g. {listed}" if listed else ""
