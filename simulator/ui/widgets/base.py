"""Drawing helpers shared by widgets: panels, focus rings, badges, and the focus group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Sequence

import pygame

from simulator.ui import input as act
from simulator.ui.layout_log import log_of
from simulator.ui.theme import Color, Style

if TYPE_CHECKING:
    from simulator.ui.input import Action
    from simulator.ui.widgets.context import WidgetContext


def draw_panel(surface: pygame.Surface, rect: pygame.Rect, style: Style, fill: str | Color = "surface",
               border: str | Color | None = "border", radius: int | None = None, shadow: bool = False,
               border_width: int = 1) -> None:
    """A rounded rectangle, optionally with a soft offset shadow and a border."""
    radius = style.radius("m") if radius is None else radius
    fill_color = style.color(fill) if isinstance(fill, str) else fill
    if shadow and not style.high_contrast:
        drop = rect.move(0, max(1, style.px(3)))
        pygame.draw.rect(surface, style.color("shadow"), drop, border_radius=radius)
    pygame.draw.rect(surface, fill_color, rect, border_radius=radius)
    log = log_of(surface)
    if log is not None:
        log.panel(rect, clip=surface.get_clip())
    if border is not None:
        color = style.color(border) if isinstance(border, str) else border
        width = max(border_width, 2 if style.high_contrast else border_width)
        pygame.draw.rect(surface, color, rect, width, border_radius=radius)


def draw_focus_ring(surface: pygame.Surface, rect: pygame.Rect, style: Style, radius: int | None = None) -> None:
    """The keyboard focus: a thick ring in the focus colour, outside the widget with a gap."""
    if not style.show_focus:
        return  # a scene under a modal: the modal holds the focus, one ring on screen
    grow = 2 * (style.focus_gap + style.focus_width)
    ring = rect.inflate(grow, grow)
    radius = (style.radius("m") if radius is None else radius) + style.focus_gap + style.focus_width
    pygame.draw.rect(surface, style.color("focus"), ring, style.focus_width, border_radius=radius)
    log = log_of(surface)
    if log is not None:
        log.focus_ring(rect, ring)


def draw_badge(surface: pygame.Surface, ui: "WidgetContext", center: tuple[int, int], label: str, fill: Color,
               text_color: Color, role: str = "label", diameter: int | None = None) -> pygame.Rect:
    """A round badge with a short label (reply numbers, grades)."""
    style = ui.style
    image = ui.text.render(label, style, role, text_color, "bold")
    size = diameter or max(image.get_height(), image.get_width() + style.px(10))
    rect = pygame.Rect(0, 0, size, size)
    rect.center = center
    pygame.draw.circle(surface, fill, rect.center, size // 2)
    surface.blit(image, image.get_rect(center=rect.center))
    return rect


def draw_chip(surface: pygame.Surface, ui: "WidgetContext", topleft: tuple[int, int], label: str, fill: Color,
              text_color: Color, role: str = "caption", border: Color | None = None) -> pygame.Rect:
    """A pill-shaped label; returns its rectangle."""
    style = ui.style
    image = ui.text.render(label, style, role, text_color, "bold")
    pad_x, pad_y = style.px(10), style.px(3)
    rect = pygame.Rect(topleft, (image.get_width() + 2 * pad_x, image.get_height() + 2 * pad_y))
    pygame.draw.rect(surface, fill, rect, border_radius=rect.height // 2)
    if border is not None:
        pygame.draw.rect(surface, border, rect, 2 if style.high_contrast else 1, border_radius=rect.height // 2)
    surface.blit(image, (rect.x + pad_x, rect.y + pad_y))
    return rect


def chip_size(ui: "WidgetContext", label: str, role: str = "caption") -> tuple[int, int]:
    style = ui.style
    image = ui.text.render(label, style, role, (0, 0, 0), "bold")
    return image.get_width() + 2 * style.px(10), image.get_height() + 2 * style.px(3)


class Focusable(Protocol):
    rect: pygame.Rect
    enabled: bool

    def activate(self) -> None: ...


class FocusGroup:
    """Keyboard focus over a list of widgets; the pointer moves focus too.

    Up/Down and Tab/Shift-Tab move (skipping disabled widgets, wrapping around), Enter or
    Space activates the focused widget, a click activates the widget under the pointer.
    Exactly one widget is focused whenever any is enabled, so focus is always visible.
    """

    def __init__(self, items: Sequence[Focusable] = (), index: int = 0, wrap: bool = True,
                 horizontal: bool = False) -> None:
        self.items: list[Focusable] = list(items)
        self.index = index
        self.wrap = wrap
        self.horizontal = horizontal
        self.pressed: Focusable | None = None
        self._settle()

    def set_items(self, items: Sequence[Focusable], keep: bool = True) -> None:
        current = self.focused if keep else None
        self.items = list(items)
        self.index = self.items.index(current) if current in self.items else 0
        self._settle()

    def _settle(self) -> None:
        if not self.items:
            self.index = 0
            return
        self.index = max(0, min(self.index, len(self.items) - 1))
        if not self.items[self.index].enabled:
            self.move(1)

    @property
    def focused(self) -> Focusable | None:
        if not self.items or not self.items[self.index].enabled:
            return None
        return self.items[self.index]

    def focus(self, item: Focusable) -> None:
        if item in self.items and item.enabled:
            self.index = self.items.index(item)

    def move(self, step: int) -> bool:
        """Move focus by `step` enabled widgets; False when it could not move."""
        if not self.items:
            return False
        count = len(self.items)
        index = self.index
        for _ in range(count):
            index += step
            if not self.wrap and not 0 <= index < count:
                return False
            index %= count
            if self.items[index].enabled:
                moved = index != self.index
                self.index = index
                return moved
        return False

    def item_at(self, pos: tuple[int, int]) -> Focusable | None:
        for item in self.items:
            if item.enabled and item.rect.collidepoint(pos):
                return item
        return None

    def handle(self, action: "Action") -> bool:
        """Navigation and activation; True when the action was used."""
        back, forward = (act.LEFT, act.RIGHT) if self.horizontal else (act.UP, act.DOWN)
        if action.kind in (forward, act.NEXT):
            self.move(1)
            return True
        if action.kind in (back, act.PREV):
            self.move(-1)
            return True
        if action.kind == act.CONFIRM:
            item = self.focused
            if item is not None:
                item.activate()
                return True
            return False
        if action.kind == act.POINTER:
            item = self.item_at(action.pos)
            if item is not None:
                self.focus(item)
                return True
            return False
        if action.kind == act.PRESS:
            self.pressed = self.item_at(action.pos)
            if self.pressed is not None:
                self.focus(self.pressed)
                return True
            return False
        if action.kind == act.CLICK:
            item = self.item_at(action.pos)
            pressed, self.pressed = self.pressed, None
            # A click without a recorded press (e.g. synthetic) still counts on its target.
            if item is not None and (pressed is None or pressed is item):
                self.focus(item)
                item.activate()
                return True
            return False
        return False


def fit_text(ui: "WidgetContext", text: str, role: str, width: int, weight: str = "regular",
             whole_at: str = "") -> str:
    """`text` shortened with an ellipsis so one line fits `width` pixels.

    A cut line is a text.Shortened: drawn in a frame the layout check reports it, unless
    `whole_at` names where the whole text is on screen (e.g. a header chip's name: "the start
    screen"). Cutting on purpose is for one-line fields that repeat what is shown in full."""
    return ui.text.shorten(text, ui.style.font_px(role), width, weight, whole_at)
