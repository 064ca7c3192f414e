"""Judge a frame's layout log: which texts are clipped, run out of their panel or window,
hide under something drawn later, crowd each other or were cut with an ellipsis.

A cut is any line drawn as a text.Shortened (fit_text, TextRenderer.shorten, wrap_at_most),
made at layout time or while drawing. It is a problem unless the cut names where the whole
text is shown (`whole_at`): a one-line header chip with a long trainee name is fine because
the start screen shows the name in full; a notice or advice cut to three lines is not.

Test tooling, not shipped: the game only records (simulator/ui/layout_log.py); the tests
draw a frame with `draw_logged(app)` and assert `layout_problems(log, window) == []`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.ui.layout_log import LayoutLog, PanelMark, TextMark

if TYPE_CHECKING:
    from simulator.ui.app import App


def _last_dim(log: LayoutLog) -> int:
    return max((p.order for p in log.panels if p.kind == "dim"), default=0)


def visible_texts(log: LayoutLog) -> list[TextMark]:
    """Texts not under a modal backdrop drawn after them."""
    dim = _last_dim(log)
    return [t for t in log.texts if t.order > dim]


def visible_focus_rings(log: LayoutLog) -> list[pygame.Rect]:
    dim = _last_dim(log)
    return [rect for rect, order in log.focus_rings if order > dim]


def container(log: LayoutLog, mark: TextMark) -> PanelMark | None:
    """The panel the text sits on: the last one drawn before it under its start or centre
    (the start too, so a line that overflows far past its card still finds the card). Text
    in a scrolling viewport is placed by its visible part (a long name scrolled sideways in
    a field has its start far off to the left), and text above a modal backdrop only sits on
    panels drawn above it too."""
    ink = mark.ink.clip(mark.clip) if mark.scroll and mark.ink.colliderect(mark.clip) else mark.ink
    centre, start = ink.center, (ink.x, ink.centery)
    dim = max((p.order for p in log.panels if p.kind == "dim" and p.order < mark.order), default=0)
    best = None
    for panel in log.panels:
        if dim < panel.order < mark.order and panel.kind == "panel" and (
                panel.rect.collidepoint(centre) or panel.rect.collidepoint(start)):
            if best is None or panel.order > best.order:
                best = panel
    return best


def _crowding(log: LayoutLog) -> list[str]:
    """Texts whose ink overlaps another's (crowded chart labels, a line drawn over a line)."""
    found = []
    marks = [m for m in visible_texts(log) if m.ink.width and m.ink.height]
    for index, mark in enumerate(marks):
        seen = mark.ink.clip(mark.clip)
        for other in marks[index + 1:]:
            both = seen.clip(other.ink.clip(other.clip))
            if both.width >= 3 and both.height >= 3:  # touching descenders are not crowding
                found.append(f"{mark.text!r} and {other.text!r} overlap at {tuple(both)}")
    return found


def layout_problems(log: LayoutLog, window: pygame.Rect) -> list[str]:
    """One sentence per text that is clipped, overflows its panel or hides under a panel."""
    found: list[str] = []
    for mark in visible_texts(log):
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
        panel = container(log, mark)
        if panel is not None and not panel.rect.contains(mark.ink):
            visible = mark.ink.clip(mark.clip)
            if not (mark.scroll and panel.rect.contains(visible)):
                found.append(f"{where} runs out of its panel {tuple(panel.rect)}")
        for later in log.panels:
            if later.order > mark.order and later.kind != "dim" and later.clip.colliderect(seen):
                if panel is None or later.rect != panel.rect:
                    found.append(f"{where} is hidden under a {later.kind} {tuple(later.rect)}")
                    break
    found += _crowding(log)
    dim = _last_dim(log)
    bars = [p for p in log.panels if p.kind == "bar" and p.order > dim]
    for (rect, order), outline in zip(log.focus_rings, log.ring_outlines):
        for bar in bars:
            if order > dim and bar.clip.colliderect(outline):
                found.append(f"the focus ring {tuple(outline)} runs under a scroll bar {tuple(bar.rect)}")
    for text in log.truncated:  # at layout or draw time; see text.Shortened for cuts on purpose
        found.append(f"{text!r} was cut with an ellipsis and is shown in full nowhere")
    return found


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
