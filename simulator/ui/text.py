"""Fonts and rendered text, created once and cached.

`TextRenderer` owns every `pygame.font.Font` (one per file and pixel size) and an LRU cache
of rendered lines, so a frame that redraws the same words costs only blits. Any character
the main font lacks is drawn with the fallback font (run by run inside a line), then with the
first installed font the theme names that has it (CJK...); characters no font has show the
font's box glyph. Runs of Arabic, Hebrew or an Indic script are shaped in their script and
direction (text_scripts.py). Text is cleaned first (NUL, lone surrogates and
control characters), so no Unicode input can raise.

Wrapping is done here rather than with `Font.render(wraplength=...)`: the typewriter effect
needs to know where each line breaks before the text is complete (otherwise a word would
jump to the next line halfway through typing), and mixed-font runs need per-line control.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import OrderedDict
from pathlib import Path

import pygame

from simulator.paths import ASSETS_DIR
from simulator.ui.text_scripts import RIGHT_TO_LEFT, is_neutral, shaping_script
from simulator.ui.theme import Color, Style, ThemeData

log = logging.getLogger(__name__)

FONTS_DIR = ASSETS_DIR / "fonts"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_PROBE_PX = 24
_CACHE_LIMIT = 1500
# Rendered lines are capped by their pixels too: at 1920x1080 one line of body text is
# ~75 kB, so 1500 of them would hold >100 MB. Least recently drawn lines go first.
CACHE_BYTES = 12 * 2**20
_INVISIBLE_CATEGORIES = frozenset(("Cf", "Cc", "Zl", "Zp", "Mn", "Me"))  # drawn as nothing when no font has them
_NO_GLYPH_CATEGORIES = frozenset(("Cn", "Co", "Cs"))  # unassigned, private use, surrogates


def clean_text(text: object) -> str:
    """Any value -> text that SDL_ttf accepts: no NUL/control chars or lone surrogates."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\t", "    ")
    return _CONTROL.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)


_LIST_ITEM = re.compile(r"^\s*([-*•]|\d+[.)])\s")


def reflow(text: object) -> str:
    """Authored prose -> paragraphs: single line breaks (YAML block style) become spaces.

    Blank lines still separate paragraphs and list items (`- `, `* `, `1. `) keep their own
    line, so a trainer's layout survives while the game wraps to the window width.
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", clean_text(text).strip()):
        lines: list[str] = []
        for raw in block.split("\n"):
            line = raw.strip()
            if lines and line and not _LIST_ITEM.match(raw):
                lines[-1] = f"{lines[-1]} {line}"
            elif line:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


ELLIPSIS = "…"


class Shortened(str):
    """A line cut short with an ellipsis to fit (`TextRenderer.shorten`, `wrap_at_most`).

    It is drawn like any string; what it adds is for the layout check: `whole` is the text it
    stands for and `whole_at` says where on screen the trainee can read all of it. A cut with
    no `whole_at` hides words for good, so a frame that draws one has a layout problem
    (tools/layout_check.py). Cutting on purpose - a one-line header chip, a table cell - names
    the place the whole text is shown ("the start screen", "the scenario list").
    """

    whole: str
    whole_at: str

    def __new__(cls, shown: str, whole: str, whole_at: str = "") -> "Shortened":
        line = super().__new__(cls, shown)
        line.whole, line.whole_at = whole, whole_at
        return line


class TextRenderer:
    """Fonts by (weight, px), glyph fallback, line wrapping and a rendered-line cache."""

    def __init__(self, theme: ThemeData, fonts_dir: Path = FONTS_DIR) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._paths: dict[str, Path | None] = {}
        for weight in ("regular", "bold", "italic", "mono", "fallback"):
            name = theme.fonts.get(weight, "")
            path = fonts_dir / name if name else None
            if path is None or not path.is_file():
                log.warning("font %r for %s not found in %s; using the default font",
                            name, weight, fonts_dir)
                path = None
            self._paths[weight] = path
        self._system_names = theme.system_fonts
        self._system: tuple[str, ...] | None = None  # their weights, once looked up (see _system_weights)
        self._fonts: dict[tuple[str, int], pygame.font.Font] = {}
        self._glyph_ok: dict[tuple[str, str], bool] = {}
        self._notdef: dict[str, object] = {}
        self._lines: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._line_bytes = 0  # pixels held by _lines, in bytes (bounded by CACHE_BYTES)
        self.cache_bytes = CACHE_BYTES
        self._wraps: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()
        self.hits = 0
        self.misses = 0
        self.log = None  # a LayoutLog while a test records a frame (see layout_log.py)

    # -- fonts -------------------------------------------------------------------------
    def font(self, weight: str, px: int) -> pygame.font.Font:
        """The font for a weight ('regular', 'bold', 'italic', 'fallback', 'system0'...) at `px`;
        'fallback@Arab' is the same face set to shape Arabic (see text_scripts.py)."""
        key = (weight, px)
        font = self._fonts.get(key)
        if font is None:
            face, _, script = weight.partition("@")
            path = self._paths.get(face) or self._paths.get("regular")
            try:
                font = pygame.font.Font(path, px)
            except (OSError, pygame.error) as error:
                log.warning("cannot open font %s (%s); using the default font", path, error)
                font = pygame.font.Font(None, px)
            if face == "bold" and self._paths.get("bold") is None:
                font.bold = True  # synthesised bold keeps headings distinct
            if script:
                _shape_for(font, script)
            self._fonts[key] = font
        return font

    def _has_glyph(self, weight: str, char: str) -> bool:
        # SDL_ttf's metrics() return the box glyph's metrics for a missing character, so a
        # character whose metrics equal those of an unassigned code point is missing.
        key = (weight, char)
        known = self._glyph_ok.get(key)
        if known is None:
            probe = self.font(weight, _PROBE_PX)
            if weight not in self._notdef:
                self._notdef[weight] = probe.metrics("\U0010fffd")
            try:
                known = char.isspace() or probe.metrics(char) != self._notdef[weight]
            except (pygame.error, UnicodeError, ValueError):
                known = False
            self._glyph_ok[key] = known
        return known

    def _runs(self, text: str, weight: str) -> list[tuple[str, str]]:
        """Split a line into (font weight, substring) runs, using the fallback as needed."""
        if text.isascii():
            return [(weight, text)]
        runs: list[tuple[str, list[str]]] = []  # lists, not str +=: linear on a 200,000-char line
        for char in text:
            use = weight
            if not self._has_glyph(weight, char):
                if self._has_glyph("fallback", char):
                    use = "fallback"
                elif unicodedata.category(char) in _INVISIBLE_CATEGORIES:
                    continue  # a format/control character with no glyph anywhere draws as nothing
                else:
                    use = self._system_weight(char) or weight
            script = shaping_script(char)
            if script:
                use = f"{use}@{script}"
            if runs and runs[-1][0] == use:
                runs[-1][1].append(char)
            else:
                runs.append((use, [char]))
        return _join_right_to_left([(use, "".join(chars)) for use, chars in runs])

    def _system_weight(self, char: str) -> str | None:
        """The first installed font (theme `system_fonts`) that has `char`, as a weight name."""
        if unicodedata.category(char) in _NO_GLYPH_CATEGORIES:
            return None  # unassigned or private: no font to look for, and no lookup per such character
        for weight in self._system_weights():
            if self._has_glyph(weight, char):
                return weight
        return None

    def _system_weights(self) -> tuple[str, ...]:
        # Looked up on the first character the bundled fonts lack (SDL's font list costs a
        # fc-list run on Linux), then kept: one weight per distinct installed file.
        if self._system is None:
            paths: list[Path] = []
            for name in self._system_names:
                try:
                    import pygame.sysfont  # not imported by `import pygame` everywhere

                    found = pygame.sysfont.match_font(name)
                except Exception as error:  # a broken font list must cost only the fallback
                    log.debug("no system font list (%s)", error)
                    break
                if found and Path(found).is_file() and Path(found) not in paths:
                    paths.append(Path(found))
            self._system = tuple(f"system{i}" for i in range(len(paths)))
            self._paths.update(zip(self._system, paths))
        return self._system

    # -- measuring ---------------------------------------------------------------------
    def line_height(self, style: Style, role: str, weight: str = "regular") -> int:
        return self.font(weight, style.font_px(role)).get_linesize()

    def measure(self, text: str, px: int, weight: str = "regular") -> int:
        """Width in pixels of one line of already-clean text."""
        total = 0
        for run_weight, run in self._runs(text, weight):
            try:
                total += self.font(run_weight, px).size(run)[0]
            except (pygame.error, UnicodeError, ValueError):
                total += px * len(run) // 2
        return total

    def wrap(self, text: object, style: Style, role: str, width: int,
             weight: str = "regular") -> tuple[str, ...]:
        """Greedy word wrap to `width` pixels; words longer than a line are split."""
        px = style.font_px(role)
        clean = clean_text(text)
        key = (clean, px, weight, width)
        cached = self._wraps.get(key)
        if cached is not None:
            self._wraps.move_to_end(key)
            return cached
        lines: list[str] = []
        for paragraph in clean.split("\n"):
            lines.extend(self._wrap_paragraph(paragraph, px, weight, max(8, width)))
        result = tuple(lines)
        self._wraps[key] = result
        if len(self._wraps) > _CACHE_LIMIT:
            self._wraps.popitem(last=False)
        return result

    def _wrap_paragraph(self, paragraph: str, px: int, weight: str, width: int) -> list[str]:
        # Split on single spaces so runs of spaces (indentation, carets) survive the wrap.
        # Linear in the paragraph's length: a word is measured whole only while it could
        # fit; a longer one is cut by a binary search over at most one line's worth of
        # characters (`_window`), so a 200,000-character word costs O(n log line) measures
        # of short prefixes instead of re-measuring the whole remainder for every line.
        lines: list[str] = []
        current: str | None = None
        window = self._window(px, width)
        for word in paragraph.split(" "):
            candidate = word if current is None else f"{current} {word}"
            if len(candidate) <= window and self.measure(candidate, px, weight) <= width:
                current = candidate
                continue
            if current is not None:
                lines.append(current)
            start = 0  # an index, not slicing off the rest: copying it per line is quadratic
            while len(word) - start > window or self.measure(word[start:], px, weight) > width:
                cut = self._fit_chars(word[start:start + window], px, weight, width)
                lines.append(word[start:start + cut])
                start += cut
            current = word[start:] if start else word
        lines.append(current or "")
        return lines

    def shorten(self, text: object, px: int, width: int, weight: str = "regular", whole_at: str = "",
                whole: str | None = None) -> str:
        """One line of `text` that fits `width` pixels: itself when it fits, else a `Shortened`
        prefix ending in an ellipsis (`whole`, default the text, is what it stands for)."""
        text = clean_text(text).replace("\n", " ")
        if self.measure(text, px, weight) <= width:
            return text if whole is None else Shortened(text, whole, whole_at)
        lo, hi = 0, len(text)
        while lo < hi:  # the longest prefix that fits with the ellipsis after it
            mid = (lo + hi + 1) // 2
            if self.measure(text[:mid].rstrip() + ELLIPSIS, px, weight) <= width:
                lo = mid
            else:
                hi = mid - 1
        return Shortened(text[:lo].rstrip() + ELLIPSIS, text if whole is None else whole, whole_at)

    def wrap_at_most(self, text: object, style: Style, role: str, width: int, max_lines: int,
                     weight: str = "regular", whole_at: str = "") -> tuple[str, ...]:
        """`wrap`, but at most `max_lines` lines: past that the last line shown ends in an
        ellipsis (a `Shortened` standing for the whole text, so the layout check sees the cut)."""
        lines = self.wrap(text, style, role, width, weight)
        if len(lines) <= max(1, max_lines):
            return lines
        keep = max(1, max_lines)
        # the lines left over never fit on one (the wrap was greedy), so this one ends in "…"
        rest = " ".join(lines[keep - 1:])
        last = self.shorten(rest, style.font_px(role), width, weight, whole_at, whole=clean_text(text))
        return (*lines[:keep - 1], last)

    @staticmethod
    def _window(px: int, width: int) -> int:
        """More characters than any line of `width` pixels can hold at `px` (no glyph of a
        real font is narrower than a tenth of its size; zero-width marks were cleaned out)."""
        return max(8, (width * 10) // max(1, px) + 8)

    def _fit_chars(self, word: str, px: int, weight: str, width: int) -> int:
        lo, hi = 1, len(word)
        measure = self.measure
        runs = self._runs(word, weight)
        if len(runs) == 1:  # one font for the whole piece: measure prefixes with it directly
            font = self.font(runs[0][0], px)
            piece = runs[0][1]
            if len(piece) == len(word):
                measure = lambda text, _px, _weight: font.size(text)[0]  # noqa: E731
        while lo < hi:  # the longest prefix that fits, at least one character
            mid = (lo + hi + 1) // 2
            if measure(word[:mid], px, weight) <= width:
                lo = mid
            else:
                hi = mid - 1
        return max(1, lo)

    # -- rendering ---------------------------------------------------------------------
    def render(self, text: object, style: Style, role: str, color: Color,
               weight: str = "regular") -> pygame.Surface:
        """One line of text as a cached surface with per-pixel alpha."""
        return self.render_px(text, style.font_px(role), color, weight)

    def render_px(self, text: object, px: int, color: Color, weight: str = "regular") -> pygame.Surface:
        # Keyed by the text as given, so a cache hit skips cleaning it again.
        key = (text, px, weight, color)
        surface = self._lines.get(key)
        if surface is not None:
            self.hits += 1
            self._lines.move_to_end(key)
            if self.log is not None:
                self.log.tag(surface, str(text))
                self._note_cut(text)
            return surface
        self.misses += 1
        clean = clean_text(text).replace("\n", " ")
        surface = self._render_runs(clean, px, color, weight)
        self._lines[key] = surface
        self._line_bytes += _bytes(surface)
        while len(self._lines) > 1 and (len(self._lines) > _CACHE_LIMIT or self._line_bytes > self.cache_bytes):
            _, dropped = self._lines.popitem(last=False)
            self._line_bytes -= _bytes(dropped)
        if self.log is not None:
            self.log.tag(surface, clean)
            self._note_cut(text)
        return surface

    def _note_cut(self, text: object) -> None:
        # whenever the cut was made (layout or draw), the frame that draws it is the one judged
        if isinstance(text, Shortened):
            self.log.cut(text.whole, text.whole_at)

    def _render_runs(self, text: str, px: int, color: Color, weight: str) -> pygame.Surface:
        base = self.font(weight, px)
        runs = self._runs(text, weight)
        if len(runs) == 1 and runs[0][0] == weight:
            try:
                return _fast(base.render(runs[0][1], True, color))
            except (pygame.error, UnicodeError, ValueError):
                pass  # rendered run by run below, so one bad character costs only itself
        pieces = []
        for w, t in runs:  # one run that cannot be drawn never blanks the rest of the line
            try:
                pieces.append((self.font(w, px), self.font(w, px).render(t, True, color)))
            except (pygame.error, UnicodeError, ValueError) as error:
                log.debug("skipped %r in a line (%s)", t[:20], error)
        if not pieces:
            return pygame.Surface((1, base.get_linesize()), pygame.SRCALPHA)
        height = max(base.get_linesize(), *(p.get_height() for _, p in pieces))
        surface = pygame.Surface((max(1, sum(p.get_width() for _, p in pieces)), height),
                                 pygame.SRCALPHA)
        x = 0
        for font, piece in pieces:
            # Align runs on the main font's baseline so mixed fonts sit on one line.
            surface.blit(piece, (x, base.get_ascent() - font.get_ascent()))
            x += piece.get_width()
        return _fast(surface)

    def clear(self) -> None:
        """Drop rendered lines (after a theme or size change they will not be reused)."""
        self._lines.clear()
        self._line_bytes = 0
        self._wraps.clear()

    @property
    def cached_bytes(self) -> int:
        """Bytes of pixels the rendered-line cache holds now (never above `cache_bytes`
        but for a single line bigger than the whole budget)."""
        return self._line_bytes


def _shape_for(font: pygame.font.Font, script: str) -> None:
    """Tell SDL_ttf the script (and direction) to shape a run with; without HarfBuzz in the
    SDL_ttf build, or in an older pygame, the run is drawn unshaped as before."""
    try:
        font.set_script(script)
        if script in RIGHT_TO_LEFT:
            font.set_direction(pygame.DIRECTION_RTL)
    except (AttributeError, pygame.error, ValueError) as error:
        log.debug("cannot shape %s text (%s)", script, error)


def _join_right_to_left(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Spaces and punctuation between two runs of one right-to-left face join them, so
    'محمد علي' is shaped as one run and its words come out in right-to-left order."""
    out: list[tuple[str, str]] = []
    for use, text in runs:
        if (len(out) >= 2 and out[-2][0] == use and use.partition("@")[2] in RIGHT_TO_LEFT
                and is_neutral(out[-1][1])):
            between = out.pop()[1]
            out[-1] = (use, out[-1][1] + between + text)
        else:
            out.append((use, text))
    return out


def _bytes(surface: pygame.Surface) -> int:
    return surface.get_pitch() * surface.get_height()


def _fast(surface: pygame.Surface) -> pygame.Surface:
    # Matching the display's pixel format makes every later blit cheaper.
    return surface.convert_alpha() if pygame.display.get_surface() is not None else surface


def draw_lines(surface: pygame.Surface, text: TextRenderer, style: Style, lines: tuple[str, ...],
               x: int, y: int, role: str, color: Color, weight: str = "regular",
               line_gap: float = 1.18, align: str = "left", width: int = 0) -> int:
    """Blit wrapped lines top-down from (x, y); returns the y after the last line."""
    step = round(text.line_height(style, role, weight) * line_gap)
    for line in lines:
        image = text.render(line, style, role, color, weight)
        if align == "center" and width:
            surface.blit(image, (x + (width - image.get_width()) // 2, y))
        elif align == "right" and width:
            surface.blit(image, (x + width - image.get_width(), y))
        else:
            surface.blit(image, (x, y))
        y += step
    return y


def block_height(text: TextRenderer, style: Style, lines: int, role: str,
                 weight: str = "regular", line_gap: float = 1.18) -> int:
    """Height of `lines` wrapped lines drawn by `draw_lines`."""
    if lines <= 0:
        return 0
    step = round(text.line_height(style, role, weight) * line_gap)
    return step * (lines - 1) + text.line_height(style, role, weight)
