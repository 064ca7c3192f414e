"""The resume prompt: an unfinished conversation was found (the game was closed or killed)."""

from __future__ import annotations

import pygame

from simulator.ui import input as act
from simulator.ui.scene_result import ResumeAnswer
from simulator.ui.scenes.overlays import OverlayScene
from simulator.ui.text import block_height, draw_lines
from simulator.ui.widgets.base import FocusGroup
from simulator.ui.widgets.button import Button


class ResumeScene(OverlayScene):
    """"Resume <title> at turn N?" — pops a ResumeAnswer (Esc counts as FRESH)."""

    name = "resume"
    title = "Carry on where you left off?"

    def __init__(self, app, offer) -> None:
        super().__init__(app)
        self.offer = offer
        turn = offer.turns_played + 1
        self.question = f"Resume \u201c{offer.scenario_title}\u201d at turn {turn}?"
        played = offer.turns_played
        self.detail = (f"You stopped after {played} repl{'ies' if played != 1 else 'y'}. Resuming puts you back "
                       "at the same moment, with the customer in the same mood. Starting fresh keeps the "
                       "unfinished attempt in your history.")
        self.resume_button = Button("Resume", lambda: self.app.stack.pop(ResumeAnswer.RESUME), kind="primary",
                                    hint="Enter", name="resume")
        self.fresh_button = Button("Start fresh", lambda: self.app.stack.pop(ResumeAnswer.FRESH), hint="Esc",
                                   name="fresh")
        self.buttons = [self.resume_button, self.fresh_button]
        self.focus = FocusGroup(self.buttons)
        self._question: tuple[str, ...] = ()
        self._detail: tuple[str, ...] = ()

    def hints(self) -> list[tuple[str, str]]:
        return [("←→", "Move"), ("Enter", "Choose"), ("Esc", "Start fresh")]

    def _wrap(self, width: int) -> None:
        app, style = self.app, self.app.style
        self._question = app.text.wrap(self.question, style, "subtitle", width, "bold")
        self._detail = app.text.wrap(self.detail, style, "body", width)

    def card_size(self, width: int, height: int) -> tuple[int, int]:
        app, style = self.app, self.app.style
        w = min(style.px(560), width - 40)
        pad = style.space("l")
        self._wrap(w - 2 * pad)
        button_h = self.resume_button.preferred_height(app.ui)
        h = (2 * pad + app.text.line_height(style, "title", "bold") + style.space("m")
             + block_height(app.text, style, len(self._question), "subtitle", "bold") + style.space("s")
             + block_height(app.text, style, len(self._detail), "body") + style.space("l") + button_h)
        return w, min(h, height - 40)

    def layout(self, width: int, height: int) -> None:
        super().layout(width, height)
        pad, gap = self.app.style.space("l"), self.app.style.space("s")
        button_h = self.resume_button.preferred_height(self.app.ui)
        y = self.card.bottom - pad - button_h
        half = (self.card.width - 2 * pad - gap) // 2
        self.resume_button.rect = pygame.Rect(self.card.x + pad, y, half, button_h)
        self.fresh_button.rect = pygame.Rect(self.card.x + pad + half + gap, y, half, button_h)

    def handle_event(self, action) -> bool:
        if action.kind == act.BACK:
            self.app.stack.pop(ResumeAnswer.FRESH)
            return True
        if action.kind in (act.LEFT, act.RIGHT):
            self.focus.move(-1 if action.kind == act.LEFT else 1)
            return True
        self.focus.handle(action)
        return True  # modal

    def draw(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        y = self.draw_frame(surface)
        x = self.card.x + style.space("l")
        y = draw_lines(surface, app.text, style, self._question, x, y, "subtitle", style.color("text"), "bold")
        y += style.space("s")
        draw_lines(surface, app.text, style, self._detail, x, y, "body", style.color("text_muted"))
        focused = self.focus.focused
        for button in self.buttons:
            button.draw(surface, app.ui, focused is button)
