"""An optional record of where one frame put its text, panels and focus rings.

The drawing helpers note each text blit (the ink's bounding box, the clip in force, any
crop), each panel (`draw_panel`, header, footer, modal dim) and each focus ring into the
`LayoutLog` of the surface they draw on, and the text renderer notes every line it draws that
was cut short with an ellipsis (text.Shortened), whether the cut was made at layout or at draw
time. Nothing is recorded on an ordinary surface: the
helpers look the log up with one `getattr` (`log_of`), so the game pays nothing when the log
is off. The tests draw a frame onto a logged surface and judge the log with
tools/layout_check.py (clipped, overflowing, hidden or crowded text), which does not ship.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import pygame


@dataclass(slots=True)
class TextMark:
    """One text blit: the words, where the ink landed, and what bounded it."""

    text: str
    ink: pygame.Rect          # bounding box of the visible pixels, in surface coordinates
    clip: pygame.Rect         # the surface's clip rectangle at the time
    cropped: bool             # drawn with an `area` smaller than the text image
    order: int                # paint order (shared with panels)
    scroll: bool = False      # drawn inside a scrolling viewport that can scroll


@dataclass(slots=True)
class PanelMark:
    rect: pygame.Rect
    order: int
    kind: str = "panel"       # panel | cover (opaque band, e.g. the footer) | dim (modal backdrop)
    clip: pygame.Rect | None = None  # the part that was actually painted


@dataclass(slots=True)
class LayoutLog:
    """What one frame drew (tools/layout_check.py says which texts are not fully readable)."""

    texts: list[TextMark] = field(default_factory=list)
    panels: list[PanelMark] = field(default_factory=list)
    focus_rings: list[tuple[pygame.Rect, int]] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)  # texts drawn cut short, nowhere else in full
    shortened: list[tuple[str, str]] = field(default_factory=list)  # (text, where it is whole): cut on purpose
    scroll_clips: list[pygame.Rect] = field(default_factory=list)
    ring_outlines: list[pygame.Rect] = field(default_factory=list)  # each ring's outer edge
    _order: int = 0
    _tags: dict = field(default_factory=dict)

    # recording: called by the drawing helpers
    def _next(self) -> int:
        self._order += 1
        return self._order

    def tag(self, image: pygame.Surface, text: str) -> None:
        """Remember that `image` is a rendered line saying `text`."""
        key = id(image)
        if key not in self._tags:
            self._tags[key] = (weakref.ref(image), text)

    def text_of(self, image: pygame.Surface) -> str | None:
        entry = self._tags.get(id(image))
        if entry is None or entry[0]() is not image:
            return None
        return entry[1]

    def panel(self, rect: pygame.Rect, kind: str = "panel", clip: pygame.Rect | None = None) -> None:
        rect = pygame.Rect(rect)
        self.panels.append(PanelMark(rect, self._next(), kind, rect if clip is None else rect.clip(clip)))

    def focus_ring(self, rect: pygame.Rect, outer: pygame.Rect | None = None) -> None:
        self.focus_rings.append((pygame.Rect(rect), self._next()))
        self.ring_outlines.append(pygame.Rect(outer if outer is not None else rect))

    def cut(self, whole: str, whole_at: str = "") -> None:
        """A line drawn cut short (text.Shortened): a problem unless `whole_at` names where the
        trainee reads `whole` in full."""
        if whole_at:
            self.shortened.append((whole, whole_at))
        else:
            self.truncated.append(whole)

    def scrolling(self, rect: pygame.Rect) -> None:
        """A viewport that scrolls: text cut by its edges can be scrolled into view."""
        self.scroll_clips.append(pygame.Rect(rect))

    def blit(self, image: pygame.Surface, text: str, dest: pygame.Rect, area, clip: pygame.Rect) -> None:
        ink = image.get_bounding_rect()
        if ink.width == 0 or ink.height == 0:
            return
        cropped = False
        if area is not None:
            area = pygame.Rect(area)
            cropped = area.width < image.get_width() or area.height < image.get_height()
            ink = ink.clip(area)
            ink.x -= area.x
            ink.y -= area.y
        ink = ink.move(dest.x, dest.y)
        scroll = any(view == clip for view in self.scroll_clips)
        self.texts.append(TextMark(text, ink, pygame.Rect(clip), cropped, self._next(), scroll))


def log_of(surface: pygame.Surface) -> LayoutLog | None:
    """The log a test attached to `surface` (tools/layout_check.py `LoggedSurface`), or None
    (the usual case: nothing is recorded)."""
    return getattr(surface, "layout_log", None)
