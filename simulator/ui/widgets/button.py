"""Buttons: menu buttons and the numbered, wrapping reply buttons of the conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import pygame

from simulator.ui.text import block_height, draw_lines
from simulator.ui.theme import mix
from simulator.ui.widgets.base import draw_badge, draw_focus_ring, draw_panel, fit_text

if TYPE_CHECKING:
    from simulator.ui.widgets.context import WidgetContext


_FILLS = {"primary": ("accent", "accent_text", "accent"), "danger": ("danger", "text_inverse", "danger"),
          "ghost": (None, "accent", None), "secondary": ("surface", "text", "border")}


class Button:
    """A pressable label. `kind`: primary, secondary, danger or ghost.

    State (focus, hover) is set by the owning scene's FocusGroup; `draw` only reads it.
    """

    def __init__(self, label: str, on_press: Callable[[], None], *, kind: str = "secondary",
                 enabled: bool = True, hint: str = "", name: str = "", align: str = "center",
                 wrap: bool = False) -> None:
        self.label = label
        self.align = align
        # wrap: the label wraps onto as many lines as it needs (a trainee's name, up to 64
        # wide characters: the list that shows it is where it is read in full); the owner sizes
        # the button with `wrapped_height`. Otherwise one line, cut with an ellipsis if need be.
        self.wrap = wrap
        self.on_press = on_press
        self.kind = kind
        self.enabled = enabled
        self.hint = hint  # a key hint shown at the right, e.g. "Esc"
        self.name = name or label
        self.rect = pygame.Rect(0, 0, 0, 0)

    def activate(self) -> None:
        if self.enabled:
            self.on_press()

    def preferred_width(self, ui: "WidgetContext") -> int:
        style = ui.style
        width = ui.text.measure(self.label, style.font_px("label"), "bold") + 2 * style.space("l")
        if self.hint:
            width += ui.text.measure(self.hint, style.font_px("caption")) + style.space("m")
        return width

    def preferred_height(self, ui: "WidgetContext") -> int:
        style = ui.style
        return ui.text.line_height(style, "label", "bold") + 2 * style.space("m") - style.px(2)

    def _wrapped(self, ui: "WidgetContext", width: int) -> tuple[str, ...]:
        return ui.text.wrap(self.label, ui.style, "label", width - 2 * ui.style.space("m"), "bold")

    def wrapped_height(self, ui: "WidgetContext", width: int) -> int:
        """Height at `width` with the label wrapped: one line's button height, taller per line."""
        style = ui.style
        lines = self._wrapped(ui, width)
        text_h = block_height(ui.text, style, len(lines), "label", "bold", line_gap=1.0)
        return max(self.preferred_height(ui), text_h + 2 * style.space("m") - style.px(2))

    def colors(self, style, focused: bool = False) -> tuple:
        """(fill or None, label colour, key-hint colour) for this kind and state."""
        fill_name, text_name, _ = _FILLS.get(self.kind, _FILLS["secondary"])
        fill = style.color(fill_name) if fill_name else None
        text_color = style.color(text_name)
        if not self.enabled:
            fill = style.color("surface_sunken") if fill_name else None
            return fill, style.color("disabled"), style.color("disabled")
        if focused and fill is not None:
            toward = style.color("text") if self.kind == "secondary" else style.color("surface")
            fill = style.color("hover") if self.kind == "secondary" else mix(fill, toward, 0.12)
        # The key hint is small text: it keeps the label's full colour (a faded hint on the
        # primary button measured 3.3:1); regular weight beside the bold label sets it apart.
        return fill, text_color, text_color

    def draw(self, surface: pygame.Surface, ui: "WidgetContext", focused: bool = False) -> None:
        style = ui.style
        border_name = _FILLS.get(self.kind, _FILLS["secondary"])[2]
        fill, text_color, hint_color = self.colors(style, focused)
        if fill is not None:
            draw_panel(surface, self.rect, style, fill, border_name if self.enabled else "border",
                       radius=style.radius("s"), shadow=self.kind == "primary" and self.enabled)
        if self.wrap:
            lines = self._wrapped(ui, self.rect.width)
            text_h = block_height(ui.text, style, len(lines), "label", "bold", line_gap=1.0)
            inner = self.rect.width - 2 * style.space("m")
            draw_lines(surface, ui.text, style, lines, self.rect.x + style.space("m"),
                       self.rect.centery - text_h // 2, "label", text_color, "bold", line_gap=1.0,
                       align="left" if self.align == "left" else "center", width=inner)
            if focused and self.enabled:
                draw_focus_ring(surface, self.rect, style, style.radius("s"))
            return
        label = fit_text(ui, self.label, "label", self.rect.width - style.space("m") * 2, "bold")
        image = ui.text.render(label, style, "label", text_color, "bold")
        if self.hint and self.enabled:
            hint = ui.text.render(self.hint, style, "caption", hint_color)
            x = self.rect.x + (self.rect.width - image.get_width() - hint.get_width() - style.space("s")) // 2
            surface.blit(image, (x, self.rect.centery - image.get_height() // 2))
            surface.blit(hint, (x + image.get_width() + style.space("s"), self.rect.centery - hint.get_height() // 2))
        elif self.align == "left":
            surface.blit(image, (self.rect.x + style.space("m"), self.rect.centery - image.get_height() // 2))
        else:
            surface.blit(image, image.get_rect(center=self.rect.center))
        if self.kind == "ghost" and focused:
            pygame.draw.line(surface, text_color, (self.rect.x + style.space("m"), self.rect.bottom - style.px(6)),
                             (self.rect.right - style.space("m"), self.rect.bottom - style.px(6)), style.px(2))
        if focused and self.enabled:
            draw_focus_ring(surface, self.rect, style, style.radius("s"))


def number_badge_size(ui: "WidgetContext") -> int:
    """Diameter of the round badge that shows a card's key number (a reply's, a turn's)."""
    return ui.text.line_height(ui.style, "reply", "bold") + ui.style.px(6)


def draw_number_badge(surface: pygame.Surface, ui: "WidgetContext", topleft: tuple[int, int], number: int,
                      focused: bool) -> pygame.Rect:
    """The key to press for a card, as a round badge at `topleft`: sunken, accent when the
    card is focused. The reply cards and the turn cards share it, so a number key looks the
    same wherever it picks something."""
    style = ui.style
    size = number_badge_size(ui)
    fill = style.color("accent") if focused else style.color("surface_sunken")
    text = style.color("accent_text") if focused else style.color("text")
    return draw_badge(surface, ui, (topleft[0] + size // 2, topleft[1] + size // 2), str(number), fill, text,
                      "reply", size)


class ReplyButton:
    """One numbered reply: a badge with the key number and the wrapped reply text."""

    def __init__(self, number: int, text: str, on_press: Callable[[], None]) -> None:
        self.number = number
        self.text = text
        self.on_press = on_press
        self.enabled = True
        self.rect = pygame.Rect(0, 0, 0, 0)
        self._lines: tuple[str, ...] = ()

    def activate(self) -> None:
        if self.enabled:
            self.on_press()

    def _text_width(self, ui: "WidgetContext", width: int) -> int:
        style = ui.style
        return width - number_badge_size(ui) - style.space("m") * 3

    def layout(self, ui: "WidgetContext", x: int, y: int, width: int) -> int:
        """Place the button at (x, y) with `width`; returns its height. Every word is shown: a
        reply not yet chosen is nowhere else to read (the transcript has only the chosen one),
        so a long one makes a tall card and the reply list scrolls."""
        style = ui.style
        self._lines = lines = ui.text.wrap(self.text, style, "reply", self._text_width(ui, width))
        text_h = block_height(ui.text, style, len(lines), "reply", line_gap=1.12)
        height = max(text_h, number_badge_size(ui)) + style.space("m") * 2 - style.px(4)
        self.rect = pygame.Rect(x, y, width, height)
        return height

    def draw(self, surface: pygame.Surface, ui: "WidgetContext", focused: bool = False, chosen: bool = False) -> None:
        style = ui.style
        fill = style.color("hover") if focused else style.color("surface")
        if chosen:
            fill = style.color("pressed")
        border = "accent" if focused else "border"
        draw_panel(surface, self.rect, style, fill, border, radius=style.radius("m"),
                   border_width=2 if focused else 1)
        size = number_badge_size(ui)
        pad = style.space("m")
        draw_number_badge(surface, ui, (self.rect.x + pad, self.rect.y + pad - style.px(2)), self.number, focused)
        text_h = block_height(ui.text, style, len(self._lines), "reply", line_gap=1.12)
        top = self.rect.y + max(pad - style.px(2), (self.rect.height - text_h) // 2)
        draw_lines(surface, ui.text, style, self._lines, self.rect.x + pad * 2 + size, top, "reply",
                   style.color("text"), line_gap=1.12)
        if focused:
            draw_focus_ring(surface, self.rect, style, style.radius("m"))


class CardButton:
    """A pressable card of wrapped rows, e.g. a turn: what the customer said, what you replied.

    `rows` are (text, role, weight, colour name); each wraps in full to the card's width,
    so nothing is cut short. With a `number` the card shows it in a badge at its left, as a
    reply card does, when a number key picks the card. `layout` places it and returns its
    height.
    """

    def __init__(self, rows: list[tuple[str, str, str, str]], on_press: Callable[[], None], *,
                 name: str = "", number: int | None = None) -> None:
        self.rows = rows
        self.on_press = on_press
        self.enabled = True
        self.name = name
        self.number = number
        self.rect = pygame.Rect(0, 0, 0, 0)
        self._wrapped: list[tuple[tuple[str, ...], str, str, str]] = []

    def activate(self) -> None:
        if self.enabled:
            self.on_press()

    def _indent(self, ui: "WidgetContext") -> int:
        """How far the rows start right of the card's padding: past the badge and a gap."""
        return number_badge_size(ui) + ui.style.space("m") if self.number is not None else 0

    def layout(self, ui: "WidgetContext", x: int, y: int, width: int) -> int:
        style = ui.style
        pad = style.space("m")
        inner = width - 2 * pad - self._indent(ui)
        self._wrapped = [(ui.text.wrap(text, style, role, inner, weight), role, weight, color)
                         for text, role, weight, color in self.rows]
        rows_h = sum(block_height(ui.text, style, len(lines), role, weight) + style.space("xs")
                     for lines, role, weight, _ in self._wrapped) - style.space("xs")
        badge_h = number_badge_size(ui) if self.number is not None else 0
        height = 2 * pad + max(rows_h, badge_h)
        self.rect = pygame.Rect(x, y, width, height)
        return height

    def badge_rect(self, ui: "WidgetContext") -> pygame.Rect | None:
        """Where the number badge is drawn (None without a number): top left, inside the padding."""
        if self.number is None:
            return None
        pad, size = ui.style.space("m"), number_badge_size(ui)
        return pygame.Rect(self.rect.x + pad, self.rect.y + pad, size, size)

    def draw(self, surface: pygame.Surface, ui: "WidgetContext", focused: bool = False) -> None:
        style = ui.style
        draw_panel(surface, self.rect, style, "hover" if focused else "surface", "accent" if focused else "border",
                   radius=style.radius("m"), border_width=2 if focused else 1)
        pad = style.space("m")
        badge = self.badge_rect(ui)
        if badge is not None:
            draw_number_badge(surface, ui, badge.topleft, self.number, focused)
        x, y = self.rect.x + pad + self._indent(ui), self.rect.y + pad
        for lines, role, weight, color in self._wrapped:
            draw_lines(surface, ui.text, style, lines, x, y, role, style.color(color), weight)
            y += block_height(ui.text, style, len(lines), role, weight) + style.space("xs")
        if focused:
            draw_focus_ring(surface, self.rect, style, style.radius("m"))
