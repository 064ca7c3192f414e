"""Skill bars and the mood-over-turns line chart of the debrief."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pygame

from simulator.ui.theme import mix
from simulator.ui.widgets.base import draw_badge

if TYPE_CHECKING:
    from simulator.ui.widgets.context import WidgetContext



def skill_bars_height(ui: "WidgetContext", count: int) -> int:
    style = ui.style
    return count * (ui.text.line_height(style, "body") + style.space("s")) + style.space("s")


def draw_skill_bars(surface: pygame.Surface, ui: "WidgetContext", rect: pygame.Rect,
                    skills: Sequence[tuple[str, int]], pass_mark: int = 80) -> None:
    """One row per (label, score) in `skills`: the label, a bar 0..100 with a tick at the
    pass mark, and the number. The labels come in worded (the screen's own rubric's)."""
    style = ui.style
    row_h = ui.text.line_height(style, "body") + style.space("s")
    label_w = max(ui.text.measure(name, style.font_px("body"), "bold") for name, _ in skills) \
        + style.space("m") if skills else 0
    value_w = ui.text.measure("100", style.font_px("body"), "bold") + style.space("s")
    bar_x = rect.x + label_w
    bar_w = max(style.px(40), rect.width - label_w - value_w - style.space("s"))
    bar_h = max(style.px(10), row_h // 2)
    y = rect.y + style.space("xs")
    for name, value in skills:
        value = max(0, min(100, int(value)))
        label = ui.text.render(name, style, "body", style.color("text"), "bold")
        surface.blit(label, (rect.x, y + (row_h - label.get_height()) // 2))
        track = pygame.Rect(bar_x, y + (row_h - bar_h) // 2, bar_w, bar_h)
        pygame.draw.rect(surface, style.color("bar_track"), track, border_radius=bar_h // 2)
        if value > 0:
            fill = track.copy()
            fill.width = max(bar_h, round(bar_w * value / 100))
            color = style.color("bar_fill") if value >= pass_mark or style.high_contrast \
                else style.color("bar_low")
            pygame.draw.rect(surface, color, fill, border_radius=bar_h // 2)
        if style.high_contrast:
            pygame.draw.rect(surface, style.color("border"), track, 1, border_radius=bar_h // 2)
        tick_x = track.x + round(bar_w * pass_mark / 100)
        pygame.draw.line(surface, style.color("text"), (tick_x, track.y - style.px(3)),
                         (tick_x, track.bottom + style.px(2)), max(1, style.px(2)))
        number = ui.text.render(str(value), style, "body", style.color("text"), "bold")
        surface.blit(number, (rect.right - number.get_width(), y + (row_h - number.get_height()) // 2))
        y += row_h


def draw_mood_chart(surface: pygame.Surface, ui: "WidgetContext", rect: pygame.Rect, values: Sequence[float],
                    expressions: Sequence[str], bands: Sequence[tuple[str, float, float]],
                    marks: Sequence[tuple[int, str]] = ()) -> None:
    """Mood (valence -1..1) at the start and after each turn, over labelled expression bands.

    `values[0]` is the starting mood, `values[t]` the mood after turn t; `expressions` the
    label at each point; `marks` (turn, label) pins numbered key moments on the line.
    """
    style = ui.style
    plot = mood_plot_rect(ui, rect, bands)
    if plot.width < 20 or plot.height < 20:
        return

    # Zoom to the part of the scale the conversation used, so thin bands stay readable.
    low = max(-1.0, min(values, default=0.0) - 0.2)
    high = min(1.0, max(values, default=0.0) + 0.2)
    while high - low < 0.9 and (low > -1.0 or high < 1.0):
        low, high = max(-1.0, low - 0.05), min(1.0, high + 0.05)

    def y_of(v: float) -> int:
        v = max(low, min(high, v))
        return round(plot.bottom - (v - low) / (high - low) * plot.height)

    def x_of(t: int) -> int:
        span = max(1, len(values) - 1)
        return round(plot.x + plot.width * t / span)

    last_label_top = rect.bottom + 1000
    for index, (name, band_low, band_high) in enumerate(bands):
        if band_high <= low or band_low >= high:
            continue
        band = pygame.Rect(plot.x, y_of(band_high), plot.width, max(1, y_of(band_low) - y_of(band_high)))
        tint = style.color("surface_alt") if index % 2 else style.color("surface")
        if not style.high_contrast:
            tint = mix(style.color("surface"), style.mood_color(name), 0.12)
        pygame.draw.rect(surface, tint, band)
        label = ui.text.render(name.capitalize(), style, "caption", style.color("text_muted"))
        top = band.centery - label.get_height() // 2
        # bands are drawn bottom-up: skip a label that would overlap the one below it
        if top + label.get_height() <= last_label_top and band.height >= label.get_height() * 0.6:
            surface.blit(label, (rect.x, top))
            last_label_top = top
        pygame.draw.line(surface, style.color("chart_grid"), (plot.x, band.y), (plot.right, band.y))
    pygame.draw.rect(surface, style.color("border"), plot, 1)

    axis_y = plot.bottom + style.space("xs")
    for t, x in turn_axis_labels(ui, plot, len(values) - 1):
        label = ui.text.render("Start" if t == 0 else str(t), style, "caption", style.color("text_muted"))
        surface.blit(label, (x, axis_y))

    points = [(x_of(t), y_of(v)) for t, v in enumerate(values)]
    line_color = style.color("chart_line")
    if len(points) >= 2:
        width = max(2, style.px(3))
        pygame.draw.lines(surface, line_color, False, points, width)
    for t, point in enumerate(points):
        expression = expressions[t] if t < len(expressions) else "neutral"
        radius = max(3, style.px(5))
        pygame.draw.circle(surface, style.color("surface"), point, radius + max(1, style.px(2)))
        pygame.draw.circle(surface, style.mood_color(expression), point, radius)
    size = ui.text.line_height(style, "caption") + style.px(4)
    for turn, label in marks:
        if 0 <= turn < len(points):
            draw_badge(surface, ui, badge_centre(plot, points[turn], size), label, style.color("text"),
                       style.color("surface"), "caption", size)


def mood_plot_rect(ui: "WidgetContext", rect: pygame.Rect, bands: Sequence[tuple[str, float, float]]) -> pygame.Rect:
    """The mood chart's plot inside `rect`: right of the band names, above the turn numbers."""
    style = ui.style
    pad = style.space("s")
    label_w = max((ui.text.measure(name.capitalize(), style.font_px("caption")) for name, _, _ in bands),
                  default=0) + style.space("m")
    axis_h = ui.text.line_height(style, "caption") + style.space("xs")
    return pygame.Rect(rect.x + label_w, rect.y + pad, rect.width - label_w - pad, rect.height - pad - axis_h)


def badge_centre(plot: pygame.Rect, point: tuple[int, int], size: int) -> tuple[int, int]:
    """Where a key-moment badge `size` across goes for the mood point `point`: above the point
    (below it when there is no room above), moved as little as needed to stay inside the
    plot's border on every side - the last turn's point is on the right border, and half a
    badge past it would poke out of the chart, or a badge low down would sit on the turn
    numbers under the plot."""
    x, y = point
    inner = plot.inflate(-2, -2)  # inside the 1px border, which stays visible beside the badge
    cy = y - size if y - size - size // 2 > inner.y else y + size
    return _within(x, inner.x, inner.right, size), _within(cy, inner.y, inner.bottom, size)


def _within(centre: int, low: int, high: int, size: int) -> int:
    """`centre` moved so that a `size` square centred on it (as pygame.Rect.center places it)
    spans no more than low..high; the middle when it cannot fit at all."""
    first, last = low + size // 2, high - (size - size // 2)
    return max(first, min(last, centre)) if first <= last else (low + high) // 2


AXIS_STEPS = (1, 2, 5, 10, 20, 50, 100)  # turn-number spacings tried, densest first


def turn_axis_labels(ui: "WidgetContext", plot: pygame.Rect, turns: int) -> list[tuple[int, int]]:
    """(turn, left x) of the labels under the mood chart: "Start" at the plot's left edge,
    then every turn number, or every 2nd, 5th, 10th... - the densest spacing at which each
    label stays a clear gap (about a space's width at any text size) from its neighbours,
    "Start" included. The last turn is added when it is not already one and has room, so
    the axis always says how long the conversation was when it can. Nothing when even
    "Start" is wider than the plot."""
    style = ui.style
    px = style.font_px("caption")
    gap = max(style.space("s"), ui.text.measure("00", px) // 2)
    start_w = ui.text.measure("Start", px)
    span = max(1, turns)
    if start_w > plot.width:
        return []  # a plot narrower than the word (huge text in a tiny chart): no axis beats a cut one

    def left_of(t: int) -> int:
        width = ui.text.measure(str(t), px)
        centre = round(plot.x + plot.width * t / span)
        return min(centre - width // 2, plot.right - width)

    for step in AXIS_STEPS:
        placed, right = [(0, plot.x)], plot.x + start_w
        for t in range(step, turns + 1, step):
            x = left_of(t)
            if x < right + gap:
                break
            placed.append((t, x))
            right = x + ui.text.measure(str(t), px)
        else:  # every label at this spacing fits
            if turns % step and placed[-1][0] != turns and left_of(turns) >= right + gap:
                placed.append((turns, left_of(turns)))
            return placed
    return [(0, plot.x)]  # too narrow for any turn number beside "Start"


def short_date(stamp: str) -> str:
    """"1 Dec" from an ISO timestamp ("2026-12-01T13:20:00.000Z"); "" when it is not one."""
    import datetime

    try:
        day = datetime.date.fromisoformat(str(stamp)[:10])
    except ValueError:
        return ""
    return f"{day.day} {day.strftime('%b')}"


def draw_trend_chart(surface: pygame.Surface, ui: "WidgetContext", rect: pygame.Rect, values: Sequence[float],
                     low: float = 0.0, high: float = 100.0, dates: Sequence[str] = ()) -> None:
    """A small line chart of scores (oldest first) on a fixed low..high scale, with a
    mid-line, so several skills drawn side by side compare at a glance.

    The score axis is labelled (low, middle, high) at the left; with `dates` (ISO
    timestamps, one per value) and room for a line under the plot, the first and last
    attempt's dates are written below it, so the chart says when as well as how much."""
    style = ui.style
    caption_h = ui.text.line_height(style, "caption")
    axis_w = ui.text.measure(f"{high:.0f}", style.font_px("caption")) + 2 * style.space("xs")
    show_dates = bool(values) and bool(dates) and rect.height >= 2 * caption_h + style.px(12)
    frame = pygame.Rect(rect.x + axis_w, rect.y, rect.width - axis_w, rect.height - (caption_h if show_dates else 0))
    pygame.draw.rect(surface, style.color("surface_sunken"), frame, border_radius=style.radius("s"))
    pygame.draw.rect(surface, style.color("border"), frame, 1, border_radius=style.radius("s"))
    pad = style.px(6)
    plot = frame.inflate(-2 * pad, -2 * pad)
    if plot.width < 10 or plot.height < 10:
        return
    mid = plot.bottom - plot.height // 2
    pygame.draw.line(surface, style.color("chart_grid"), (plot.x, mid), (plot.right, mid))
    # score axis: the ends always (top and bottom of the frame), the middle when it fits
    ticks = [(high, frame.y), (low, frame.bottom - caption_h)]
    if frame.height >= 3 * caption_h:
        ticks.append(((low + high) / 2, mid - caption_h // 2))
    for value, top in ticks:
        label = ui.text.render(f"{value:.0f}", style, "caption", style.color("text_muted"))
        surface.blit(label, (frame.x - style.space("xs") - label.get_width(), top))
    if not values:
        label = ui.text.render("No finished attempts yet", style, "caption", style.color("text_muted"))
        surface.blit(label, (plot.centerx - label.get_width() // 2, plot.centery - label.get_height() // 2))
        return
    if show_dates:
        first, last = short_date(dates[0]), short_date(dates[-1])
        y = frame.bottom
        left = ui.text.render(first, style, "caption", style.color("text_muted")) if first else None
        if left is not None:
            surface.blit(left, (frame.x, y))
        if last and (last != first or len(values) > 1):
            right = ui.text.render(last, style, "caption", style.color("text_muted"))
            x = frame.right - right.get_width()
            if left is None or x >= frame.x + left.get_width() + style.space("s"):
                surface.blit(right, (x, y))

    def point(index: int, value: float) -> tuple[int, int]:
        span = max(1, len(values) - 1)
        x = plot.x + (plot.width * index // span if len(values) > 1 else plot.width // 2)
        v = max(low, min(high, value))
        return x, round(plot.bottom - (v - low) / (high - low) * plot.height)

    points = [point(i, v) for i, v in enumerate(values)]
    if len(points) >= 2:
        pygame.draw.lines(surface, style.color("chart_line"), False, points, max(2, style.px(2)))
    radius = max(2, style.px(4))
    for x, y in points:
        pygame.draw.circle(surface, style.color("surface"), (x, y), radius + 1)
        pygame.draw.circle(surface, style.color("chart_line"), (x, y), radius)
