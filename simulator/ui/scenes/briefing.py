"""Briefing: the situation, who the customer is, the learning goals; then start."""

from __future__ import annotations

import pygame

from simulator.ui import input as act
from simulator.ui.face import mood_axes
from simulator.ui.library import ScenarioEntry
from simulator.ui.scene import Scene
from simulator.ui.scene_registry import make_scene
from simulator.ui.scenes.picker import difficulty_label, persona_label
from simulator.ui.text import block_height, draw_lines, reflow
from simulator.ui.widgets.base import FocusGroup, chip_size, draw_chip, draw_panel
from simulator.ui.widgets.button import Button
from simulator.ui.widgets.chrome import content_rect, draw_footer, draw_header
from simulator.ui.widgets.scroll import ScrollView


class BriefingScene(Scene):
    name = "briefing"

    def __init__(self, app, entry: ScenarioEntry) -> None:
        super().__init__(app)
        self.entry = entry
        self.start_button = Button("Start conversation", self.start, kind="primary", hint="Enter", name="start")
        self.back_button = Button("Back", self.back, hint="Esc", name="back")
        self.focus = FocusGroup([self.start_button, self.back_button], horizontal=True)
        self.view = ScrollView(keys=True)
        self.view.arrow_keys = True
        self.left = pygame.Rect(0, 0, 0, 0)
        self.right = pygame.Rect(0, 0, 0, 0)
        self._blocks: list[tuple[str, str, tuple[str, ...]]] = []
        self._start_axes = (0.0, 0.0)
        self._persona_lines: tuple[str, ...] = ()
        self._prepare_mood()

    def _prepare_mood(self) -> None:
        try:
            from simulator.engine.session import Session

            session = Session(self.entry.scenario, self.entry.catalog or self.app.library.catalog)
            self._start_axes = mood_axes(session.mood)
        except Exception:  # the conversation screen reports engine problems; here a neutral face is fine
            self._start_axes = (0.0, 0.0)

    def start(self) -> None:
        self.app.stack.replace(make_scene("conversation", self.app, self.entry))

    def back(self) -> None:
        self.app.stack.pop()

    def enter(self) -> None:
        pass

    def layout(self, width: int, height: int) -> None:
        app, style = self.app, self.app.style
        area = content_rect(app.ui, width, height)
        gap = style.space("l")
        left_w = max(style.px(280), round(area.width * 0.32))
        self.left = pygame.Rect(area.x, area.y, left_w, area.height)
        self.right = pygame.Rect(self.left.right + gap, area.y, area.width - left_w - gap, area.height)
        pad = style.space("l")
        button_h = self.start_button.preferred_height(app.ui)
        y = self.right.bottom - pad - button_h
        w1 = max(self.start_button.preferred_width(app.ui), style.px(220))
        w2 = max(self.back_button.preferred_width(app.ui), style.px(120))
        self.start_button.rect = pygame.Rect(self.right.right - pad - w1, y, w1, button_h)
        self.back_button.rect = pygame.Rect(self.start_button.rect.x - style.space("m") - w2, y, w2, button_h)
        self.view.rect = pygame.Rect(self.right.x + pad, self.right.y + pad, self.right.width - 2 * pad,
                                     y - style.space("m") - self.right.y - pad)
        text_w = self.view.rect.width - style.space("l")
        scenario = self.entry.scenario
        goals = getattr(scenario, "learning_goals", ()) or ()
        situation = reflow(getattr(scenario, "briefing", "") or getattr(scenario, "summary", ""))
        self._blocks = [("The situation", "body", app.text.wrap(situation, style, "body", text_w))]
        if goals:
            bullet_w = text_w - style.space("l")
            goal_lines: list[str] = []
            for goal in goals:
                wrapped = app.text.wrap(reflow(goal), style, "body", bullet_w)
                goal_lines.append("• " + wrapped[0])
                goal_lines.extend("  " + line for line in wrapped[1:])
            self._blocks.append(("What to practise", "body", tuple(goal_lines)))
        self._blocks.append(("How it works", "caption", app.text.wrap(
            "Pick a reply with the number keys, the arrow keys and Enter, or the mouse. Any key or click "
            "shows the customer's whole line at once. T shows the transcript; Esc pauses.", style, "caption", text_w)))
        total = 0
        for _, role, lines in self._blocks:
            total += app.text.line_height(style, "subtitle", "bold") + style.space("xs")
            total += block_height(app.text, style, len(lines), role) + style.space("l")
        self.view.line_step = app.text.line_height(style, "body")
        self.view.set_content(total)
        persona = self._persona()
        description = getattr(persona, "description", "") if persona is not None else ""
        self._persona_lines = app.text.wrap(reflow(description), style, "caption", self.left.width - 2 * pad)

    def _persona(self):
        catalog = self.entry.catalog or self.app.library.catalog  # the folder's own personas too
        persona_id = self.entry.scenario.customer.persona
        return catalog.personas.get(persona_id) if catalog is not None else None

    def handle_event(self, action) -> bool:
        if action.kind == act.BACK:
            self.back()
            return True
        if action.kind == act.RELOAD:
            entry = self.app.library.reload_entry(self.entry.path)
            if entry.ok:
                self.entry = entry
                self._prepare_mood()
                self.layout(*self.app.size)
                self.app.notify("Scenario reloaded from disk.")
            else:
                self.app.stack.replace(make_scene("diagnostics", self.app, entry))
            return True
        if self.view.handle(action):
            return True
        return self.focus.handle(action)

    def draw(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        scenario = self.entry.scenario
        draw_header(surface, app.ui, scenario.title or scenario.id, "Briefing", app.profile or "Guest")
        # left: who the customer is
        draw_panel(surface, self.left, style, "surface", "border", radius=style.radius("l"), shadow=True)
        pad = style.space("l")
        x, y = self.left.x + pad, self.left.y + pad
        # the words under the face get their room first; the face takes what is left
        words_h = (style.space("m") + app.text.line_height(style, "caption", "bold")
                   + app.text.line_height(style, "subtitle", "bold") + style.space("s")
                   + chip_size(app.ui, "X")[1] + style.space("s")
                   + block_height(app.text, style, len(self._persona_lines), "caption"))
        face_size = max(0, min(self.left.width - 2 * pad, round(self.left.height * 0.45),
                               self.left.height - 2 * pad - words_h))
        face = app.faces.surface(style, face_size, *self._start_axes, scenario.customer.look)
        surface.blit(face, (self.left.centerx - face_size // 2, y))
        y += face_size + style.space("m")
        caption = app.text.render("Your customer", style, "caption", style.color("text_muted"), "bold")
        surface.blit(caption, (x, y))
        y += caption.get_height()
        name = app.text.render(scenario.customer.name, style, "subtitle", style.color("text"), "bold")
        surface.blit(name, (x, y))
        y += name.get_height() + style.space("s")
        chips = [persona_label(app, scenario, self.entry.catalog), difficulty_label(scenario.difficulty)]
        cx = x
        for label in chips:
            w, h = chip_size(app.ui, label)
            if cx + w > self.left.right - pad:
                break
            draw_chip(surface, app.ui, (cx, y), label, style.color("surface_sunken"), style.color("text"),
                      border=style.color("border") if style.high_contrast else None)
            cx += w + style.space("s")
        y += chip_size(app.ui, "X")[1] + style.space("s")
        draw_lines(surface, app.text, style, self._persona_lines, x, y, "caption",
                   style.color("text_muted"))
        # right: the situation and goals
        draw_panel(surface, self.right, style, "surface", "border", radius=style.radius("l"), shadow=True)
        with self.view.clip(surface):
            y = self.view.rect.y - self.view.offset
            for heading, role, lines in self._blocks:
                head = app.text.render(heading, style, "subtitle", style.color("text"), "bold")
                surface.blit(head, (self.view.rect.x, y))
                y += head.get_height() + style.space("xs")
                color = style.color("text") if role == "body" else style.color("text_muted")
                y = draw_lines(surface, app.text, style, lines, self.view.rect.x, y, role, color)
                y += style.space("l") - round(app.text.line_height(style, role) * 0.18)
        self.view.draw_bar(surface, style)
        focused = self.focus.focused
        for button in (self.start_button, self.back_button):
            button.draw(surface, app.ui, focused is button)
        draw_footer(surface, app.ui, [("Enter", "Start"), ("←→", "Switch button"), ("Esc", "Back"),
                                   ("F5", "Reload file")])
