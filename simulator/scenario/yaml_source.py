"""Reading untrusted YAML into a composed node tree, with positions, in one libyaml pass.

Scenario and data files are untrusted text. Before libyaml sees them we check, with cheap
byte scans, the things that either crash a parser or give confusing errors: the size cap,
UTF-8, tabs in indentation and absurd nesting. Then we compose once with the C loader and
keep the node tree: every node carries its start and end mark, so everything built from it
can point back at the exact line and column. Nothing is ever *constructed* from tags, so no
YAML tag can run code.

Anchors and aliases are rejected. libyaml composes an alias as the very same node object
as its anchor, so an "alias bomb" costs nothing until someone walks the tree; we find them
with the event stream (only when the text contains `&` or `*` where a node could start)
and replace every alias occurrence with an inert placeholder before anyone walks it.
"""

from __future__ import annotations

import gc
import hashlib
import operator
import os
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from simulator.scenario.diagnostics import ERROR, Diagnostic
from simulator.scenario.model import Span
from simulator.scenario.safe_read import ReadRefused, read_capped
from simulator.scenario.text_clean import LINE_BREAK, clean_tree, needs_cleaning

try:  # libyaml is the fast path; the pure-Python loader is a fallback for odd installs
    from yaml import CSafeLoader as _SafeLoader
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on the installed wheel
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]
    _Parser = None

MAX_BYTES = 1 << 20  # 1 MiB: far above any real scenario, far below trouble
MAX_DEPTH = 64  # a scenario needs about 9 levels; libyaml recursion crashes in the 10^4s

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
ALIAS_TAG = "!alias-removed"  # placeholder for an alias occurrence; already reported

_BOM = b"\xef\xbb\xbf"
# a tab before a line's content (blank and comment-only lines do no harm)
_TAB_INDENT = re.compile(r"^[ ]*\t[ \t]*[^\s#]", re.MULTILINE)
_ANCHOR_OR_ALIAS = re.compile(r"[&*]")
# Opening a nested block collection on the same line ("- - - x", "? - ? x") adds depth
# without indentation; only such chains (or flow brackets) can nest deeply in 1 MiB.
_COMPACT_CHAIN = re.compile(rb"(?:[-?][ \t]+){16,}")
_NON_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


_IMPLICIT = {first: tuple(rules) for first, rules in Resolver.yaml_implicit_resolvers.items()}
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


class _LeanResolver(Resolver):
    """The SafeLoader's implicit typing (same tags, checked by tests), minus the generic
    machinery: libyaml calls these once per node, so they are a fifth of compose time."""

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in _IMPLICIT.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG

    # path resolvers are never registered here; libyaml still calls these for every node
    descend_resolver = staticmethod(operator.is_)
    ascend_resolver = staticmethod(tuple)


if _Parser is not None:
    class _Loader(_Parser, SafeConstructor, _LeanResolver):
        """libyaml's parser and composer with the lean resolver. Nothing is constructed."""

        def __init__(self, stream) -> None:
            _Parser.__init__(self, stream)
            SafeConstructor.__init__(self)
            _LeanResolver.__init__(self)
else:  # pragma: no cover
    _Loader = _SafeLoader


@dataclass(slots=True)
class Source:
    """A file's text and composed YAML tree. `root` is None when the file has no document."""

    path: str
    text: str
    root: Node | None
    sha256: str


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while a file is composed and turned into a model.

    Both steps allocate tens of thousands of small objects and none of them form reference
    cycles, so the collector has nothing to find; left on, it re-walks the growing tree over
    and over and doubles the cost of a large file. Re-entrant; restores the previous state.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def display_path(path: str | Path) -> str:
    """A path as a trainer would type it: relative to the working folder when inside it."""
    text = str(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:  # another drive on Windows
        return text
    return text if relative.startswith("..") else relative


def span_of(path: str, node: Node) -> Span:
    """The 1-based span a node covers."""
    start, end = node.start_mark, node.end_mark
    return Span(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def diagnostic_at(path: str, node: Node, code: str, message: str, hint: str = "",
                  severity: str = ERROR) -> Diagnostic:
    """A diagnostic underlining `node` (to the end of its first line)."""
    start, end = node.start_mark, node.end_mark
    end_column = end.column + 1 if end.line == start.line and end.column > start.column else 0
    return Diagnostic(path, start.line + 1, start.column + 1, severity, code, message, hint,
                      end_column)


def read_source(path: str | Path, data: bytes | None = None) -> tuple[Source | None, list[Diagnostic]]:
    """Read and compose one YAML file. Returns (source, diagnostics); source is None when
    nothing useful can be built (unreadable, too big, not UTF-8, not YAML)."""
    from simulator.scenario import codes

    name = str(path)
    if data is None:
        try:  # regular files only, opened without blocking (a FIFO once hung validate)
            data = read_capped(path, MAX_BYTES, whole=False)
        except ReadRefused as refused:
            return None, [codes.make("S010", name, 1, 1, path=name, reason=str(refused))]
        if len(data) >= MAX_BYTES and os.path.getsize(path) > MAX_BYTES:
            data += b"\0"  # one byte more than the cap: reported as too large below
    if len(data) > MAX_BYTES:
        return None, [codes.make("S001", name, 1, 1, limit=_size(MAX_BYTES))]
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(data, error.start)
        return None, [codes.make("S002", name, line, column, byte=f"0x{data[error.start]:02x}",
                                 offset=error.start)]
    sha256 = hashlib.sha256(data).hexdigest()
    diagnostics: list[Diagnostic] = []
    if not text.isascii() and _LINE_SEPARATORS.search(text):
        text, diagnostics = _separators_as_spaces(name, text)
        data = text.encode("utf-8")
    tab_lines: set[int] = set()
    if "\t" in text:
        for match in _TAB_INDENT.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            tab_lines.add(line)
            column = text.index("\t", match.start()) - match.start() + 1
            diagnostics.append(codes.make("S003", name, line, column))
    suspicious_alias = ("&" in text or "*" in text) and _may_have_anchor(text)
    suspicious_depth = _may_nest_deeply(data)
    events = None
    try:
        if suspicious_alias or suspicious_depth:
            # the event stream is iterative in libyaml, so it is safe on any nesting; it is
            # read lazily because libyaml's scanner slows quadratically with flow depth
            # (1 MiB of "[" took minutes to list) and the depth check stops at level 65
            events, deep = _events_within_depth(name, yaml.parse(data, Loader=_Loader),
                                                suspicious_depth)
            if deep is not None:
                return None, diagnostics + [deep]
        root = yaml.compose(data, Loader=_Loader)
    except yaml.YAMLError as error:
        diag = _yaml_error(name, text, error)
        if diag.line not in tab_lines:  # the tab diagnostic already explains it
            diagnostics.append(diag)
        return None, diagnostics
    except RecursionError:  # only the pure-Python fallback loader recurses
        return None, diagnostics + [codes.make("S012", name, 1, 1, limit=MAX_DEPTH)]
    if root is not None and events is not None and suspicious_alias:
        diagnostics.extend(_reject_aliases(name, root, events))
    if root is not None and needs_cleaning(text):  # zero-width and bidi characters, NFC
        diagnostics.extend(clean_tree(name, root))
    return Source(name, text, root, sha256), diagnostics


# libyaml ends a line at NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR as well as at CR/LF,
# editors and grep do not: a pasted U+2028 moved every later diagnostic one line down and
# ended an indented text block mid-sentence. One character for one keeps the columns.
_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")


def _separators_as_spaces(name: str, text: str) -> tuple[str, list[Diagnostic]]:
    """`text` with NEL / U+2028 / U+2029 as spaces, and one S016 warning per line with any."""
    from simulator.scenario import codes

    out: list[Diagnostic] = []
    for number, line in enumerate(LINE_BREAK.split(text), 1):
        found = _LINE_SEPARATORS.findall(line)
        if found:
            names = sorted({f"U+{ord(ch):04X} {unicodedata.name(ch, 'NEXT LINE')}" for ch in found})
            column = _LINE_SEPARATORS.search(line).start() + 1
            out.append(codes.make("S016", name, number, column, count=len(found), names=", ".join(names)))
    return _LINE_SEPARATORS.sub(" ", text), out


def _size(count: int) -> str:
    return f"{count // 1024} KiB" if count >= 4096 else f"{count} bytes"


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset (text before it may be broken)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _may_have_anchor(text: str) -> bool:
    """True when some `&` or `*` stands where a node could start (so it may be an anchor
    or alias rather than part of a sentence such as "Terms & conditions")."""
    if text.count("&") + text.count("*") > 200:
        return True  # the exact event check is cheaper than looking at each one
    for match in _ANCHOR_OR_ALIAS.finditer(text):
        index = match.start() - 1
        while index >= 0 and text[index] in " \t\r":
            index -= 1
        if index < 0 or text[index] in "\n[{,:-?!":
            return True
        # a tag just before it ("!!str &a") ends in a word; look back to its start
        word_start = index
        while word_start > 0 and not text[word_start - 1].isspace():
            word_start -= 1
        if text[word_start] == "!":
            return True
    return False


def _may_nest_deeply(data: bytes) -> bool:
    """A cheap upper bound on nesting: flow brackets (counted even inside strings, which
    only over-estimates) and compact block chains. A precise check follows when True."""
    brackets = data.translate(None, _NON_BRACKETS)
    if len(brackets) > MAX_DEPTH:
        depth = 0
        for byte in brackets:
            depth += 1 if byte in b"[{" else -1
            if depth > MAX_DEPTH:
                return True
    # a chain needs two indicators in a row; "? " alone is just the end of a question
    if b"- - " in data or b"? ? " in data or b"- ? " in data or b"? - " in data:
        return _COMPACT_CHAIN.search(data) is not None
    return False


def _events_within_depth(name: str, stream, check_depth: bool) -> tuple[list, Diagnostic | None]:
    """The events of `stream`, or S012 at the first collection past MAX_DEPTH (when
    `check_depth`). Stops reading there, so a deep file costs only its first levels."""
    from simulator.scenario import codes

    events: list = []
    depth = 0
    for event in stream:
        events.append(event)
        if not check_depth:
            continue
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return events, codes.make("S012", name, mark.line + 1, mark.column + 1,
                                          limit=MAX_DEPTH)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return events, None


def _reject_aliases(name: str, root: Node, events: list) -> list[Diagnostic]:
    """Report anchors and aliases, and cut every alias out of the tree so that no later
    walk can be made to visit one subtree millions of times."""
    from simulator.scenario import codes

    diagnostics: list[Diagnostic] = []
    alias_marks = []
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            alias_marks.append(event.start_mark)
            mark = event.start_mark
            diagnostics.append(codes.make("S008", name, mark.line + 1, mark.column + 1,
                                          anchor=event.anchor))
        elif getattr(event, "anchor", None) is not None:
            mark = event.start_mark
            diagnostics.append(codes.make("S007", name, mark.line + 1, mark.column + 1,
                                          anchor=event.anchor))
    if alias_marks:
        _cut_aliases(root, iter(alias_marks))
    return diagnostics


def _cut_aliases(root: Node, marks) -> None:
    """Walk the tree depth-first in document order; meeting a node object a second time
    means an alias. libyaml emits alias events in the same order, so the marks line up."""
    seen: set[int] = {id(root)}
    stack: list[list] = [[root, 0]]  # [collection, next child slot]
    while stack:
        entry = stack[-1]
        node, slot = entry
        is_mapping = isinstance(node, MappingNode)
        if slot >= (2 * len(node.value) if is_mapping else len(node.value)):
            stack.pop()
            continue
        entry[1] = slot + 1
        child = node.value[slot // 2][slot % 2] if is_mapping else node.value[slot]
        if id(child) in seen:
            mark = next(marks, child.start_mark)
            stand_in = ScalarNode(ALIAS_TAG, "", mark, mark)
            if is_mapping:
                pair = list(node.value[slot // 2])
                pair[slot % 2] = stand_in
                node.value[slot // 2] = tuple(pair)
            else:
                node.value[slot] = stand_in
        else:
            seen.add(id(child))
            if not isinstance(child, ScalarNode):
                stack.append([child, 0])


def _yaml_error(name: str, text: str, error: yaml.YAMLError) -> Diagnostic:
    from simulator.scenario import codes

    if isinstance(error, yaml.reader.ReaderError):
        line, column, char = _first_bad_character(text)
        return codes.make("S004", name, line, column,
                          problem=f"the character {char} is not allowed in YAML", context="")
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    problem = (getattr(error, "problem", None) or str(error)).strip()
    context = (getattr(error, "context", None) or "").strip()
    if problem_mark is None and context_mark is None:
        return codes.make("S004", name, 1, 1, problem=problem, context="")
    if problem_mark is None or context_mark is None or not context:
        mark = problem_mark or context_mark
        suffix = f" ({context})" if context else ""
        return codes.make("S004", name, mark.line + 1, mark.column + 1, problem=problem,
                          context=suffix)
    if "end of stream" in problem:
        # an unclosed quote or bracket: the end of the file is no help, its start is
        return codes.make("S004", name, context_mark.line + 1, context_mark.column + 1,
                          problem=f"{context.removeprefix('while scanning ')} starts here "
                                  "but never ends",
                          context=f" ({problem} on line {problem_mark.line + 1})")
    suffix = f" ({context})"
    if (context_mark.line, context_mark.column) != (problem_mark.line, problem_mark.column):
        suffix = f" ({context} that starts on line {context_mark.line + 1}, " \
                 f"column {context_mark.column + 1})"
    return codes.make("S004", name, problem_mark.line + 1, problem_mark.column + 1,
                      problem=problem, context=suffix)


_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _first_bad_character(text: str) -> tuple[int, int, str]:
    match = _BAD_CHARACTER.search(text)
    if match is None:
        return 1, 1, "(unknown)"
    index = match.start()
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column, f"U+{ord(match.group()):04X}"
