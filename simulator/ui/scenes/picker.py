"""Scenario picker: a card per scenario file; broken files show their first error.

With several sources (the shipped library, the trainee's or trainer's own folder, extra
folders) each gets a heading; the user's own folder is always shown, with its path and an
"Open folder" button (O), even while it is empty, so a trainer knows where files go.
"""

from __future__ import annotations

import pygame

from simulator.ui import input as act
from simulator.scenario.rubric_terms import rubric_terms
from simulator.scenario.sources import USER
from simulator.ui.library import LibrarySection, ScenarioEntry, open_in_file_manager
from simulator.ui.scene import Scene
from simulator.ui.scene_registry import make_scene
from simulator.ui.text import block_height, draw_lines, reflow
from simulator.ui.widgets.base import (FocusGroup, chip_size, draw_badge, draw_chip, draw_focus_ring,
                                       draw_panel, fit_text)
from simulator.ui.widgets.button import Button
from simulator.ui.widgets.chrome import content_rect, draw_footer, draw_header, draw_notice, notice_height
from simulator.ui.widgets.scroll import ScrollView

DIFFICULTY = {1: "Gentle", 2: "Moderate", 3: "Tough"}
TUTORIAL_CHIP = "★ Start here: new trainees"


def persona_label(app, scenario, catalog=None) -> str:
    """The persona's label from `catalog` (an entry's own, with its folder's personas) or the shipped one."""
    catalog = catalog if catalog is not None else app.library.catalog
    persona_id = getattr(getattr(scenario, "customer", None), "persona", "")
    persona = catalog.personas.get(persona_id) if catalog is not None else None
    return persona.label if persona is not None else persona_id.capitalize()


def difficulty_label(level: int) -> str:
    level = max(1, min(3, int(level or 1)))
    return "●" * level + "○" * (3 - level) + " " + DIFFICULTY[level]


class ScenarioCard:
    """One scenario (or broken file) in the grid; Enter/click opens it."""

    def __init__(self, scene: "PickerScene", entry: ScenarioEntry) -> None:
        self.scene = scene
        self.entry = entry
        self.enabled = True  # broken cards are focusable too: they open their diagnostics
        self.rect = pygame.Rect(0, 0, 0, 0)

    def activate(self) -> None:
        self.scene.open(self.entry)


class PickerScene(Scene):
    name = "picker"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.cards: list[ScenarioCard] = []
        self.focus = FocusGroup()
        self.view = ScrollView(keys=True)
        self.columns = 1
        self._base: list[pygame.Rect] = []
        self.area = pygame.Rect(0, 0, 0, 0)
        self._grades: dict[str, str] = {}
        self._passing: tuple[str, ...] = ()  # the library rubric's passing letters (see refresh)
        # Only when attempts are recorded (records_link.attach_records): P or this button.
        self.progress_button = (Button("Your progress", self.open_progress, hint="P", name="progress")
                                if app.records.enabled else None)
        # Section headings (several sources only): (section, rect in content coordinates).
        self._headings: list[tuple[LibrarySection, pygame.Rect]] = []
        self._content: dict = {}  # id(card) -> (title lines, description lines, chip rows)
        self.folder_button = (Button("Open folder", self.open_user_folder, hint="O", name="open-folder")
                              if any(s.kind == USER for s in app.library.sources) else None)
        self.settings_button = Button("Settings", self.open_settings, hint="S", name="picker-settings")
        self.trainee_button = (Button("Rename or delete", self.open_trainee, hint="N", name="trainee")
                               if app.profile else None)

    # -- data --------------------------------------------------------------------------
    def enter(self) -> None:
        self.app.ensure_library()
        self.refresh()
        self.app.records.offer_resume()  # an unfinished conversation of this trainee: ask once (if recorded)

    def open_progress(self) -> None:
        if self.progress_button is None:
            return
        self.app.clear_notice()
        self.app.stack.push(make_scene("progress", self.app))

    def open_settings(self) -> None:
        self.app.clear_notice()
        self.app.stack.push(make_scene("settings", self.app))

    def open_trainee(self) -> None:
        """Rename or delete the trainee playing (a card over the picker)."""
        if self.trainee_button is None or not self.app.profile:
            return
        self.app.clear_notice()
        self.app.stack.push(make_scene("trainee", self.app), on_result=lambda _result: self.refresh())

    @property
    def top_buttons(self) -> list[Button]:
        """The buttons above the cards, left to right."""
        return [b for b in (self.trainee_button, self.settings_button, self.folder_button, self.progress_button)
                if b is not None]

    def _user_section(self) -> LibrarySection | None:
        return next((s for s in self.app.library.sections if s.source.kind == USER), None)

    def open_user_folder(self) -> None:
        """Show the user's scenario folder in the file manager; the banner names it either way."""
        section = self._user_section()
        if section is None:
            return
        folder = section.source.path
        if open_in_file_manager(folder):
            self.app.notify(f"Opened {folder} in your file manager. Add scenario files there, then press F5.")
        elif folder.is_dir():
            self.app.notify(f"Your scenario folder is {folder}. Add scenario files there, then press F5.")
        else:
            self.app.notify(f"Your scenario folder {folder} could not be created.", "warning")
        self.layout(*self.app.size)

    def refresh(self) -> None:
        """Rebuild the cards from the library (after loading or F5)."""
        focused = self.focus.focused
        keep = focused.entry.path if isinstance(focused, ScenarioCard) else None
        self.cards = [ScenarioCard(self, entry) for entry in self.app.library.entries]
        self.focus.set_items(self.cards, keep=False)
        for card in self.cards:
            if card.entry.path == keep:
                self.focus.focus(card)
        self._grades = self.app.store.best_grades(self.app.profile) if self.app.profile else {}
        # the rubric in use (a data folder's own), read once per load, not per card per frame;
        # a scenario folder's data/ may not redefine the grades or pass grade (S230), so the
        # library's rubric serves every card
        self._passing = rubric_terms(self.app.library.catalog).passing_grades
        self.layout(*self.app.size)

    def open(self, entry: ScenarioEntry) -> None:
        self.app.clear_notice()
        self.app.stack.push(make_scene("briefing" if entry.ok else "diagnostics", self.app, entry))

    def reload(self) -> None:
        self.app.library.load()
        broken = sum(not e.ok for e in self.app.library.entries)
        message = "Scenario files reloaded from disk."
        if broken:
            message += f" {broken} file{'s' if broken != 1 else ''} cannot be started: select to see why."
        self.app.notify(message, "warning" if broken else "info")
        self.refresh()

    # -- layout ------------------------------------------------------------------------
    def _card_height(self) -> int:
        app, style = self.app, self.app.style
        return (app.text.line_height(style, "subtitle", "bold") + style.space("s")
                + block_height(app.text, style, 2, "body") + style.space("m")
                + app.text.line_height(style, "caption", "bold") + style.px(6) + 2 * style.space("l"))

    def layout(self, width: int, height: int) -> None:
        style = self.app.style
        self.area = content_rect(self.app.ui, width, height)
        notice_h = self._notice_height()
        top_buttons = self.top_buttons
        if top_buttons:  # rows at the top right: [Rename or delete N] [Settings S] [Open folder O] [Your progress P]
            right, row_y = self.area.right, self.area.y + notice_h
            button_h = max(b.preferred_height(self.app.ui) for b in top_buttons)
            for button in reversed(top_buttons):
                width = min(button.preferred_width(self.app.ui), self.area.width)
                if right - width < self.area.x:  # large text on a narrow window: another row
                    right, row_y = self.area.right, row_y + button_h + style.space("s")
                button.rect = pygame.Rect(right - width, row_y, width, button_h)
                right -= width + style.space("s")
            notice_h = row_y - self.area.y + button_h + style.space("s")
        self.view.rect = pygame.Rect(self.area.x - style.px(8), self.area.y + notice_h,
                                     self.area.width + style.px(16), self.area.height - notice_h)
        self.columns = 2 if self.area.width >= style.px(820) else 1
        gap = style.space("l")
        card_h = self._card_height()
        height = self._grid(self.area.width, gap, card_h)
        if height > self.view.rect.height:  # it scrolls: narrower cards, clear of the bar and its focus ring
            height = self._grid(self.area.width - style.px(12), gap, card_h)
        self.view.line_step = card_h // 3
        self.view.set_content(height if self._base or self._headings else 0)
        self._place()

    def _grid(self, width: int, gap: int, card_h: int) -> int:
        """Lay the headings and cards out `width` wide (content coordinates); returns the height."""
        style = self.app.style
        card_w = (width - gap * (self.columns - 1)) // self.columns
        self._base = []
        self._headings = []
        self._content = {}
        sections = self.app.library.sections
        groups = [(s, len(s.entries)) for s in sections] if len(sections) > 1 else [(None, len(self.cards))]
        y = style.px(8)
        cards = iter(self.cards)
        for section, count in groups:
            if section is not None:
                head_h = self._heading_height(section)
                self._headings.append((section, pygame.Rect(self.area.x, y, width, head_h)))
                y += head_h + style.space("s")
            group = [next(cards, None) for _ in range(count)]
            for first in range(0, count, self.columns):
                # every card in a row as tall as the tallest: text wraps in full, never cut
                row_cards = group[first:first + self.columns]
                heights = [self._measure_card(card, card_w) if card is not None else card_h for card in row_cards]
                row_h = max(heights)
                for col in range(len(row_cards)):
                    self._base.append(pygame.Rect(self.area.x + col * (card_w + gap), y, card_w, row_h))
                y += row_h + gap
            y += style.space("m") if section is not None else 0
        return y - gap + style.px(8)

    def _grade_column(self) -> int:
        app, style = self.app, self.app.style
        badge = app.text.line_height(style, "title", "bold") + style.px(8)
        caption = max(app.text.measure(c, style.font_px("caption")) for c in ("Best", "Tried", "Not tried"))
        return max(badge, caption)

    def _measure_card(self, card: "ScenarioCard", width: int) -> int:
        """Wrap a card's title, description and chips to `width`; returns the height they need."""
        app, style = self.app, self.app.style
        entry = card.entry
        pad = style.space("l")
        broken = not entry.ok
        column = self._grade_column()
        title_w = width - 2 * pad - column - style.space("m")
        title = entry.title if entry.ok else entry.path.name
        title_lines = app.text.wrap(title, style, "subtitle", max(8, title_w), "bold")
        text_w = width - 2 * pad - (column + style.space("m") if not broken else 0)
        if broken:
            body = entry.first_error or "This file could not be loaded."
            chips = ["Cannot start: select to see the problems"]
        else:
            body = reflow(getattr(entry.scenario, "summary", "") or getattr(entry.scenario, "briefing", ""))
            scenario = entry.scenario
            chips = [persona_label(app, scenario, entry.catalog),
                     difficulty_label(getattr(scenario, "difficulty", 1))]
            name = getattr(getattr(scenario, "customer", None), "name", "")
            if name:
                chips.append(name)
            if entry.is_tutorial:
                chips.insert(0, TUTORIAL_CHIP)
        body_lines = app.text.wrap(body, style, "body", max(8, text_w))
        chip_rows: list[list[str]] = [[]]
        room, used = width - 2 * pad, 0
        for label in chips:
            w, _ = chip_size(app.ui, label)
            if chip_rows[-1] and used + w > room:
                chip_rows.append([])
                used = 0
            chip_rows[-1].append(label)
            used += w + style.space("s")
        chip_h = chip_size(app.ui, "Xy")[1]
        self._content[id(card)] = (title_lines, body_lines, chip_rows)
        title_h = block_height(app.text, style, len(title_lines), "subtitle", "bold", 1.05)
        words = (title_h + style.space("s") + block_height(app.text, style, len(body_lines), "body")
                 + style.space("m") + len(chip_rows) * (chip_h + style.space("xs")) - style.space("xs"))
        badge = app.text.line_height(style, "title", "bold") + style.px(8)
        grade = badge + app.text.line_height(style, "caption") + style.px(2)
        return max(words, grade) + 2 * pad

    def _heading_lines(self, section: LibrarySection) -> list[str]:
        """The caption lines under a section heading: where it is, and what to do when empty."""
        lines = []
        if section.source.kind != "shipped":
            lines.append(str(section.source.path))
        if not section.entries:
            if section.source.path.is_dir():
                lines.append("No scenarios here yet: add scenario files (*.yaml) or run "
                             "`customer-sim new NAME`, then press F5.")
            else:
                lines.append("This folder does not exist" + (f": {section.problem}" if section.problem else "."))
        return lines

    def _wrapped_heading_lines(self, section: LibrarySection) -> list[str]:
        """The caption lines wrapped to the content width (a long path or large text wraps, never clips)."""
        app, style = self.app, self.app.style
        return [part for line in self._heading_lines(section)
                for part in app.text.wrap(line, style, "caption", max(1, self.area.width))]

    def _heading_height(self, section: LibrarySection) -> int:
        app, style = self.app, self.app.style
        height = app.text.line_height(style, "subtitle", "bold")
        return height + len(self._wrapped_heading_lines(section)) * (app.text.line_height(style, "caption")
                                                                      + style.px(2))

    def _notice_height(self) -> int:
        height = notice_height(self.app.ui, self.area.width)
        return height + self.app.style.space("m") if height else 0

    def _place(self) -> None:
        focused = self.focus.focused
        if focused in self.cards:
            base = self._base[self.cards.index(focused)]
            self.view.ensure_visible(base.y - self.app.style.px(8), base.bottom + self.app.style.px(8))
        for card, base in zip(self.cards, self._base):
            card.rect = base.move(0, self.view.rect.y - self.view.offset)

    # -- input -------------------------------------------------------------------------
    def handle_event(self, action) -> bool:
        kind = action.kind
        if kind == act.BACK:
            self.app.clear_notice()
            self.app.stack.pop()
            return True
        if kind == act.RELOAD:
            self.reload()
            return True
        if kind == act.PROGRESS and self.progress_button is not None:
            self.open_progress()
            return True
        if kind == act.OPEN_FOLDER and self.folder_button is not None:
            self.open_user_folder()
            return True
        if kind == act.SETTINGS:
            self.open_settings()
            return True
        if kind == act.TRAINEE and self.trainee_button is not None:
            self.open_trainee()
            return True
        if kind == act.CLICK:
            for button in self.top_buttons:
                if button.rect.collidepoint(action.pos):
                    button.activate()
                    return True
        used = False
        if kind in (act.LEFT, act.RIGHT) and self.columns > 1:
            used = self.focus.move(-1 if kind == act.LEFT else 1) or True
        elif kind in (act.UP, act.DOWN):
            used = self._move_row(-1 if kind == act.UP else 1)
        elif kind in (act.SCROLL, act.PAGE_UP, act.PAGE_DOWN, act.HOME, act.END):
            used = self.view.handle(action)
        elif kind in (act.POINTER, act.PRESS, act.CLICK):
            if self.view.rect.collidepoint(action.pos):
                used = self.focus.handle(action)
        else:
            used = self.focus.handle(action)
        self._place()
        return used

    def _move_row(self, step: int) -> bool:
        """Up/down by rows as laid out (sections start new rows): the nearest card by x."""
        if not self.cards or len(self._base) != len(self.cards):
            return False
        current = self._base[self.focus.index]
        rows = sorted({base.y for base in self._base})
        target = rows.index(current.y) + step
        if 0 <= target < len(rows):
            in_row = [k for k, base in enumerate(self._base) if base.y == rows[target]]
            self.focus.index = min(in_row, key=lambda k: abs(self._base[k].x - current.x))
        return True

    # -- drawing -----------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        count = len(self.cards)
        source = app.library.source
        where = f"from {source.name}/" if source.is_dir() else f"from {source.name}"
        if len(app.library.sections) > 1:
            where = f"in {len(app.library.sections)} places"
        draw_header(surface, app.ui, "Choose a scenario", f"{count} scenario{'s' if count != 1 else ''} {where}",
                    app.profile or "Guest")
        draw_notice(surface, app.ui, pygame.Rect(self.area.x, self.area.y, self.area.width, 0))
        if not self.cards:
            self._draw_empty(surface)
        focused = self.focus.focused
        with self.view.clip(surface):
            for section, base in self._headings:
                self._draw_heading(surface, section, base.move(0, self.view.rect.y - self.view.offset))
            for card in self.cards:
                if card.rect.colliderect(self.view.rect):
                    self._draw_card(surface, card, focused is card)
        self.view.draw_bar(surface, style)
        for button in self.top_buttons:
            button.draw(surface, app.ui, False)
        hints = [("←→↑↓", "Move"), ("Enter", "Open"), ("Esc", "Back"), ("F5", "Reload files")]
        if self.progress_button is not None:
            hints.append(("P", "Progress"))
        if self.folder_button is not None:
            hints.append(("O", "Open your folder"))
        hints.append(("S", "Settings"))
        draw_footer(surface, app.ui, hints)

    def _draw_heading(self, surface: pygame.Surface, section: LibrarySection, rect: pygame.Rect) -> None:
        if not rect.colliderect(self.view.rect):
            return
        app, style = self.app, self.app.style
        count = len(section.entries)
        counted = app.text.render(f"{count} scenario{'s' if count != 1 else ''}", style, "caption",
                                  style.color("text_muted"))
        title_w = max(1, rect.width - counted.get_width() - style.space("m"))
        title = app.text.render(fit_text(app.ui, section.label, "subtitle", title_w, "bold"), style, "subtitle",
                                style.color("text"), "bold")
        surface.blit(title, (rect.x, rect.y))
        surface.blit(counted, (rect.x + title.get_width() + style.space("m"),
                               rect.y + title.get_height() - counted.get_height() - style.px(2)))
        y = rect.y + title.get_height()
        for line in self._wrapped_heading_lines(section):
            image = app.text.render(line, style, "caption", style.color("text_muted"))
            surface.blit(image, (rect.x, y))
            y += image.get_height() + style.px(2)

    def _draw_empty(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        errors = app.library.catalog_errors
        if errors:
            message = ("The shared data files (acts, personas, mood, rubric) have errors, so no scenario "
                       f"can start. First: {errors[0].path}:{errors[0].line}: {errors[0].message}")
        else:
            message = (f"No scenario files (*.yaml) found in {app.library.source}. Add one, or run "
                       "`customer-sim new NAME`, then press F5.")
        lines = app.text.wrap(message, style, "body", self.area.width)
        draw_lines(surface, app.text, style, lines, self.area.x, self.view.rect.y + style.space("l"), "body",
                   style.color("text_muted"))

    def _draw_card(self, surface: pygame.Surface, card: ScenarioCard, focused: bool) -> None:
        app, style = self.app, self.app.style
        entry, rect = card.entry, card.rect
        broken = not entry.ok
        draw_panel(surface, rect, style, "hover" if focused else "surface",
                   "danger" if broken else ("accent" if focused else "border"), radius=style.radius("l"),
                   shadow=not focused, border_width=2 if (focused or broken) else 1)
        pad = style.space("l")
        x, y = rect.x + pad, rect.y + pad
        badge = app.text.line_height(style, "title", "bold") + style.px(8)
        title_lines, lines, chip_rows = self._content.get(id(card)) or ((), (), [])
        y = draw_lines(surface, app.text, style, title_lines, x, y, "subtitle", style.color("text"), "bold", 1.05)
        column = self._grade_column()
        self._draw_grade(surface, entry, (rect.right - pad - column // 2, rect.y + pad + badge // 2 - style.px(4)),
                         badge, broken)
        y += style.space("s") - round(app.text.line_height(style, "subtitle", "bold") * 0.05)
        color = style.color("danger") if broken else style.color("text_muted")
        draw_lines(surface, app.text, style, lines, x, y, "body", color)
        chip_h = chip_size(app.ui, "Xy")[1]
        chip_y = rect.bottom - pad - len(chip_rows) * (chip_h + style.space("xs")) + style.space("xs")
        for row in chip_rows:
            cx = x
            for label in row:
                if broken:
                    draw_chip(surface, app.ui, (cx, chip_y), label, style.color("danger_soft"), style.color("danger"),
                              border=style.color("danger"))
                elif label == TUTORIAL_CHIP:  # the one chip that says "begin here"
                    draw_chip(surface, app.ui, (cx, chip_y), label, style.color("accent"), style.color("accent_text"),
                              border=style.color("border") if style.high_contrast else None)
                else:
                    draw_chip(surface, app.ui, (cx, chip_y), label, style.color("surface_sunken"), style.color("text"),
                              border=style.color("border") if style.high_contrast else None)
                cx += chip_size(app.ui, label)[0] + style.space("s")
            chip_y += chip_h + style.space("xs")
        if focused:
            draw_focus_ring(surface, rect, style, style.radius("l"))

    def _draw_grade(self, surface: pygame.Surface, entry: ScenarioEntry, center: tuple[int, int], size: int,
                    broken: bool) -> None:
        app, style = self.app, self.app.style
        if broken:
            draw_badge(surface, app.ui, center, "!", style.color("danger"), style.color("text_inverse"), "title", size)
            return
        grade = self._grades.get(entry.scenario_id)
        if grade:
            draw_badge(surface, app.ui, center, grade, style.grade_color(grade),
                       style.color("text_inverse") if not style.high_contrast else style.color("accent_text"),
                       "title", size)
            # "Best" only for a passing grade: an F is where they are, not a best
            caption = "Best" if grade in self._passing else "Tried"
        else:
            pygame.draw.circle(surface, style.color("border"), center, size // 2, max(2, style.px(2)))
            dash = size // 6
            pygame.draw.line(surface, style.color("text_muted"), (center[0] - dash, center[1]),
                             (center[0] + dash, center[1]), max(2, style.px(3)))
            caption = "Not tried"
        label = app.text.render(caption, style, "caption", style.color("text_muted"))
        surface.blit(label, (center[0] - label.get_width() // 2, center[1] + size // 2 + style.px(2)))
