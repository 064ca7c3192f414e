"""Modal overlays drawn over the scene below: pause menu, transcript, replay-from-turn."""

from __future__ import annotations

import pygame

from simulator.ui import input as act
from simulator.ui.labels import expression_label
from simulator.ui.scene import Scene
from simulator.ui.scene_result import CLOSED, PauseChoice, ReplayFrom
from simulator.ui.text import block_height, draw_lines, reflow
from simulator.ui.layout_log import log_of
from simulator.ui.typed_number import TypedNumber
from simulator.ui.widgets.base import FocusGroup, draw_panel
from simulator.ui.widgets.chrome import draw_footer, footer_height
from simulator.ui.widgets.button import Button, CardButton
from simulator.ui.widgets.scroll import ScrollView


class OverlayScene(Scene):
    """A centred card over a dimmed copy of the screen below. Esc closes (result CLOSED)."""

    opaque = False
    title = ""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.card = pygame.Rect(0, 0, 0, 0)
        self._dim: tuple | None = None  # render cache: (size, colour) -> surface

    def card_size(self, width: int, height: int) -> tuple[int, int]:
        return min(self.app.style.px(460), width - 40), min(self.app.style.px(420), height - 40)

    def hints(self) -> list[tuple[str, str]]:
        """Key hints for the footer while this card is open."""
        return [("↑↓", "Move"), ("Enter", "Choose"), ("Esc", "Close")]

    def layout(self, width: int, height: int) -> None:
        w, h = self.card_size(width, height)
        # centred, and clear of the footer that shows this card's key hints
        h = min(h, height - 2 * (footer_height(self.app.ui) + self.app.style.space("s")))
        self.card = pygame.Rect((width - w) // 2, (height - h) // 2, w, h)

    def draw_frame(self, surface: pygame.Surface) -> int:
        """Dim the screen, draw the card and title; returns the y below the title."""
        style = self.app.style
        key = (surface.get_size(), style.color("overlay"))
        if self._dim is None or self._dim[0] != key:
            dim = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
            dim.fill((*style.color("overlay"), 200 if style.high_contrast else 150))
            self._dim = (key, dim)
        surface.blit(self._dim[1], (0, 0))
        log = log_of(surface)
        if log is not None:
            log.panel(surface.get_rect(), "dim")
        # The screen below drew its own key hints; cover them with this card's own.
        draw_footer(surface, self.app.ui, self.hints())
        draw_panel(surface, self.card, style, "surface", "border", radius=style.radius("l"), shadow=False,
                   border_width=2)
        pad = style.space("l")
        title = self.app.text.render(self.title, style, "title", style.color("text"), "bold")
        surface.blit(title, (self.card.x + pad, self.card.y + pad))
        return self.card.y + pad + title.get_height() + style.space("m")


class PauseScene(OverlayScene):
    """Resume, restart, settings or quit to the picker; the pop result is a PauseChoice."""

    name = "pause"
    title = "Paused"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.buttons = [
            Button("Resume", lambda: self.app.stack.pop(PauseChoice.RESUME), kind="primary", hint="Esc",
                   name="resume"),
            Button("Restart the conversation", lambda: self.app.stack.pop(PauseChoice.RESTART), name="restart"),
            Button("Settings", lambda: self.app.stack.pop(PauseChoice.SETTINGS), name="settings"),
            Button("Quit to scenario list", lambda: self.app.stack.pop(PauseChoice.QUIT), name="quit"),
        ]
        self.focus = FocusGroup(self.buttons)

    def card_size(self, width: int, height: int) -> tuple[int, int]:
        style = self.app.style
        button_h = self.buttons[0].preferred_height(self.app.ui)
        title_h = self.app.text.line_height(style, "title", "bold")
        h = 2 * style.space("l") + title_h + style.space("m") + len(self.buttons) * (button_h + style.space("s"))
        return min(style.px(460), width - 40), min(h, height - 40)

    def layout(self, width: int, height: int) -> None:
        super().layout(width, height)
        style = self.app.style
        pad = style.space("l")
        y = self.card.y + pad + self.app.text.line_height(style, "title", "bold") + style.space("m")
        button_h = self.buttons[0].preferred_height(self.app.ui)
        for button in self.buttons:
            button.rect = pygame.Rect(self.card.x + pad, y, self.card.width - 2 * pad, button_h)
            y += button_h + style.space("s")

    def handle_event(self, action) -> bool:
        if action.kind == act.BACK:
            self.app.stack.pop(PauseChoice.RESUME)
            return True
        self.focus.handle(action)
        return True  # modal: nothing reaches the conversation underneath

    def draw(self, surface: pygame.Surface) -> None:
        self.draw_frame(surface)
        focused = self.focus.focused
        for button in self.buttons:
            button.draw(surface, self.app.ui, focused is button)


class TranscriptScene(OverlayScene):
    """Everything said so far, with how the customer's mood moved after each reply."""

    name = "transcript"
    title = "Transcript"

    def __init__(self, app, session) -> None:
        super().__init__(app)
        self.session = session
        self.close = Button("Close", lambda: self.app.stack.pop(), kind="primary", hint="Esc", name="close")
        self.focus = FocusGroup([self.close])
        self.view = ScrollView(keys=True)
        self.view.arrow_keys = True
        self._rows: list[tuple[str, str, tuple[str, ...]]] = []  # (role, colour name, lines)

    def card_size(self, width: int, height: int) -> tuple[int, int]:
        style = self.app.style
        return min(style.px(900), width - style.space("xl") * 2), height - style.space("xl") * 2

    def hints(self) -> list[tuple[str, str]]:
        return [("↑↓", "Scroll"), ("PgUp/PgDn", "Page"), ("T", "Close"), ("Esc", "Close")]

    def layout(self, width: int, height: int) -> None:
        super().layout(width, height)
        app, style = self.app, self.app.style
        pad = style.space("l")
        button_h = self.close.preferred_height(app.ui)
        w = max(self.close.preferred_width(app.ui), style.px(140))
        self.close.rect = pygame.Rect(self.card.right - pad - w, self.card.bottom - pad - button_h, w, button_h)
        top = self.card.y + pad + app.text.line_height(style, "title", "bold") + style.space("m")
        self.view.rect = pygame.Rect(self.card.x + pad, top, self.card.width - 2 * pad,
                                     self.close.rect.y - style.space("m") - top)
        text_w = self.view.rect.width - style.space("l")
        name = self.session.scenario.customer.name
        rows: list[tuple[str, str, tuple[str, ...]]] = []
        for record in self.session.transcript:
            rows.append(("caption", "text_muted", (f"Turn {record.turn}",)))
            rows.append(("body", "text", app.text.wrap(f"{name}: {reflow(record.customer_line)}", style, "body", text_w)))
            # the number as it was shown at that turn (the attempt's shuffled order)
            rows.append(("body", "accent", app.text.wrap(f"You ({record.choice + 1} of {len(record.options)}): "
                                                         f"{reflow(record.reply_text)}", style, "body", text_w)))
            before = expression_label(record.expression_before)
            after = expression_label(record.expression_after)
            change = f"Mood: {before} → {after}" if before != after else f"Mood: still {after.lower()}"
            rows.append(("caption", "text_muted", (change,)))
        if self.session.result is None:
            rows.append(("caption", "text_muted", (f"Turn {self.session.turn + 1} (now)",)))
            rows.append(("body", "text", app.text.wrap(f"{name}: {reflow(self.session.customer_line)}", style, "body", text_w)))
        else:
            rows.append(("caption", "text_muted", ("The end",)))
            rows.append(("body", "text", app.text.wrap(reflow(self.session.customer_line), style, "body", text_w)))
        self._rows = rows
        total = sum(block_height(app.text, style, len(lines), role) + style.space("s") for role, _, lines in rows)
        self.view.line_step = app.text.line_height(style, "body")
        self.view.set_content(total)
        self.view.scroll_to_end()  # the newest turn matters most

    def handle_event(self, action) -> bool:
        if action.kind in (act.BACK, act.TRANSCRIPT):
            self.app.stack.pop()
            return True
        if not self.view.handle(action):
            self.focus.handle(action)
        return True

    def draw(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        self.draw_frame(surface)
        with self.view.clip(surface):
            y = self.view.rect.y - self.view.offset
            for role, color, lines in self._rows:
                weight = "bold" if role == "caption" else "regular"
                draw_lines(surface, app.text, style, lines, self.view.rect.x, y, role, style.color(color), weight)
                y += block_height(app.text, style, len(lines), role) + style.space("s")
        self.view.draw_bar(surface, style)
        self.close.draw(surface, app.ui, self.focus.focused is self.close)


class TurnPickerScene(OverlayScene):
    """Pick a turn to replay from; the pop result is ReplayFrom(1-based turn), CLOSED to cancel.

    Each turn is a card with the customer's line and what you replied, both in full. Number
    keys pick a turn like the reply buttons pick a reply; past 9 turns two digits typed in a
    row pick one (ui/typed_number.py: "1", "2" is turn 12)."""

    name = "turn_picker"
    title = "Replay from which turn?"

    def __init__(self, app, session) -> None:
        super().__init__(app)
        self.session = session
        name = session.scenario.customer.name
        self.buttons = [
            CardButton([(f"Turn {record.turn}", "caption", "bold", "text_muted"),
                        (f"{name}: “{reflow(record.customer_line)}”", "body", "regular", "text"),
                        (f"You replied: “{reflow(record.reply_text)}”", "body", "regular", "accent")],
                       lambda t=record.turn: self.app.stack.pop(ReplayFrom(t)), name=f"turn:{record.turn}",
                       number=record.turn)  # the number key that picks it, badged as on a reply card
            for record in session.transcript]
        self.cancel = Button("Cancel", lambda: self.app.stack.pop(CLOSED), hint="Esc", name="cancel")
        self.focus = FocusGroup([*self.buttons, self.cancel])
        self.view = ScrollView(keys=True)
        self._base: list[int] = []
        self.typed = TypedNumber()

    def hints(self) -> list[tuple[str, str]]:
        count, waiting = len(self.buttons), self.typed.pending
        if waiting is not None:  # "1" typed in a list of 12: say what happens next
            number = (f"{waiting}…", f"Turn {waiting}, or type its second digit")
        else:
            number = ("1" if count == 1 else f"1–{count}", "Turn number")
        return [("↑↓", "Choose a turn"), number, ("Enter", "Replay from it"), ("Esc", "Cancel")]

    def card_size(self, width: int, height: int) -> tuple[int, int]:
        style = self.app.style
        return min(style.px(860), width - 2 * style.space("xl")), height - 2 * style.space("xl")

    def layout(self, width: int, height: int) -> None:
        super().layout(width, height)
        app, style = self.app, self.app.style
        pad = style.space("l")
        button_h = self.cancel.preferred_height(app.ui)
        w = max(self.cancel.preferred_width(app.ui), style.px(140))
        self.cancel.rect = pygame.Rect(self.card.right - pad - w, self.card.bottom - pad - button_h, w, button_h)
        top = self.card.y + pad + app.text.line_height(style, "title", "bold") + style.space("m")
        self.view.rect = pygame.Rect(self.card.x + pad - style.px(8), top - style.px(8),
                                     self.card.width - 2 * pad + style.px(16),
                                     self.cancel.rect.y - style.space("m") - top + style.px(8))
        width_in = self.card.width - 2 * pad
        self._base, y = [], style.px(8)
        for button in self.buttons:
            self._base.append(y)
            y += button.layout(app.ui, 0, 0, width_in) + style.space("s")
        if y + style.px(8) > self.view.rect.height:  # it scrolls: keep the cards clear of the bar
            self._base, y = [], style.px(8)
            for button in self.buttons:
                self._base.append(y)
                y += button.layout(app.ui, 0, 0, width_in - style.px(12)) + style.space("s")
        self.view.line_step = button_h
        self.view.set_content(y + style.px(8))
        self._place()

    def _place(self, follow: bool = True) -> None:
        style = self.app.style
        focused = self.focus.focused
        if follow and focused in self.buttons:  # not after a wheel or page scroll: that would undo it
            base = self._base[self.buttons.index(focused)]
            self.view.ensure_visible(base - style.px(8), base + focused.rect.height + style.px(8))
        for button, base in zip(self.buttons, self._base):
            button.rect.topleft = (self.card.x + style.space("l"), self.view.rect.y + base - self.view.offset)

    def handle_event(self, action) -> bool:
        if action.kind == act.BACK:
            self.app.stack.pop(CLOSED)
            return True
        if action.kind == act.CHOOSE:
            picked = self.typed.press(action.number, len(self.buttons))
            if picked is not None:
                self.app.stack.pop(ReplayFrom(picked))
            elif self.typed.pending is not None:  # waiting for a second digit: show which turn Enter takes
                self.focus.focus(self.buttons[self.typed.pending - 1])
                self._place()
            return True
        if action.kind != act.POINTER:  # another key or a click: a half-typed number no longer counts
            self.typed.clear()
        if action.kind in (act.SCROLL, act.PAGE_UP, act.PAGE_DOWN, act.HOME, act.END):
            self.view.handle(action)
            self._place(follow=False)
            return True
        if action.kind in (act.POINTER, act.PRESS, act.CLICK):
            hit = self.focus.item_at(action.pos)
            if not (hit in self.buttons and not self.view.rect.collidepoint(action.pos)):
                self.focus.handle(action)
        else:
            self.focus.handle(action)
        self._place()
        return True

    def update(self, dt: float) -> None:
        picked = self.typed.update(dt)
        if picked is not None:  # "1" and no second digit in time: turn 1
            self.app.stack.pop(ReplayFrom(picked))

    def is_animating(self) -> bool:
        return self.typed.pending is not None  # the wait runs on frames' dt: keep them coming

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        self.draw_frame(surface)
        focused = self.focus.focused
        with self.view.clip(surface):
            for button in self.buttons:
                if button.rect.colliderect(self.view.rect):
                    button.draw(surface, app.ui, focused is button)
        self.view.draw_bar(surface, app.style)
        self.cancel.draw(surface, app.ui, focused is self.cancel)
