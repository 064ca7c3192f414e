"""Text as it reaches the screen: invisible formatting characters removed, NFC composed.

Text pasted from web pages often carries zero-width spaces, byte-order marks and bidi
controls (U+200B, U+FEFF, U+200F, U+202E ...). They have no glyph in the game's font, so a
line showed as boxes, and a right-to-left override can make a line read backwards. They are
removed when a file is read, with one warning (S015) per value saying which were found,
and every text value is put in NFC so "é" typed two ways is one string. Joiners with a
meaning in some scripts (U+200C, U+200D) are kept; the renderer skips any glyph its font
lacks rather than blanking the line.
"""

from __future__ import annotations

import re
import unicodedata

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from simulator.scenario.diagnostics import Diagnostic

_INVISIBLE = "\u061c\u180e\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064" \
             "\u2066\u2067\u2068\u2069\ufeff"
INVISIBLE = re.compile(f"[{_INVISIBLE}]")
_DROP = {ord(ch): None for ch in _INVISIBLE}
# the line ends libyaml counts (after NEL / U+2028 / U+2029 became spaces, yaml_source):
# str.splitlines also splits at those and at VT, FF and FS..RS, which numbered lines apart
LINE_BREAK = re.compile("\r\n|\r|\n")
# what must never reach a terminal raw: C0 controls but newline and tab, DEL, C1 controls,
# bidi and zero-width characters (the CLI escapes them; the diagnostic formatter shows U+FFFD)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e"
                    "\u2060-\u2069\ufeff]")


def clean(text: str) -> str:
    """`text` without invisible formatting characters, in NFC."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text.translate(_DROP))


def needs_cleaning(text: str) -> bool:
    """Cheap whole-file test: False means every value is already clean."""
    return not text.isascii() and (INVISIBLE.search(text) is not None
                                   or not unicodedata.is_normalized("NFC", text))


def clean_tree(path: str, root: Node) -> list[Diagnostic]:
    """Clean every scalar in the composed tree in place; one S015 warning per value that
    carried invisible characters (NFC changes alone are silent: nothing visible changes)."""
    from simulator.scenario import codes

    out: list[Diagnostic] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.__class__ is ScalarNode:
            value = node.value
            if value.isascii():
                continue
            found = INVISIBLE.findall(value)
            node.value = clean(value)
            if found:
                names = sorted({f"U+{ord(ch):04X} {unicodedata.name(ch, 'format character')}" for ch in found})
                mark = node.start_mark
                out.append(codes.make("S015", path, mark.line + 1, mark.column + 1,
                                      what="this text" if node.tag.endswith(":str") else "this value",
                                      count=len(found), names=", ".join(names)))
        elif node.__class__ is MappingNode:
            for key, value in node.value:
                stack.append(value)
                stack.append(key)
        elif node.__class__ is SequenceNode:
            stack.extend(reversed(node.value))
    out.sort(key=lambda d: (d.line, d.column))
    return out
