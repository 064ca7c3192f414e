"""An optional record of where one frame put its text, panels and focus rings.

Tests (and the screenshot tool) draw a frame onto a `LoggedSurface`; the drawing helpers
then note each text blit (the ink's bounding box, the clip in force, any crop), each panel
(`draw_panel`, header, footer, modal dim) and each focus ring into its `LayoutLog`, and
`problems()` says where text is clipped, runs out of its panel or hides under something
drawn later. Nothing is recorded on an ordinary surface: the helpers look the log up with
one `getattr`, so the game pays nothing when the log is off.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    from simulator.ui.app import App


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
    """What one frame drew. `problems()` lists every text that is not fully readable."""

    texts: list[TextMark] = field(default_factory=list)
    panels: list[PanelMark] = field(default_factory=list)
    focus_rings: list[tuple[pygame.Rect, int]] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    scroll_clips: list[pygame.Rect] = field(default_factory=list)
    ring_outlines: list[pygame.Rect] = field(default_factory=list)  # each ring's outer edge
    _order: int = 0
    _tags: dict = field(default_factory=dict)

    # -- recording (called by the drawing helpers) --------------------------------------
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

    # -- checking ------------------------------------------------------------------------
    def _last_dim(self) -> int:
        return max((p.order for p in self.panels if p.kind == "dim"), default=0)

    def visible_texts(self) -> list[TextMark]:
        """Texts not under a modal backdrop drawn after them."""
        dim = self._last_dim()
        return [t for t in self.texts if t.order > dim]

    def visible_focus_rings(self) -> list[pygame.Rect]:
        dim = self._last_dim()
        return [rect for rect, order in self.focus_rings if order > dim]

    def container(self, mark: TextMark) -> PanelMark | None:
        """The panel the text sits on: the last one drawn before it under its start or centre
        (the start too, so a line that overflows far past its card still finds the card)."""
        centre, start = mark.ink.center, (mark.ink.x, mark.ink.centery)
        best = None
        for panel in self.panels:
            if panel.order < mark.order and panel.kind == "panel" and (
                    panel.rect.collidepoint(centre) or panel.rect.collidepoint(start)):
                if best is None or panel.order > best.order:
                    best = panel
        return best

    def _crowding(self) -> list[str]:
        """Texts whose ink overlaps another's (crowded chart labels, a line drawn over a line)."""
        found = []
        marks = [m for m in self.visible_texts() if m.ink.width and m.ink.height]
        for index, mark in enumerate(marks):
            seen = mark.ink.clip(mark.clip)
            for other in marks[index + 1:]:
                both = seen.clip(other.ink.clip(other.clip))
                if both.width >= 3 and both.height >= 3:  # touching descenders are not crowding
                    found.append(f"{mark.text!r} and {other.text!r} overlap at {tuple(both)}")
        return found

    def problems(self, window: pygame.Rect) -> list[str]:
        """One sentence per text that is clipped, overflows its panel or hides under a panel."""
        found: list[str] = []
        for mark in self.visible_texts():
            where = f"{mark.text!r} at {tuple(mark.ink)}"
            seen = mark.ink.clip(mark.clip) if mark.scroll else mark.ink
            if seen.width == 0 or seen.height == 0:
                continue  # scrolled out of its viewport: the trainee scrolls to it
            if mark.cropped:
                found.append(f"{where} is drawn cropped")
            if not window.contains(seen):
                found.append(f"{where} runs out of the window {tuple(window)}")
            if not mark.clip.contains(mark.ink) and not mark.scroll:
                found.append(f"{where} is clipped by {tuple(mark.clip)}")
            panel = self.container(mark)
            if panel is not None and not panel.rect.contains(mark.ink):
                visible = mark.ink.clip(mark.clip)
                if not (mark.scroll and panel.rect.contains(visible)):
                    found.append(f"{where} runs out of its panel {tuple(panel.rect)}")
            for later in self.panels:
                if later.order > mark.order and later.kind != "dim" and later.clip.colliderect(seen):
                    if panel is None or later.rect != panel.rect:
                        found.append(f"{where} is hidden under a {later.kind} {tuple(later.rect)}")
                        break
        found += self._crowding()
        dim = self._last_dim()
        bars = [p for p in self.panels if p.kind == "bar" and p.order > dim]
        for (rect, order), outline in zip(self.focus_rings, self.ring_outlines):
            for bar in bars:
                if order > dim and bar.clip.colliderect(outline):
                    found.append(f"the focus ring {tuple(outline)} runs under a scroll bar {tuple(bar.rect)}")
        for text in self.truncated:
            found.append(f"{text!r} was cut with an ellipsis")
        return found


def log_of(surface: pygame.Surface) -> LayoutLog | None:
    """The log of a `LoggedSurface`, or None (the usual case: nothing is recorded)."""
    return getattr(surface, "layout_log", None)


class LoggedSurface(pygame.Surface):
    """A surface that notes every blit of a rendered text line into its `layout_log`."""

    layout_log: LayoutLog

    def blit(self, source, dest, area=None, special_flags=0):  # type: ignore[override]
        rect = super().blit(source, dest, area, special_flags)
        text = self.layout_log.text_of(source)
        if text is not None:
            if isinstance(dest, pygame.Rect):
                origin = pygame.Rect(dest.topleft, source.get_size())
            else:
                origin = pygame.Rect((int(dest[0]), int(dest[1])), source.get_size())
            self.layout_log.blit(source, text, origin, area, self.get_clip())
        return rect


def draw_logged(app: "App") -> tuple[LayoutLog, pygame.Surface]:
    """Draw the app's current frame onto a fresh logged surface; returns (log, surface)."""
    log = LayoutLog()
    surface = LoggedSurface(app.size)
    surface.layout_log = log
    previous = app.text.log
    app.text.log = log
    try:
        surface.fill(app.style.color("background"))
        app.stack.draw(surface)
    finally:
        app.text.log = previous
    return log, surface
