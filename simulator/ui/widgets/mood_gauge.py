"""The mood indicator: the expression in words and a marker on a furious-to-delighted scale."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from simulator.ui.face import mood_tint
from simulator.ui.labels import expression_label
from simulator.ui.theme import Style

if TYPE_CHECKING:
    from simulator.ui.widgets.context import WidgetContext


def gauge_height(ui: "WidgetContext") -> int:
    style = ui.style
    return ui.text.line_height(style, "label", "bold") + style.px(32) + ui.text.line_height(style, "caption")


class MoodGauge:
    """Draws into a rectangle; keeps only a render cache of the colour scale."""

    SEGMENTS = 24

    def __init__(self) -> None:
        self._bar: tuple | None = None  # ((size, palette), surface)

    def draw(self, surface: pygame.Surface, ui: "WidgetContext", rect: pygame.Rect, expression: str,
             valence: float) -> None:
        style = ui.style
        label = ui.text.render(f"Mood: {expression_label(expression)}", style, "label", style.color("text"), "bold")
        surface.blit(label, (rect.centerx - label.get_width() // 2, rect.y))
        bar = pygame.Rect(rect.x, rect.y + label.get_height() + style.px(14), rect.width, style.px(10))
        surface.blit(self._scale(style, bar.size), bar)
        x = max(bar.x, min(bar.right, bar.x + round((valence + 1) / 2 * bar.width)))
        size = style.px(8)
        # A triangle and a tick: the position, not the colour, carries the reading.
        pygame.draw.polygon(surface, style.color("text"), [(x, bar.bottom - 2), (x - size, bar.y - size),
                                                          (x + size, bar.y - size)])
        pygame.draw.line(surface, style.color("text"), (x, bar.y), (x, bar.bottom + style.px(3)), max(2, style.px(3)))
        low = ui.text.render("Furious", style, "caption", style.color("text_muted"))
        high = ui.text.render("Delighted", style, "caption", style.color("text_muted"))
        surface.blit(low, (bar.x, bar.bottom + style.px(4)))
        surface.blit(high, (bar.right - high.get_width(), bar.bottom + style.px(4)))

    def _scale(self, style: Style, size: tuple[int, int]) -> pygame.Surface:
        key = (size, style.palette_name)
        if self._bar is None or self._bar[0] != key:
            bar = pygame.Surface(size)
            width, height = size
            for i in range(self.SEGMENTS):
                valence = -1 + 2 * (i + 0.5) / self.SEGMENTS
                segment = pygame.Rect(width * i // self.SEGMENTS, 0, width // self.SEGMENTS + 1, height)
                color = style.color("surface_sunken") if style.high_contrast else mood_tint(style, valence)
                pygame.draw.rect(bar, color, segment)
            pygame.draw.rect(bar, style.color("border"), bar.get_rect(), 1)
            self._bar = (key, bar)
        return self._bar[1]
