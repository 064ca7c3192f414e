"""Settings: text size and speed, contrast, motion, mood indicator, full screen, speech.

Every change applies at once (so the trainee sees the effect) and is stored for the
current profile. Left/Right change the focused row, Enter or a click advances it.
"""

from __future__ import annotations

from dataclasses import dataclass
import pygame

from simulator.ui import input as act
from simulator.ui.scene import Scene
from simulator.ui.text import block_height, draw_lines
from simulator.ui.settings import (TEXT_SIZE_LABELS, TEXT_SIZES, TEXT_SPEED_LABELS, TEXT_SPEEDS,
                                   Settings, cycle)
from simulator.ui.widgets.base import FocusGroup, draw_focus_ring, draw_panel
from simulator.ui.widgets.button import Button
from simulator.ui.widgets.chrome import content_rect, draw_footer, draw_header
from simulator.ui.widgets.scroll import ScrollView


@dataclass(frozen=True, slots=True)
class RowSpec:
    key: str
    label: str
    detail: str
    options: tuple[str, ...] = ()  # empty: an on/off switch
    labels: tuple[tuple[str, str], ...] = ()


ROWS = (
    RowSpec("text_size", "Text size", "Bigger text for every screen.", TEXT_SIZES, tuple(TEXT_SIZE_LABELS.items())),
    RowSpec("text_speed", "Text speed", "How fast the customer's words appear.", TEXT_SPEEDS,
            tuple(TEXT_SPEED_LABELS.items())),
    RowSpec("high_contrast", "High contrast", "Black background, bright text, thick outlines."),
    RowSpec("reduced_motion", "Reduced motion", "No easing: the face changes at once."),
    RowSpec("show_mood", "Mood indicator", "Show the customer's mood as a labelled gauge."),
    RowSpec("fullscreen", "Full screen", "Use the whole screen (F11 switches too)."),
    RowSpec("speech", "Read lines aloud", "Speak the customer's lines (needs espeak-ng)."),
)


class SettingRow:
    """One setting: a label and either option pills or an on/off switch."""

    def __init__(self, scene: "SettingsScene", spec: RowSpec) -> None:
        self.scene = scene
        self.spec = spec
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.option_rects: list[tuple[str, pygame.Rect]] = []
        self.enabled = True

    @property
    def value(self):
        return getattr(self.scene.app.settings, self.spec.key)

    def activate(self) -> None:
        self.step(1, wrap=True)

    def step(self, direction: int, wrap: bool = False) -> None:
        settings = self.scene.app.settings.copy()
        if self.spec.options:
            current = self.value
            if wrap and current == self.spec.options[-1] and direction > 0:
                new = self.spec.options[0]
            else:
                new = cycle(self.spec.options, current, direction)
        else:
            new = (not self.value) if wrap else direction > 0
        setattr(settings, self.spec.key, new)
        self.scene.change(settings)

    def click(self, pos: tuple[int, int]) -> None:
        for option, rect in self.option_rects:
            if rect.collidepoint(pos):
                settings = self.scene.app.settings.copy()
                value = option if self.spec.options else option == "on"
                setattr(settings, self.spec.key, value)
                self.scene.change(settings)
                return
        self.activate()


class SettingsScene(Scene):
    name = "settings"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.rows = [SettingRow(self, spec) for spec in ROWS]
        speech_row = self.rows[-1]
        speech_row.enabled = app.speech.available
        self.done = Button("Done", self._done, kind="primary", hint="Esc", name="done")
        self.focus = FocusGroup([*self.rows, self.done])
        self.view = ScrollView(keys=False)
        self.card = pygame.Rect(0, 0, 0, 0)
        self._base: list[int] = []
        self._heights: list[int] = []

    def change(self, settings: Settings) -> None:
        self.app.apply_settings(settings)

    def _done(self) -> None:
        self.app.stack.pop()

    # -- layout ------------------------------------------------------------------------
    def _row_height(self) -> int:
        app, style = self.app, self.app.style
        return (app.text.line_height(style, "body", "bold") + app.text.line_height(style, "caption")
                + style.space("xs") * 2 + style.px(8))

    def layout(self, width: int, height: int) -> None:
        app, style = self.app, self.app.style
        area = content_rect(app.ui, width, height)
        card_w = min(style.px(820), area.width)
        self.card = pygame.Rect(area.centerx - card_w // 2, area.y, card_w, area.height)
        pad = style.space("l")
        button_h = self.done.preferred_height(app.ui)
        done_w = max(self.done.preferred_width(app.ui), style.px(160))
        self.done.rect = pygame.Rect(self.card.right - pad - done_w, self.card.bottom - pad - button_h, done_w, button_h)
        # the viewport reaches almost to the card's edge, so its scroll bar sits clear of the rows' focus ring
        self.view.rect = pygame.Rect(self.card.x + style.px(2), self.card.y + pad // 2,
                                     self.card.width - style.px(4), self.done.rect.y - style.space("s") - self.card.y - pad // 2)
        gap = style.space("xs")
        width = self.card.width - 2 * style.space("l")
        self._heights = [self._row_height_for(row, width) for row in self.rows]
        self._base, y = [], style.px(6)
        for h in self._heights:
            self._base.append(y)
            y += h + gap
        self.view.line_step = self._row_height()
        self.view.set_content(y + style.px(6))
        self._place()

    def _controls_width(self, row: SettingRow) -> int:
        app, style = self.app, self.app.style
        options = row.spec.options or ("off", "on")
        labels = dict(row.spec.labels) if row.spec.labels else {"off": "Off", "on": "On"}
        return sum(app.text.measure("✓ " + labels[o], style.font_px("label"), "bold") + 2 * style.space("m")
                   for o in options)

    def _detail_text(self, row: SettingRow) -> str:
        return row.spec.detail if row.enabled else "espeak-ng is not installed on this computer."

    def _text_layout(self, row: SettingRow, width: int) -> tuple[int, bool, tuple[str, ...]]:
        """(text width, control below the text?, wrapped detail) for a row `width` wide."""
        app, style = self.app, self.app.style
        pad = style.space("m")
        beside = width - self._controls_width(row) - 3 * pad
        below = beside < style.px(260)  # too narrow beside the control: put it under the words
        text_w = width - 2 * pad if below else beside
        return text_w, below, app.text.wrap(self._detail_text(row), style, "caption", text_w)

    def _row_height_for(self, row: SettingRow, width: int) -> int:
        app, style = self.app, self.app.style
        _, below, detail = self._text_layout(row, width)
        height = (app.text.line_height(style, "body", "bold") + block_height(app.text, style, len(detail), "caption")
                  + style.space("xs") * 2 + style.px(8))
        if below:
            height += app.text.line_height(style, "label", "bold") + style.space("s") + style.space("s")
        return max(self._row_height(), height)

    def _place(self) -> None:
        style = self.app.style
        focused = self.focus.focused
        if focused in self.rows:
            index = self.rows.index(focused)
            top = self._base[index]
            self.view.ensure_visible(top - style.px(6), top + self._heights[index] + style.px(8))
        x = self.card.x + style.space("l")
        width = self.card.width - 2 * style.space("l")
        for row, base, height in zip(self.rows, self._base, self._heights):
            row.rect = pygame.Rect(x, self.view.rect.y + base - self.view.offset, width, height)
            row.option_rects = self._option_rects(row)

    def _option_rects(self, row: SettingRow) -> list[tuple[str, pygame.Rect]]:
        app, style = self.app, self.app.style
        options = row.spec.options or ("off", "on")
        labels = dict(row.spec.labels) if row.spec.labels else {"off": "Off", "on": "On"}
        pad = style.space("m")
        height = app.text.line_height(style, "label", "bold") + style.space("s")
        widths = [app.text.measure("✓ " + labels[o], style.font_px("label"), "bold") + 2 * pad for o in options]
        _, below, _ = self._text_layout(row, row.rect.width)
        x = row.rect.x + pad if below else row.rect.right - style.space("m") - sum(widths)
        y = row.rect.bottom - style.space("s") - height if below else row.rect.centery - height // 2
        rects = []
        for option, w in zip(options, widths):
            rects.append((option, pygame.Rect(x, y, w, height)))
            x += w
        return rects

    # -- input -------------------------------------------------------------------------
    def handle_event(self, action) -> bool:
        if action.kind == act.BACK:
            self._done()
            return True
        focused = self.focus.focused
        if action.kind in (act.LEFT, act.RIGHT) and isinstance(focused, SettingRow):
            focused.step(-1 if action.kind == act.LEFT else 1)
            return True
        if action.kind == act.SCROLL:
            used = self.view.handle(action)
            self._place()
            return used
        if action.kind == act.CLICK:
            for row in self.rows:
                if row.enabled and row.rect.collidepoint(action.pos) and self.view.rect.collidepoint(action.pos):
                    self.focus.focus(row)
                    row.click(action.pos)
                    return True
        if action.kind in (act.POINTER, act.PRESS, act.CLICK):
            hit = self.focus.item_at(action.pos)
            if hit in self.rows and not self.view.rect.collidepoint(action.pos):
                return False
        used = self.focus.handle(action)
        self._place()
        return used

    # -- drawing -----------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        profile = app.profile or "Guest"
        draw_header(surface, app.ui, "Settings", "", profile)
        draw_panel(surface, self.card, style, "surface", "border", radius=style.radius("l"), shadow=True)
        focused = self.focus.focused
        with self.view.clip(surface):
            for row in self.rows:
                self._draw_row(surface, row, focused is row)
        self.view.draw_bar(surface, style)
        if not app.profile:
            note = app.text.render("Choose a trainee on the start screen to keep these settings.",
                                   style, "caption", style.color("text_muted"))
            surface.blit(note, (self.card.x + style.space("l"), self.done.rect.centery - note.get_height() // 2))
        elif app.store.problem:
            note = app.text.render(app.store.problem, style, "caption", style.color("danger"))
            surface.blit(note, (self.card.x + style.space("l"), self.done.rect.centery - note.get_height() // 2))
        self.done.draw(surface, app.ui, focused is self.done)
        draw_footer(surface, app.ui, [("↑↓", "Choose a setting"), ("←→", "Change"), ("Enter", "Next value"),
                                   ("Esc", "Done")])

    def _draw_row(self, surface: pygame.Surface, row: SettingRow, focused: bool) -> None:
        app, style = self.app, self.app.style
        if focused:
            draw_panel(surface, row.rect, style, "hover", None, radius=style.radius("m"))
        pad = style.space("m")
        color = style.color("text") if row.enabled else style.color("disabled")
        label = app.text.render(row.spec.label, style, "body", color, "bold")
        _, below, detail = self._text_layout(row, row.rect.width)
        detail_h = block_height(app.text, style, len(detail), "caption")
        if below:
            top = row.rect.y + style.space("xs") + style.px(4)
        else:
            top = row.rect.centery - (label.get_height() + detail_h) // 2
        surface.blit(label, (row.rect.x + pad, top))
        draw_lines(surface, app.text, style, detail, row.rect.x + pad, top + label.get_height(), "caption",
                   style.color("text_muted"))
        value = row.value
        labels = dict(row.spec.labels) if row.spec.labels else {"off": "Off", "on": "On"}
        if not row.option_rects:
            return
        # A segmented control: one outline, the chosen segment filled, thin separators.
        whole = row.option_rects[0][1].unionall([r for _, r in row.option_rects[1:]])
        edge = style.color("accent") if row.enabled else style.color("border")
        radius = style.radius("s")
        pygame.draw.rect(surface, style.color("surface") if row.enabled else style.color("surface_sunken"),
                         whole, border_radius=radius)
        for index, (option, rect) in enumerate(row.option_rects):
            selected = (option == value) if row.spec.options else ((option == "on") == bool(value))
            if selected and row.enabled:
                pygame.draw.rect(surface, style.color("accent"), rect,
                                 border_top_left_radius=radius if index == 0 else 0,
                                 border_bottom_left_radius=radius if index == 0 else 0,
                                 border_top_right_radius=radius if index == len(row.option_rects) - 1 else 0,
                                 border_bottom_right_radius=radius if index == len(row.option_rects) - 1 else 0)
            elif index:
                pygame.draw.line(surface, style.color("border"), (rect.x, rect.y + style.px(5)),
                                 (rect.x, rect.bottom - style.px(6)), 1)
            text_color = style.color("accent_text") if selected and row.enabled else color
            # The selected option is also bold and ticked, so it does not rely on colour.
            caption = ("✓ " if selected else "") + labels[option]
            image = app.text.render(caption, style, "label", text_color, "bold" if selected else "regular")
            surface.blit(image, image.get_rect(center=rect.center))
        pygame.draw.rect(surface, edge, whole, 2 if style.high_contrast else 1, border_radius=radius)
        if focused:
            draw_focus_ring(surface, row.rect, style, style.radius("m"))
