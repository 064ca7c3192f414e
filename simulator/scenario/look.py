"""How a customer looks: the vocabulary (from `looks.yaml`) and a look for every customer.

A scenario may describe its customer under `customer: look:` (age, hair, skin tone, facial
hair, glasses, clothing). Whatever it leaves out is chosen from the customer's name and
persona with a stable hash, so the same customer always looks the same on every machine and
two customers in the library rarely look alike. Nothing here draws: the UI's face module
turns a `CustomerLook` into shapes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from simulator import paths

LOOK_FIELDS = ("age", "hair_style", "hair_colour", "skin_tone", "facial_hair", "glasses", "clothing")


@dataclass(frozen=True, slots=True)
class CustomerLook:
    """One value per look field; every value is a key of that field in looks.yaml."""

    age: str = "adult"
    hair_style: str = "short"
    hair_colour: str = "dark-brown"
    skin_tone: str = "fair"
    facial_hair: str = "none"
    glasses: str = "none"
    clothing: str = "blue"

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class LookVocabulary:
    """The allowed values of each field and their colours (`{}` for shape-only values)."""

    values: Mapping[str, Mapping[str, Mapping[str, str]]]  # field -> value -> {colour, shade}

    def choices(self, field: str) -> tuple[str, ...]:
        return tuple(self.values.get(field, {}))

    def colour(self, field: str, value: str, key: str = "colour") -> str | None:
        return self.values.get(field, {}).get(value, {}).get(key)


def looks_file() -> Path:
    return Path(paths.DATA_DIR) / "looks.yaml"


@lru_cache(maxsize=1)
def vocabulary() -> LookVocabulary:
    """looks.yaml, read once. The file ships with the program; a broken one is a bug, so it
    fails loudly here rather than producing a half-drawn face."""
    import yaml  # here, not at the top: the engine imports this module and never reads YAML itself

    raw = yaml.safe_load(looks_file().read_text(encoding="utf-8"))
    table = {field: {str(k): dict(v or {}) for k, v in raw["fields"][field].items()} for field in LOOK_FIELDS}
    return LookVocabulary(values=table)


def _pick(digest: bytes, index: int, options: tuple[str, ...]) -> str:
    # two bytes per field keep the choices independent of each other
    number = int.from_bytes(digest[2 * index: 2 * index + 2], "big")
    return options[number % len(options)]


def derived_look(name: str, persona: str, age: str | None = None) -> CustomerLook:
    """The look chosen for a customer who has none written down.

    Facial hair is never guessed from a name (that would be guessing gender); an author who
    wants a beard writes one. Older customers get grey or white hair. `age`, when the author
    wrote one, is kept and the rest follows from it.
    """
    vocab = vocabulary()
    digest = hashlib.sha256(f"{name.strip().casefold()}|{persona}".encode("utf-8")).digest()
    age = age if age in vocab.choices("age") else _pick(digest, 0, vocab.choices("age"))
    hair_colours = vocab.choices("hair_colour")
    if age == "older":
        hair_colours = tuple(c for c in hair_colours if c in ("grey", "white")) or hair_colours
    else:
        hair_colours = tuple(c for c in hair_colours if c not in ("grey", "white")) or hair_colours
    styles = tuple(s for s in vocab.choices("hair_style") if s != "bald" or age in ("middle", "older"))
    return CustomerLook(
        age=age,
        hair_style=_pick(digest, 1, styles),
        hair_colour=_pick(digest, 2, hair_colours),
        skin_tone=_pick(digest, 3, vocab.choices("skin_tone")),
        facial_hair="none",
        glasses=_pick(digest, 5, ("none", "none", *vocab.choices("glasses")[1:])),
        clothing=_pick(digest, 6, vocab.choices("clothing")),
    )


def complete_look(written: Mapping[str, str], name: str, persona: str) -> CustomerLook:
    """The written fields over the derived look (unknown fields are the loader's to report).

    An author who writes a look has pictured the customer: accessories they did not write
    (glasses, facial hair) are left off rather than guessed."""
    base = derived_look(name, persona, written.get("age"))
    if written:
        base = replace(base, glasses="none", facial_hair="none")
    known = {k: v for k, v in written.items() if k in LOOK_FIELDS}
    return replace(base, **known)
