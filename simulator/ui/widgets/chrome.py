"""The frame around every screen: a header band, a key-hint footer and the notice banner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pygame

from simulator.ui.layout_log import log_of
from simulator.ui.widgets.base import chip_size, draw_chip, fit_text

if TYPE_CHECKING:
    from simulator.ui.widgets.context import WidgetContext


NOTICE_LINES = 3  # a banner taller than this pushes the screen's own content too far down;
# a longer notice ends in "…" there, which the layout check reports (a notice is said once)


def _cover(surface: pygame.Surface, rect: pygame.Rect) -> None:
    # The header and footer are opaque bands: text drawn under them earlier is hidden.
    log = log_of(surface)
    if log is not None:
        log.panel(rect, "cover")
        log.panel(rect)  # and the text drawn on them sits on them


def header_height(ui: "WidgetContext") -> int:
    style = ui.style
    return ui.text.line_height(style, "subtitle", "bold") + style.space("l") * 2 - style.px(6)


def footer_height(ui: "WidgetContext") -> int:
    style = ui.style
    return ui.text.line_height(style, "caption") + style.space("m") * 2


def content_rect(ui: "WidgetContext", width: int, height: int) -> pygame.Rect:
    """The area between header and footer, inside the page margins."""
    style = ui.style
    margin = style.space("xl")
    top = header_height(ui) + style.space("l")
    bottom = height - footer_height(ui) - style.space("m")
    return pygame.Rect(margin, top, width - 2 * margin, max(10, bottom - top))


def draw_header(surface: pygame.Surface, ui: "WidgetContext", title: str, subtitle: str = "",
                right: str = "") -> None:
    """The dark band at the top: screen title, an optional subtitle and a chip on the right.

    `right` is the trainee's name (or "Guest"). A long name - up to the records' 64
    characters - is cut with an ellipsis to a quarter of the window, so the title keeps its
    room; the start screen lists every name in full (wrapped), which is where to read it."""
    style = ui.style
    width = surface.get_width()
    height = header_height(ui)
    pygame.draw.rect(surface, style.color("header"), (0, 0, width, height))
    _cover(surface, pygame.Rect(0, 0, width, height))
    if style.high_contrast:
        pygame.draw.line(surface, style.color("border"), (0, height - 1), (width, height - 1), 2)
    margin = style.space("xl")
    right_w = 0
    if right:
        right = fit_text(ui, right, "caption", max(style.px(120), width // 4), "bold", whole_at="the start screen")
        cw, ch = chip_size(ui, right)
        right_w = cw + style.space("m")
        draw_chip(surface, ui, (width - margin - cw, (height - ch) // 2), right,
                  style.color("accent") if not style.high_contrast else style.color("header"),
                  style.color("accent_text") if not style.high_contrast else style.color("header_text"),
                  border=style.color("border") if style.high_contrast else None)
    title_img = ui.text.render(fit_text(ui, title, "subtitle", width - 2 * margin - right_w, "bold"),
                                style, "subtitle", style.color("header_text"), "bold")
    surface.blit(title_img, (margin, (height - title_img.get_height()) // 2))
    if subtitle:
        x = margin + title_img.get_width() + style.space("l")
        room = width - margin - right_w - x
        if room > style.px(80):
            sub = ui.text.render(fit_text(ui, subtitle, "body", room), style, "body", style.color("header_muted"))
            surface.blit(sub, (x, (height - sub.get_height()) // 2 + style.px(2)))


def draw_footer(surface: pygame.Surface, ui: "WidgetContext", hints: Sequence[tuple[str, str]]) -> None:
    """Key hints along the bottom: each key in a key-cap box, then what it does."""
    style = ui.style
    width, height = surface.get_size()
    bar_h = footer_height(ui)
    top = height - bar_h
    pygame.draw.rect(surface, style.color("surface"), (0, top, width, bar_h))
    _cover(surface, pygame.Rect(0, top, width, bar_h))
    pygame.draw.line(surface, style.color("border"), (0, top), (width, top), 2 if style.high_contrast else 1)
    x = style.space("xl")
    pad = style.px(6)
    for key, label in hints:
        key_img = ui.text.render(key, style, "caption", style.color("text"), "bold")
        label_img = ui.text.render(label, style, "caption", style.color("text_muted"))
        needed = key_img.get_width() + 2 * pad + style.space("xs") + label_img.get_width()
        if x + needed > width - style.space("xl"):
            break
        cap = pygame.Rect(x, top + (bar_h - key_img.get_height()) // 2 - style.px(2),
                          key_img.get_width() + 2 * pad, key_img.get_height() + style.px(4))
        pygame.draw.rect(surface, style.color("surface_sunken"), cap, border_radius=style.radius("s"))
        pygame.draw.rect(surface, style.color("border"), cap, 1, border_radius=style.radius("s"))
        surface.blit(key_img, (cap.x + pad, cap.y + style.px(2)))
        x = cap.right + style.space("s")
        surface.blit(label_img, (x, top + (bar_h - label_img.get_height()) // 2))
        x += label_img.get_width() + style.space("l")


def notice_height(ui: "WidgetContext", width: int) -> int:
    """Height `draw_notice` will take at this width (0 when there is no notice)."""
    if ui.notice is None:
        return 0
    from simulator.ui.text import block_height

    style = ui.style
    lines = ui.text.wrap_at_most(ui.notice[0], style, "body", width - 3 * style.space("m"), NOTICE_LINES)
    return block_height(ui.text, style, len(lines), "body") + 2 * style.space("s")


def draw_notice(surface: pygame.Surface, ui: "WidgetContext", rect: pygame.Rect) -> int:
    """The current notice (if any) as a banner at the top of `rect`; returns its height."""
    if ui.notice is None:
        return 0
    message, kind = ui.notice
    style = ui.style
    fills = {"error": ("danger_soft", "danger"), "warning": ("warning_soft", "warning"),
             "info": ("accent_soft", "accent")}
    fill, edge = fills.get(kind, fills["info"])
    from simulator.ui.text import block_height, draw_lines

    pad = style.space("m")
    lines = ui.text.wrap_at_most(message, style, "body", rect.width - 3 * pad, NOTICE_LINES)
    height = block_height(ui.text, style, len(lines), "body") + 2 * style.space("s")
    box = pygame.Rect(rect.x, rect.y, rect.width, height)
    pygame.draw.rect(surface, style.color(fill), box, border_radius=style.radius("s"))
    pygame.draw.rect(surface, style.color(edge), (box.x, box.y, style.px(5), box.height),
                     border_top_left_radius=style.radius("s"), border_bottom_left_radius=style.radius("s"))
    if style.high_contrast:
        pygame.draw.rect(surface, style.color(edge), box, 2, border_radius=style.radius("s"))
    draw_lines(surface, ui.text, style, lines, box.x + 2 * pad, box.y + style.space("s"), "body",
               style.color("text"))
    return height
