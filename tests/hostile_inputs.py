"""Large and odd inputs, generated at test time (never committed): the shapes issue 13 found
breaking the product. Every generator returns valid scenario YAML text unless it says not.

The header uses acts, a persona and mood dimensions from the shipped data files, so the
files load against the real catalog.
"""

from __future__ import annotations

import functools
import random
import struct
import zlib

_HEADER = """schema_version: 1
id: {id}
title: {title}
customer: {{name: Sam, persona: reasonable}}
start: n0
nodes:
"""
_ENDINGS = """endings:
  done: {outcome: resolved, text: Sorted.}
  gone: {outcome: walked-out, text: Left.}
"""
_ACTS = ("acknowledge", "invite", "paraphrase", "clarify", "offer-options", "next-step")


def branching(n_nodes: int, seed: int = 7) -> str:
    """A compact graph where every node has 2-3 replies to later nodes: the play tree is
    exponential up to the turn limit (the 836 KB / 8,000-node file that took 24 GB)."""
    rng = random.Random(seed)
    lines = [_HEADER.format(id=f"branching-{n_nodes}", title="Branching")]
    for i in range(n_nodes):
        replies = []
        for r in range(rng.choice((2, 2, 3))):
            step = 1 if r == 0 else rng.randint(2, 4)
            target = f"n{i + step}" if i + step < n_nodes else rng.choice(("done", "gone"))
            replies.append(f"{{text: R, acts: [{_ACTS[(i + r) % len(_ACTS)]}], next: {target}}}")
        lines.append(f"  n{i}: {{say: L, replies: [{', '.join(replies)}]}}\n")
    lines.append(_ENDINGS)
    return "".join(lines)


def wide(n_replies: int) -> str:
    """One node with `n_replies` replies, most of them looping back to itself."""
    lines = [_HEADER.format(id="wide", title="Wide"), "  n0:\n    say: Pick one.\n    replies:\n"]
    for r in range(n_replies):
        target = "done" if r % 500 == 0 else "n0"
        lines.append(f"      - {{text: R{r}, acts: [{_ACTS[r % len(_ACTS)]}], next: {target}}}\n")
    lines.append(_ENDINGS)
    return "".join(lines)


def wide_and_long(n_nodes: int = 6000, n_replies: int = 4000) -> str:
    """A long branching graph plus one very wide node: (nodes x widest node) tables of
    gigabytes, in a file under the size cap."""
    graph = branching(n_nodes)
    body = wide(n_replies).split("nodes:\n", 1)[1].split("endings:")[0]
    body = body.replace("  n0:", "  w0:").replace("next: n0", "next: w0")
    graph = graph.replace("nodes:\n", "nodes:\n" + body, 1)
    return graph.replace("  n0: {say: L, replies: [", "  n0: {say: L, replies: [{text: W, acts: [invite], next: w0}, ", 1)


def chain(n_nodes: int) -> str:
    """A single chain whose only ending lies past the turn limit."""
    lines = [_HEADER.format(id=f"chain-{n_nodes}", title="Chain")]
    for i in range(n_nodes):
        target = f"n{i + 1}" if i + 1 < n_nodes else "done"
        lines.append(f"  n{i}: {{say: L, replies: [{{text: G, acts: [invite], next: {target}}}]}}\n")
    lines.append(_ENDINGS)
    return "".join(lines)


def small(extra_customer: str = "", reply_extra: str = "", say: str = "Hello.") -> str:
    """A tiny valid scenario with hooks for one odd value in the customer or a reply."""
    return (_HEADER.format(id="small", title="Small").replace(
        "customer: {name: Sam, persona: reasonable}",
        "customer:\n  name: Sam\n  persona: reasonable\n" + extra_customer)
        + f"  n0:\n    say: {say}\n    replies:\n"
          f"      - text: Fine.\n        acts: [acknowledge]\n{reply_extra}        next: done\n"
        + _ENDINGS)


@functools.lru_cache(maxsize=8)  # a 20000 x 20000 body takes seconds to deflate: once per process
def png_header(width: int, height: int, *, body: bool = True) -> bytes:
    """A PNG of the given size: signature, IHDR and (optionally) a tiny compressed body.

    With `body`, the IDAT is a real deflate stream of zero rows, so a 20000 x 20000 image
    is a few tens of kilobytes on disk: a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    if body:
        squeezer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)  # fast on runs of zeros
        rows = b"\x00" * ((width + 1) * 256)  # 256 zero rows per call: deflate does the rest
        parts = [squeezer.compress(rows) for _ in range(height // 256)]
        parts.append(squeezer.compress(b"\x00" * ((width + 1) * (height % 256))))
        data = b"".join(parts) + squeezer.flush()
        out += chunk(b"IDAT", data)
    return out + chunk(b"IEND", b"")


def jpeg_header(width: int, height: int) -> bytes:
    """The start of a baseline JPEG: SOI, an APP0 segment and a SOF0 frame of that size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"
