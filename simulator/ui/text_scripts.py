"""Which writing system a character needs shaping for, so the text renderer can tell SDL_ttf.

SDL_ttf shapes text with HarfBuzz but only for the script and direction it is told: left
alone, Arabic comes out as separate letters in the wrong order and Devanagari without its
joined forms. A run of one of these scripts gets a font set to that script (and to
right-to-left for Arabic, Hebrew...), so a trainee called محمد علي sees the name as written.
Latin, Greek, Cyrillic and CJK need neither and keep the plain fonts.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# The first word of a character's Unicode name -> (ISO 15924 code, written right to left).
_SCRIPTS = {
    "ARABIC": ("Arab", True), "HEBREW": ("Hebr", True), "SYRIAC": ("Syrc", True),
    "THAANA": ("Thaa", True), "NKO": ("Nkoo", True),
    "DEVANAGARI": ("Deva", False), "BENGALI": ("Beng", False), "GURMUKHI": ("Guru", False),
    "GUJARATI": ("Gujr", False), "ORIYA": ("Orya", False), "TAMIL": ("Taml", False),
    "TELUGU": ("Telu", False), "KANNADA": ("Knda", False), "MALAYALAM": ("Mlym", False),
    "SINHALA": ("Sinh", False), "THAI": ("Thai", False), "LAO": ("Laoo", False),
    "TIBETAN": ("Tibt", False), "MYANMAR": ("Mymr", False), "KHMER": ("Khmr", False),
}
RIGHT_TO_LEFT = frozenset(code for code, rtl in _SCRIPTS.values() if rtl)
# Bidi classes that take the direction of the text around them: a space or a comma between
# two Arabic words belongs to the Arabic run, or the words would be laid out left to right.
_NEUTRAL = frozenset(("WS", "ON", "CS", "ES", "ET", "S", "BN", "NSM"))


@lru_cache(maxsize=4096)
def shaping_script(char: str) -> str | None:
    """The ISO 15924 code SDL_ttf must be given to draw `char` right, or None if none is needed."""
    if char.isascii():
        return None
    entry = _SCRIPTS.get(unicodedata.name(char, "").split(" ", 1)[0])
    return entry[0] if entry else None


def is_neutral(text: str) -> bool:
    """Whether every character of `text` takes its direction from its neighbours."""
    return all(unicodedata.bidirectional(char) in _NEUTRAL for char in text)
