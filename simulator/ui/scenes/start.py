"""Start screen: who is training (pick or create a profile), settings, quit."""

from __future__ import annotations

import pygame

from simulator.ui import input as act
from simulator.ui.profiles import MAX_NAME, ProfileError
from simulator.ui.scene import Scene
from simulator.ui.scene_registry import make_scene
from simulator.ui.text import block_height, draw_lines
from simulator.ui.widgets.base import FocusGroup, draw_badge, draw_panel
from simulator.ui.widgets.button import Button
from simulator.ui.widgets.chrome import draw_footer, draw_notice, footer_height
from simulator.ui.widgets.scroll import ScrollView
from simulator.ui.widgets.text_field import TextField

STEPS = (
    ("Meet the customer", "Read the briefing: who they are and what went wrong."),
    ("Choose your replies", "Every reply moves their mood. Watch their face."),
    ("Learn from the debrief", "See your scores, the turning points and better replies."),
)


class StartScene(Scene):
    name = "start"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.error = ""
        self.field = TextField("New trainee's name", self._create, max_length=MAX_NAME)
        self.add = Button("Add trainee", lambda: self._create(self.field.value), kind="secondary", name="add")
        self.settings = Button("Settings", self._open_settings, name="settings")
        self.quit = Button("Quit", self._quit, kind="ghost", name="quit")
        self.profile_buttons: list[Button] = []
        self.focus = FocusGroup()
        self.list_view = ScrollView(keys=False)
        self.hero = pygame.Rect(0, 0, 0, 0)
        self.card = pygame.Rect(0, 0, 0, 0)
        self._auto_opened = False
        self._back_to_settings = False
        self._list_top = 0
        self._profile_rows: list[tuple[int, int]] = []  # (top in the list, height) per name button
        self._profile_width = 0
        self._rebuild_profiles()

    # -- data --------------------------------------------------------------------------
    def _rebuild_profiles(self) -> None:
        names = self.app.store.list_profiles()
        self.profile_buttons = [
            # wrapped, never cut: this list is where a long name (the records allow 64
            # characters) is read in full - the header chip on other screens shortens it
            Button(name, lambda n=name: self._choose(n), kind="secondary", name=f"profile:{name}", wrap=True)
            for name in names]
        items = [*self.profile_buttons, self.field, self.add, self.settings, self.quit]
        self.focus.set_items(items, keep=False)
        last = self.app.store.last_profile()
        for button in self.profile_buttons:
            if button.label == last:
                self.focus.focus(button)
        if not self.profile_buttons:
            self.focus.focus(self.field)

    def _choose(self, name: str) -> None:
        self.app.select_profile(name)
        self.app.clear_notice()
        self.app.stack.push(make_scene("picker", self.app))

    def _create(self, typed: str) -> None:
        try:
            name = self.app.store.create_profile(typed)
        except ProfileError as error:
            self.error = str(error)
            self.focus.focus(self.field)
            return
        self.error = ""
        self.field.value = ""
        self._rebuild_profiles()
        self.layout(*self.app.size)
        self._choose(name)

    def _open_settings(self) -> None:
        self._back_to_settings = True  # coming back, focus returns to the button that opened it
        self.app.stack.push(make_scene("settings", self.app))

    def _quit(self) -> None:
        self.app.running = False

    # -- scene -------------------------------------------------------------------------
    def enter(self) -> None:
        if self.app.store.problem and self.app.notice is None:
            self.app.notify(self.app.store.problem + " You can still play.", "warning")
        self._rebuild_profiles()
        if self._back_to_settings:
            self._back_to_settings = False
            self.focus.focus(self.settings)
        self.layout(*self.app.size)
        wanted = self.app.requested_profile
        if wanted and not self._auto_opened:
            self._auto_opened = True  # `--profile NAME` goes straight to the picker once
            try:
                self._choose(self.app.store.create_profile(wanted))
            except ProfileError as error:
                self.error = str(error)
            if self.app.store.problem:  # this screen is skipped: the warning goes with the trainee
                self.app.notify(self.app.store.problem + " You can still play.", "warning")

    @property
    def wants_text_input(self) -> bool:
        return self.focus.focused is self.field

    def layout(self, width: int, height: int) -> None:
        app, style = self.app, self.app.style
        margin = style.space("xl")
        bottom = height - footer_height(app.ui)
        self.hero = pygame.Rect(0, 0, round(width * 0.44), bottom)
        card_w = min(style.px(520), width - self.hero.width - 2 * margin)
        card_x = self.hero.right + (width - self.hero.right - card_w) // 2
        pad = style.space("l")
        title_h = app.text.line_height(style, "title", "bold")
        caption_h = app.text.line_height(style, "caption")
        button_h = Button("x", lambda: None).preferred_height(app.ui)
        gap = style.space("s")
        # As tall as its content (room for up to six one-line names; a long name wraps and
        # takes more), centred; long lists scroll.
        rows = max(2, min(6, len(self.profile_buttons)))
        names_h = sum(b.wrapped_height(app.ui, card_w - 2 * pad) + gap for b in self.profile_buttons[:6])
        list_h = min(max(rows * (button_h + gap), names_h), 6 * (button_h + gap))
        natural = (2 * pad + title_h + caption_h + style.space("m") + style.space("s") + list_h
                   + style.space("l") + caption_h + style.space("xs") + button_h + style.space("l") + button_h
                   + style.space("m"))
        card_h = min(bottom - 2 * margin, natural)
        self.card = pygame.Rect(card_x, (bottom - card_h) // 2, card_w, card_h)
        inner_x, inner_w = self.card.x + pad, self.card.width - 2 * pad
        # bottom-up: quit/settings row, error line, field + add row, "new trainee" caption
        row_y = self.card.bottom - pad - button_h
        half = (inner_w - gap) // 2
        self.settings.rect = pygame.Rect(inner_x, row_y, half, button_h)
        self.quit.rect = pygame.Rect(inner_x + half + gap, row_y, inner_w - half - gap, button_h)
        field_y = row_y - style.space("l") - caption_h - button_h
        add_w = min(self.add.preferred_width(app.ui), inner_w // 2)
        self.field.rect = pygame.Rect(inner_x, field_y, inner_w - add_w - gap, button_h)
        self.add.rect = pygame.Rect(self.field.rect.right + gap, field_y, add_w, button_h)
        self._new_caption_y = field_y - caption_h - style.space("xs")
        list_top = self.card.y + pad + title_h + caption_h + style.space("m") + style.space("s")
        list_bottom = self._new_caption_y - style.space("l")
        self.list_view.rect = pygame.Rect(inner_x - style.px(8), list_top - style.px(8),
                                          inner_w + style.px(16), max(0, list_bottom - list_top + style.px(16)))
        self._list_top = list_top
        self.list_view.line_step = button_h + gap
        room = self.list_view.rect.height
        self._profile_width = inner_w
        self._stack_profiles(inner_w)
        if self.list_view.content_height > room:  # it scrolls: keep the names clear of the scroll bar
            self._profile_width = inner_w - style.px(12)
            self._stack_profiles(self._profile_width)
        self._place_profiles()

    def _stack_profiles(self, width: int) -> None:
        """Tops and heights of the (wrapped) name buttons at `width`, and the list's height."""
        ui, gap = self.app.ui, self.app.style.space("s")
        self._profile_rows = []
        y = 0
        for button in self.profile_buttons:
            height = button.wrapped_height(ui, width)
            self._profile_rows.append((y, height))
            y += height + gap
        self.list_view.set_content(max(0, y - gap) + self.app.style.px(16))

    def _place_profiles(self) -> None:
        """Put profile buttons at their on-screen (scrolled) positions, keeping focus in view."""
        style = self.app.style
        rows = self._profile_rows
        if len(rows) != len(self.profile_buttons):
            return  # not laid out since the list changed: layout() places them
        focused = self.focus.focused
        if focused in self.profile_buttons:
            top, height = rows[self.profile_buttons.index(focused)]
            self.list_view.ensure_visible(top, top + height + style.px(16))
        x = self.card.x + style.space("l")
        for button, (top, height) in zip(self.profile_buttons, rows):
            button.rect = pygame.Rect(x, self._list_top + top - self.list_view.offset, self._profile_width, height)

    def handle_event(self, action) -> bool:
        used = False
        if self.app.input.text_mode and self.field.handle(action):
            self.error = ""
            used = True
        elif action.kind in (act.POINTER, act.PRESS, act.CLICK):
            used = self._pointer(action)
        elif action.kind == act.SCROLL:
            used = self.list_view.handle(action)
        elif action.kind == act.BACK:
            used = True  # Esc on the first screen does nothing rather than quitting by surprise
        else:
            used = self.focus.handle(action)
        self._place_profiles()
        return used

    def _pointer(self, action) -> bool:
        # A profile button scrolled out of the list must not catch clicks meant for others.
        hit = self.focus.item_at(action.pos)
        if hit in self.profile_buttons and not self.list_view.rect.collidepoint(action.pos):
            return False
        return self.focus.handle(action)

    def draw(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        self._draw_hero(surface)
        draw_panel(surface, self.card, style, "surface", "border", radius=style.radius("l"), shadow=True)
        pad = style.space("l")
        x, y = self.card.x + pad, self.card.y + pad
        title = app.text.render("Who is training today?", style, "title", style.color("text"), "bold")
        surface.blit(title, (x, y))
        y += title.get_height()
        hint = "Pick your name to continue." if self.profile_buttons else "Add your name to keep your settings and grades."
        surface.blit(app.text.render(hint, style, "caption", style.color("text_muted")), (x, y))
        focused = self.focus.focused
        with self.list_view.clip(surface):
            for button in self.profile_buttons:
                button.draw(surface, app.ui, focused is button)
        if not self.profile_buttons:
            empty = app.text.render("No trainees yet.", style, "body", style.color("text_muted"))
            surface.blit(empty, (x, self.list_view.rect.y + style.px(8)))
        self.list_view.draw_bar(surface, style)
        caption = app.text.render("New trainee", style, "caption", style.color("text_muted"), "bold")
        surface.blit(caption, (x, self._new_caption_y))
        self.field.draw(surface, app.ui, focused is self.field)
        self.add.draw(surface, app.ui, focused is self.add)
        if self.error:
            error = app.text.render(self.error, style, "caption", style.color("danger"), "bold")
            surface.blit(error, (x, self.field.rect.bottom + style.space("xs")))
        self.settings.draw(surface, app.ui, focused is self.settings)
        self.quit.draw(surface, app.ui, focused is self.quit)
        notice_rect = pygame.Rect(self.card.x, self.card.bottom + style.space("s"), self.card.width, 0)
        draw_notice(surface, app.ui, notice_rect)
        hints = [("↑↓", "Move"), ("Enter", "Choose"), ("Tab", "Next"), ("F11", "Full screen")]
        draw_footer(surface, app.ui, hints)

    def _draw_hero(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        rect = self.hero
        pygame.draw.rect(surface, style.color("header"), rect)
        if style.high_contrast:
            pygame.draw.line(surface, style.color("border"), rect.topright, rect.bottomright, 2)
        margin = style.space("xl")
        inner_w = rect.width - 2 * margin
        badge = app.text.line_height(style, "body", "bold") + style.px(4)
        text_x = rect.x + margin + badge + style.space("m")
        details = [app.text.wrap(detail, style, "caption", rect.right - margin - text_x) for _, detail in STEPS]
        steps_h = sum(app.text.line_height(style, "body", "bold") + block_height(app.text, style, len(d), "caption",
                                                                                  line_gap=1.1) + style.space("m")
                      for d in details)
        tagline = app.text.wrap("Practise calming a frustrated customer. Every reply counts.",
                                style, "subtitle", inner_w)
        room = rect.height - 2 * margin
        # Big text on a small window: shrink the face, then the title, so the steps stay in view.
        for title_role in ("display", "title"):
            lines = app.text.wrap("Customer Challenge Simulator", style, title_role, inner_w, "bold")
            words_h = (block_height(app.text, style, len(lines), title_role, "bold", 1.05) + style.space("m")
                       + block_height(app.text, style, len(tagline), "subtitle") + style.space("xl") + steps_h)
            face_size = min(style.px(150), rect.height // 4, room - words_h - style.space("l"))
            if face_size >= style.px(48) or title_role == "title":
                break
        show_face = face_size >= style.px(48)
        total = words_h + (face_size + style.space("l") if show_face else 0)
        y = rect.y + max(margin, (rect.height - total) // 2)
        if show_face:
            surface.blit(app.faces.surface(style, face_size, 0.62, 0.15), (rect.x + margin, y))
            y += face_size + style.space("l")
        y = draw_lines(surface, app.text, style, lines, rect.x + margin, y, title_role,
                       style.color("header_text"), "bold", line_gap=1.05)
        y += style.space("m") - style.px(8)
        y = draw_lines(surface, app.text, style, tagline, rect.x + margin, y, "subtitle", style.color("header_muted"))
        y += style.space("xl") - style.px(8)
        for number, ((heading, _), detail_lines) in enumerate(zip(STEPS, details), start=1):
            draw_badge(surface, app.ui, (rect.x + margin + badge // 2, y + badge // 2), str(number),
                       style.color("accent") if not style.high_contrast else style.color("header_text"),
                       style.color("accent_text") if not style.high_contrast else style.color("header"),
                       "body", badge)
            head = app.text.render(heading, style, "body", style.color("header_text"), "bold")
            surface.blit(head, (text_x, y))
            y = draw_lines(surface, app.text, style, detail_lines, text_x, y + head.get_height(), "caption",
                           style.color("header_muted"), line_gap=1.1)
            y += style.space("m")
