"""Small scenario texts for loader tests, built by editing one known-good file."""

from __future__ import annotations

from simulator.scenario.loader import load_scenario

BASE = """\
schema_version: 1
id: tiny
title: Tiny
customer: {name: Pat, persona: reasonable}
start: opening
nodes:
  opening:
    say: Hello.
    replies:
      - text: Sorry about that, let me fix it.
        acts: [apologize, offer-solution]
        next: done
endings:
  done: {outcome: resolved, text: Fixed.}
"""


def edit(*pairs: str, base: str = BASE) -> str:
    """BASE with each (old, new) replacement applied once; fails loudly on a typo."""
    text = base
    for old, new in zip(pairs[::2], pairs[1::2]):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def load_text(text: str | bytes, catalog, name: str = "mem.yaml"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return load_scenario(name, catalog, data=data)


def codes_of(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]
