"""A one-line text field (the new trainee's name)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import pygame

from simulator.ui import input as act
from simulator.ui.layout_log import log_of
from simulator.ui.text import clean_text
from simulator.ui.widgets.base import draw_focus_ring, draw_panel

if TYPE_CHECKING:
    from simulator.ui.widgets.context import WidgetContext
    from simulator.ui.input import Action


class TextField:
    """Typed text with a caret at the end; Enter submits. Focusable like a button."""

    def __init__(self, placeholder: str, on_submit: Callable[[str], None], max_length: int | None = None) -> None:
        self.placeholder = placeholder
        self.on_submit = on_submit
        self.max_length = max_length
        self.value = ""
        self.enabled = True
        self.rect = pygame.Rect(0, 0, 0, 0)

    def activate(self) -> None:
        self.on_submit(self.value)

    def handle(self, action: "Action") -> bool:
        """Typing keys while focused; True when used."""
        if action.kind == act.TEXT:
            addition = clean_text(action.text).replace("\n", "")
            self.value = (self.value + addition)[: self.max_length]  # None: no limit
            return True
        if action.kind == act.BACKSPACE:
            self.value = self.value[:-1]
            return True
        return False

    def draw(self, surface: pygame.Surface, ui: "WidgetContext", focused: bool = False) -> None:
        style = ui.style
        draw_panel(surface, self.rect, style, "surface", "accent" if focused else "border",
                   radius=style.radius("s"), border_width=2 if focused else 1)
        pad = style.space("m")
        if self.value:
            image = ui.text.render(self.value, style, "body", style.color("text"))
        else:
            image = ui.text.render(self.placeholder, style, "body", style.color("text_muted"))
        room = self.rect.width - 2 * pad
        y = self.rect.centery - image.get_height() // 2
        # A value wider than the field scrolls sideways to show its end, where the caret is -
        # the usual one-line field. Drawn through a clip the layout log knows scrolls, so the
        # check sees typed text that moves with the caret, not text cut for good.
        offset = max(0, image.get_width() - room) if self.value else 0
        inside = pygame.Rect(self.rect.x + pad, self.rect.y, room, self.rect.height).clip(surface.get_clip())
        previous = surface.get_clip()
        log = log_of(surface)
        if log is not None and offset:
            log.scrolling(inside)
        surface.set_clip(inside)
        try:
            surface.blit(image, (self.rect.x + pad - offset, y))
        finally:
            surface.set_clip(previous)
        if focused:
            caret_x = self.rect.x + pad + (min(image.get_width(), room) if self.value else 0) + style.px(1)
            pygame.draw.line(surface, style.color("text"), (caret_x, y + style.px(2)),
                             (caret_x, y + image.get_height() - style.px(2)), max(2, style.px(2)))
            draw_focus_ring(surface, self.rect, style, style.radius("s"))
