"""A scrolling viewport and the typewriter reveal for customer lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.ui import input as act
from simulator.ui.layout_log import log_of
from simulator.ui.text import TextRenderer
from simulator.ui.theme import Style

if TYPE_CHECKING:
    from simulator.ui.input import Action


class ScrollView:
    """A rectangle showing part of taller content; wheel, Page Up/Down, Home/End scroll it.

    Content is painted by the owner at `y - offset` inside `clip()`; `draw_bar` adds the
    scroll bar when the content does not fit.
    """

    def __init__(self, keys: bool = True) -> None:
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.content_height = 0
        self.offset = 0
        self.keys = keys  # whether Page/Home/End (and arrows when `arrow_keys`) scroll this view
        self.arrow_keys = False
        self.line_step = 24

    @property
    def max_offset(self) -> int:
        return max(0, self.content_height - self.rect.height)

    @property
    def scrollable(self) -> bool:
        return self.max_offset > 0

    def set_content(self, height: int, keep: bool = True) -> None:
        self.content_height = max(0, height)
        self.offset = max(0, min(self.offset if keep else 0, self.max_offset))

    def scroll_by(self, pixels: int) -> bool:
        before = self.offset
        self.offset = max(0, min(self.max_offset, self.offset + pixels))
        return self.offset != before

    def scroll_to_end(self) -> None:
        self.offset = self.max_offset

    def ensure_visible(self, top: int, bottom: int) -> None:
        """Scroll the least amount so content rows top..bottom are visible; rows taller than the
        view show their top (where a card's first words are), not their bottom."""
        if top < self.offset:
            self.offset = max(0, top)
        elif bottom > self.offset + self.rect.height:
            self.offset = max(0, min(self.max_offset, top, bottom - self.rect.height))

    def handle(self, action: "Action") -> bool:
        if action.kind == act.SCROLL and self.rect.collidepoint(action.pos):
            self.scroll_by(action.amount * self.line_step // 3)
            return True
        if not self.keys or not self.scrollable:
            return False
        page = max(self.line_step, self.rect.height - self.line_step * 2)
        steps = {act.PAGE_DOWN: page, act.PAGE_UP: -page, act.HOME: -self.content_height,
                 act.END: self.content_height}
        if self.arrow_keys:
            steps.update({act.DOWN: self.line_step * 2, act.UP: -self.line_step * 2})
        if action.kind in steps:
            self.scroll_by(steps[action.kind])
            return True
        return False

    def clip(self, surface: pygame.Surface) -> "_Clip":
        """`with view.clip(surface):` restricts drawing to the viewport."""
        log = log_of(surface)
        if log is not None and self.scrollable:
            log.scrolling(self.rect.clip(surface.get_clip()))
        return _Clip(surface, self.rect)

    def draw_bar(self, surface: pygame.Surface, style: Style) -> None:
        if not self.scrollable:
            return
        width = max(4, style.px(6))
        track = pygame.Rect(self.rect.right - width - style.px(2), self.rect.y + style.px(4),
                            width, self.rect.height - style.px(8))
        pygame.draw.rect(surface, style.color("bar_track"), track, border_radius=width // 2)
        log = log_of(surface)
        if log is not None:
            log.panel(track, "bar")
        share = self.rect.height / max(1, self.content_height)
        thumb_h = max(style.px(28), round(track.height * share))
        span = track.height - thumb_h
        y = track.y + round(span * self.offset / max(1, self.max_offset))
        thumb = pygame.Rect(track.x, y, width, thumb_h)
        pygame.draw.rect(surface, style.color("text_muted"), thumb, border_radius=width // 2)


class _Clip:
    def __init__(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        self.surface, self.rect, self.previous = surface, rect, None

    def __enter__(self) -> pygame.Surface:
        self.previous = self.surface.get_clip()
        self.surface.set_clip(self.rect.clip(self.previous))
        return self.surface

    def __exit__(self, *exc: object) -> None:
        self.surface.set_clip(self.previous)


class Typewriter:
    """How many characters of a line are showing; `cps` 0 shows everything at once."""

    def __init__(self, total: int = 0, cps: float = 60.0) -> None:
        self.total = total
        self.cps = cps
        self.shown = float(total if cps <= 0 else 0)

    def restart(self, total: int, cps: float) -> None:
        self.total, self.cps = total, cps
        self.shown = float(total if cps <= 0 else 0)

    @property
    def done(self) -> bool:
        return self.shown >= self.total

    @property
    def count(self) -> int:
        return min(self.total, int(self.shown))

    def complete(self) -> None:
        self.shown = float(self.total)

    def update(self, dt: float) -> None:
        if not self.done:
            self.shown = min(float(self.total), self.shown + self.cps * max(0.0, dt))


def draw_revealed(surface: pygame.Surface, text: TextRenderer, style: Style, lines: tuple[str, ...],
                  shown: int, x: int, y: int, role: str, color: tuple[int, int, int],
                  line_gap: float = 1.2) -> None:
    """Draw wrapped `lines` with only the first `shown` characters visible."""
    step = round(text.line_height(style, role) * line_gap)
    px = style.font_px(role)
    remaining = shown
    for line in lines:
        if remaining <= 0:
            break
        image = text.render(line, style, role, color)
        if remaining >= len(line):
            surface.blit(image, (x, y))
        else:
            # Clip the finished line's image rather than rendering a new prefix every frame.
            width = text.measure(line[:remaining], px)
            surface.blit(image, (x, y), pygame.Rect(0, 0, width, image.get_height()))
        remaining -= len(line)
        y += step


def revealed_length(lines: tuple[str, ...]) -> int:
    return sum(len(line) for line in lines)
