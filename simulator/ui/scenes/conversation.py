"""The conversation: the customer's face and words, the trainee's numbered replies.

Keys 1-9 pick a reply, arrows + Enter move and pick, the mouse hovers and clicks. The
customer's line types itself out; any key or click first completes it, and for a quarter of
a second after a line is complete (by a key or by itself) picks are ignored, so a key meant to
skip the line never also picks a reply unread. T opens the transcript, Esc the pause menu, F5
reloads the scenario file and continues in place.
"""

from __future__ import annotations

import logging

import pygame

from simulator.engine.session_protocol import ConversationSession
from simulator.paths import portrait_dirs
from simulator.ui import input as act
from simulator.ui.conversation_events import ConversationEvent
from simulator.ui.face import FaceAnimator, PortraitImages, mood_axes
from simulator.ui.labels import outcome_words
from simulator.ui.library import ScenarioEntry
from simulator.ui.scene import Scene
from simulator.ui.scene_registry import make_scene
from simulator.ui.scene_result import FileFixed, PauseChoice, SceneResult
from simulator.ui.text import block_height, draw_lines, reflow
from simulator.ui.widgets.base import FocusGroup, draw_panel, fit_text
from simulator.ui.widgets.button import Button, ReplyButton
from simulator.ui.widgets.chrome import content_rect, draw_footer, draw_header, draw_notice, notice_height
from simulator.ui.widgets.mood_gauge import MoodGauge, gauge_height
from simulator.ui.widgets.scroll import ScrollView, Typewriter, draw_revealed, revealed_length

log = logging.getLogger(__name__)
LINE_GAP = 1.22
PICK_GUARD_S = 0.25  # after a line completes, ignore reply picks this long (a double-tap to skip)


class ConversationScene(Scene):
    name = "conversation"

    def __init__(self, app, entry: ScenarioEntry, session: ConversationSession | None = None) -> None:
        super().__init__(app)
        self.entry = entry
        self.session = session
        self.typewriter = Typewriter()
        self.face = FaceAnimator()
        self.portraits = PortraitImages(entry.scenario.customer.portraits, portrait_dirs(entry.scenario.path))
        self.replies: list[ReplyButton] = []
        self.transcript_button = Button("Transcript", self.open_transcript, kind="secondary", hint="T",
                                        name="transcript")
        self.menu_button = Button("Menu", self.open_pause, kind="secondary", hint="Esc", name="menu")
        self.debrief_button = Button("See your debrief", self.open_debrief, kind="primary", hint="Enter",
                                     name="debrief")
        self.focus = FocusGroup()
        self.bubble_view = ScrollView(keys=False)
        self.reply_view = ScrollView(keys=True)
        self.left = pygame.Rect(0, 0, 0, 0)
        self.right = pygame.Rect(0, 0, 0, 0)
        self.bubble = pygame.Rect(0, 0, 0, 0)
        self.face_rect = pygame.Rect(0, 0, 0, 0)
        self.gauge = pygame.Rect(0, 0, 0, 0)
        self._lines: tuple[str, ...] = ()
        self._you: tuple[str, ...] = ()
        self._reply_base: list[int] = []
        self._line_text = ""
        self._last_reply = ""
        self._bubble_text_y = 0
        self._prompt_y = 0
        self._started = False
        self._veil_cache: tuple | None = None
        self.gauge_widget = MoodGauge()
        self._expression = "neutral"
        self._ending_words = ""  # the outcome over the last line, once it has ended (see _show_current)
        self.pick_guard = 0.0  # seconds left during which picks are ignored (see PICK_GUARD_S)

    # ------------------------------------------------------------------ session handling
    def enter(self) -> None:
        if not self._started:
            self._started = True
            if self.session is None:
                self.session = self._new_session()
                if self.session is None:
                    return
                self.app.session_event(ConversationEvent.START, self.session, self.entry)
            else:
                self.app.session_event(ConversationEvent.START, self.session, self.entry)
                if self.session.transcript:
                    self._last_reply = self.session.transcript[-1].reply_text
            self._show_current(animate=True)
        self.face.reduced_motion = self.app.settings.reduced_motion

    def _new_session(self):
        try:
            return self.app.new_session(self.entry)
        except Exception as error:  # an engine failure must not crash the game
            log.exception("could not start %s", self.entry.path)
            self.app.notify(f"{self.entry.path.name} could not be started: {error}", "error")
            self.app.stack.pop()
            return None

    @property
    def ended(self) -> bool:
        return self.session is not None and self.session.result is not None

    def _show_current(self, animate: bool) -> None:
        """Show the session's current line, face and replies (after a turn, restart, reload)."""
        session = self.session
        self._line_text = reflow(session.customer_line)
        # read here, not per frame: every new session, turn or reload passes through here, and
        # the words change only with the session's catalog (the rubric it is scored by)
        result = session.result
        self._ending_words = outcome_words(result.outcome, session.catalog) if result is not None else ""
        self._expression = session.expression
        valence, arousal = mood_axes(session.mood)
        self.face.reduced_motion = self.app.settings.reduced_motion
        self.face.set_target(valence, arousal, instant=not animate)
        cps = self.app.style.text_speed(self.app.settings.text_speed)
        self.replies = [ReplyButton(option.number, reflow(option.text), lambda i=index: self.choose(i))
                        for index, option in enumerate(session.options)]
        self.layout(*self.app.size)
        self.typewriter.restart(revealed_length(self._lines), cps if animate else 0)
        # a new line that shows at once (instant text) gets the same guard as one that typed out
        self.pick_guard = PICK_GUARD_S if animate and self.typewriter.done else 0.0
        self.bubble_view.offset = 0
        self.reply_view.offset = 0
        items = [*self.replies] if not self.ended else [self.debrief_button]
        self.focus.set_items([*items, self.transcript_button, self.menu_button], keep=False)
        self._place()
        if animate:
            self.app.speech.say(self._line_text)

    def choose(self, index: int) -> None:
        """Play reply `index` (0-based among those on screen)."""
        if self.ended or not 0 <= index < len(self.session.options):
            return
        record = self.app.play_turn(self.session, index)  # the records save it before the next frame
        self._last_reply = record.reply_text
        self.app.clear_notice()
        self.app.session_event(ConversationEvent.TURN, self.session, self.entry)
        result = self.session.result
        if result is not None:
            if self.app.profile:
                self.app.store.record_result(self.app.profile, self.entry.scenario_id, result.grade, result.overall)
            self.app.session_event(ConversationEvent.END, self.session, self.entry)
        self._show_current(animate=True)

    def restart(self) -> None:
        session = self._new_session()
        if session is None:
            return
        self.session = session
        self._last_reply = ""
        self.app.session_event(ConversationEvent.START, session, self.entry)
        self._show_current(animate=True)

    def replace_session(self, session, message: str = "") -> None:
        """Continue with another session (replay from a turn, reload)."""
        self.session = session
        transcript = session.transcript
        self._last_reply = transcript[-1].reply_text if transcript else ""
        self.app.session_event(ConversationEvent.START, session, self.entry)
        self._show_current(animate=False)
        if message:
            self.app.notify(message)

    # ------------------------------------------------------------------ other screens
    def open_transcript(self) -> None:
        self.app.stack.push(make_scene("transcript", self.app, self.session))

    def open_pause(self) -> None:
        self.app.stack.push(make_scene("pause", self.app), on_result=self._paused)

    def _paused(self, choice: SceneResult) -> None:
        if choice is PauseChoice.RESTART:
            self.restart()
        elif choice is PauseChoice.SETTINGS:
            self.app.stack.push(make_scene("settings", self.app))
        elif choice is PauseChoice.QUIT:
            self.quit()

    def quit(self) -> None:
        """Back to the scenario list; an unfinished attempt is left (abandoned)."""
        self.app.speech.stop()
        self.app.session_event(ConversationEvent.LEFT, self.session, self.entry)
        self.app.clear_notice()
        self.app.stack.pop()

    def open_debrief(self) -> None:
        self.app.speech.stop()
        self.app.clear_notice()
        self.app.stack.replace(make_scene("debrief", self.app, self.entry, self.session))

    def reload(self) -> None:
        """F5: re-read the file; continue at the same node, restart, or show the problems."""
        entry = self.app.library.reload_entry(self.entry.path)
        if not entry.ok:
            self.app.stack.push(make_scene(
                "diagnostics", self.app, entry,
                intro="The scenario file changed and now has problems. Fix them and press F5 to carry on "
                      "where you were, or go back to the scenario list."), on_result=self._diagnosed)
            return
        self._continue_with(entry)

    def _diagnosed(self, result: SceneResult) -> None:
        """The broken file's screen closed: fixed, carry on; otherwise back to the list."""
        if isinstance(result, FileFixed):
            self._continue_with(result.entry)
        else:
            self.quit()

    def _continue_with(self, entry: ScenarioEntry) -> None:
        old = self.session
        self.entry = entry
        self.portraits = PortraitImages(entry.scenario.customer.portraits, portrait_dirs(entry.scenario.path))
        scenario = entry.scenario
        node = old.node_id
        if node in scenario.nodes or node in scenario.endings:
            try:
                replayed = self.app.new_session(entry, old.choices, seed=old.seed)
                if replayed.node_id == node:
                    self.replace_session(replayed, f"Reloaded {entry.path.name}: carrying on where you were, "
                                                   f"continuing at turn {replayed.turn + 1}.")
                    return
            except Exception:  # earlier replies no longer lead here: restart below
                pass
            reason = "your earlier replies no longer lead to the same point"
        else:
            reason = "the part of the conversation you were in is no longer in the file"
        self.replace_session(self.app.new_session(entry), f"Reloaded {entry.path.name}: {reason}, so the "
                                                          "conversation restarted.")

    # ------------------------------------------------------------------ layout
    def layout(self, width: int, height: int) -> None:
        if self.session is None:
            return
        app, style = self.app, self.app.style
        area = content_rect(app.ui, width, height)
        notice_h = notice_height(app.ui, area.width)
        if notice_h:
            area = pygame.Rect(area.x, area.y + notice_h + style.space("s"), area.width,
                               area.height - notice_h - style.space("s"))
        gap = style.space("l")
        left_w = max(style.px(250), round(area.width * 0.3))
        self.left = pygame.Rect(area.x, area.y, left_w, area.height)
        self.right = pygame.Rect(self.left.right + gap, area.y, area.width - left_w - gap, area.height)
        pad = style.space("l")
        # left column: portrait, name, mood
        label_h = app.text.line_height(style, "subtitle", "bold") + app.text.line_height(style, "caption")
        gauge_h = gauge_height(app.ui) if app.settings.show_mood else 0
        face_size = min(self.left.width - 2 * pad, self.left.height - 2 * pad - label_h - gauge_h - style.space("l"))
        face_size = max(style.px(96), face_size)
        # face, name and gauge as one group, centred in the panel
        group = face_size + style.space("s") + label_h + (style.space("l") + gauge_h if gauge_h else 0)
        top = self.left.y + max(pad, (self.left.height - group) // 2)
        self.face_rect = pygame.Rect(self.left.centerx - face_size // 2, top, face_size, face_size)
        self.gauge = pygame.Rect(self.left.x + pad, self.face_rect.bottom + style.space("s") + label_h + style.space("l"),
                                 self.left.width - 2 * pad, gauge_h)
        # right column: what you said, the bubble, the replies
        inner_w = self.right.width - 2 * pad
        # your last reply in full (wrapped, never cut): it is what the customer is answering
        self._you = app.text.wrap(f"You: {self._last_reply}", style, "caption", inner_w) if self._last_reply else ()
        you_h = block_height(app.text, style, len(self._you), "caption") + style.space("s") if self._you else 0
        name_h = app.text.line_height(style, "caption", "bold")
        max_bubble = round(self.right.height * 0.42)
        # the bubble's text area is `inner_w` wide (the bubble minus its padding): wrap to all of it,
        # not narrower, or lines break early and leave one word alone
        self._lines = app.text.wrap(self._line_text, style, "body", inner_w)
        text_h = block_height(app.text, style, len(self._lines), "body", line_gap=LINE_GAP)
        if text_h + name_h + 2 * pad > max_bubble:  # it will scroll: keep the words clear of the scroll bar
            self._lines = app.text.wrap(self._line_text, style, "body", inner_w - style.px(14))
            text_h = block_height(app.text, style, len(self._lines), "body", line_gap=LINE_GAP)
        total = revealed_length(self._lines)
        if self.typewriter.total != total:
            # A new width wraps the line differently (the spaces at the breaks change), so a
            # line that had finished must stay finished: no last character lost after F11.
            finished = self.typewriter.done
            self.typewriter.total = total
            if finished:
                self.typewriter.complete()
            else:
                self.typewriter.shown = min(self.typewriter.shown, float(total))
        bubble_h = min(max_bubble, text_h + name_h + 2 * pad)
        self.bubble = pygame.Rect(self.right.x, self.right.y + you_h, self.right.width, bubble_h)
        self._bubble_text_y = self.bubble.y + pad + name_h
        self.bubble_view.rect = pygame.Rect(self.bubble.x + pad, self._bubble_text_y, self.bubble.width - 2 * pad,
                                            self.bubble.bottom - pad // 2 - self._bubble_text_y)
        self.bubble_view.line_step = round(app.text.line_height(style, "body") * LINE_GAP)
        self.bubble_view.set_content(text_h + pad // 2)
        self._prompt_y = self.bubble.bottom + style.space("m")
        prompt_h = app.text.line_height(style, "caption", "bold") + style.space("xs")
        top = self._prompt_y + prompt_h
        self.reply_view.rect = pygame.Rect(self.right.x - style.px(8), top, self.right.width + style.px(16),
                                           self.right.bottom - top)
        # header buttons
        button_h = self.menu_button.preferred_height(app.ui) - style.px(8)
        header_mid = (style.px(8) + app.text.line_height(style, "subtitle", "bold") + style.space("l") * 2) // 2
        y = max(style.px(4), header_mid - button_h // 2 - style.px(3))
        w_menu = self.menu_button.preferred_width(app.ui)
        w_tr = self.transcript_button.preferred_width(app.ui)
        self.menu_button.rect = pygame.Rect(width - style.space("xl") - w_menu, y, w_menu, button_h)
        self.transcript_button.rect = pygame.Rect(self.menu_button.rect.x - style.space("s") - w_tr, y, w_tr, button_h)
        # replies (content coordinates; _place scrolls them)
        self._reply_base = []
        offset = style.px(8)
        items = self.replies if not self.ended else []
        for reply in items:
            self._reply_base.append(offset)
            offset += reply.layout(app.ui, self.right.x, 0, self.right.width) + style.space("s")
        if offset + style.px(8) > self.reply_view.rect.height:
            # the list scrolls: narrower cards, so the bar never covers a card's edge or its focus ring
            self._reply_base, offset = [], style.px(8)
            for reply in items:
                self._reply_base.append(offset)
                offset += reply.layout(app.ui, self.right.x, 0, self.right.width - style.px(12)) + style.space("s")
        if self.ended:
            w = max(self.debrief_button.preferred_width(app.ui), style.px(240))
            self.debrief_button.rect = pygame.Rect(self.right.x, self.reply_view.rect.y + style.px(8), w,
                                                   self.debrief_button.preferred_height(app.ui))
        self.reply_view.line_step = style.px(40)
        self.reply_view.set_content(offset + style.px(8))
        self._place()

    def _place(self, follow: bool = True) -> None:
        focused = self.focus.focused
        if follow and focused in self.replies:  # not after a wheel or page scroll: that would undo it
            index = self.replies.index(focused)
            base = self._reply_base[index] if index < len(self._reply_base) else 0
            self.reply_view.ensure_visible(base - self.app.style.px(8),
                                           base + focused.rect.height + self.app.style.px(8))
        for reply, base in zip(self.replies, self._reply_base):
            reply.rect.y = self.reply_view.rect.y + base - self.reply_view.offset

    # ------------------------------------------------------------------ input
    def handle_event(self, action) -> bool:
        if self.session is None:
            return False
        kind = action.kind
        if kind == act.BACK:
            self.open_pause()
            return True
        if kind == act.RELOAD:
            self.reload()
            return True
        if kind == act.TRANSCRIPT:
            self.open_transcript()
            return True
        if kind == act.SCROLL:
            used = self.bubble_view.handle(action) or self.reply_view.handle(action)
            self._place(follow=False)
            return used
        if kind == act.POINTER:
            return self._pointer_focus(action)
        if not self.typewriter.done and action.is_skip:
            # The first key or click shows the whole line; it never picks a reply unseen.
            on_header = kind in (act.PRESS, act.CLICK) and (
                self.menu_button.rect.collidepoint(action.pos) or self.transcript_button.rect.collidepoint(action.pos))
            if not on_header:
                if kind == act.CLICK or action.from_key:
                    self.typewriter.complete()
                    self.pick_guard = PICK_GUARD_S
                return True
        if self.pick_guard > 0 and self._would_pick(action):
            return True  # swallowed: the line has only just finished
        if kind == act.CHOOSE:
            if not self.ended and 1 <= action.number <= len(self.replies):
                self.focus.focus(self.replies[action.number - 1])
                self.choose(action.number - 1)
            return True
        if kind in (act.PAGE_UP, act.PAGE_DOWN, act.HOME, act.END):
            used = self.reply_view.handle(action) or self.bubble_view.handle(action)
            self._place(follow=False)
            return used
        if kind in (act.PRESS, act.CLICK):
            in_replies = self.reply_view.rect.collidepoint(action.pos)
            hit = self.focus.item_at(action.pos)
            if hit in self.replies and not in_replies:
                return False
        used = self.focus.handle(action)
        self._place()
        return used

    def _would_pick(self, action) -> bool:
        """True when `action` would play a reply (a number, Enter/Space on a reply, a click on one)."""
        if self.ended:
            return False
        if action.kind == act.CHOOSE:
            return True
        if action.kind == act.CONFIRM:
            return self.focus.focused in self.replies
        if action.kind in (act.PRESS, act.CLICK):
            return self.focus.item_at(action.pos) in self.replies
        return False

    def _pointer_focus(self, action) -> bool:
        hit = self.focus.item_at(action.pos)
        if hit is None or (hit in self.replies and not self.reply_view.rect.collidepoint(action.pos)):
            return False
        self.focus.focus(hit)
        return True

    # ------------------------------------------------------------------ animation
    def update(self, dt: float) -> None:
        self.face.update(dt)
        if self.pick_guard > 0:
            self.pick_guard = max(0.0, self.pick_guard - dt)
        if not self.typewriter.done:
            self.typewriter.update(dt)
            self._follow_typing()
            if self.typewriter.done:  # finished by itself: a skip key may be on its way
                self.pick_guard = PICK_GUARD_S

    def _follow_typing(self) -> None:
        """Keep the newest typed line in view when a long line scrolls inside the bubble."""
        shown, line_index = self.typewriter.count, 0
        for line_index, line in enumerate(self._lines):
            shown -= len(line)
            if shown <= 0:
                break
        step = self.bubble_view.line_step
        self.bubble_view.ensure_visible(line_index * step, (line_index + 1) * step)

    def is_animating(self) -> bool:
        # the guard counts: the loop must keep ticking dt until picks are live again
        return not self.typewriter.done or self.face.moving or self.pick_guard > 0

    # ------------------------------------------------------------------ drawing
    def draw(self, surface: pygame.Surface) -> None:
        if self.session is None:
            return
        app, session = self.app, self.session
        turn = session.turn if self.ended else session.turn + 1
        right = "Finished" if self.ended else f"Turn {turn}"
        draw_header(surface, app.ui, self.entry.scenario.title or self.entry.scenario.id, right, "")
        focused = self.focus.focused
        self.transcript_button.draw(surface, app.ui, focused is self.transcript_button)
        self.menu_button.draw(surface, app.ui, focused is self.menu_button)
        area = content_rect(app.ui, *surface.get_size())
        draw_notice(surface, app.ui, pygame.Rect(area.x, area.y, area.width, 0))
        self._draw_customer(surface)
        self._draw_bubble(surface)
        self._draw_replies(surface, focused)
        if self.ended:
            hints = [("Enter", "Debrief"), ("T", "Transcript"), ("Esc", "Menu")]
        elif not self.typewriter.done:
            hints = [("Any key", "Show the whole line"), ("T", "Transcript"), ("Esc", "Menu")]
        else:
            hints = [("1–9", "Reply"), ("↑↓", "Move"), ("Enter", "Choose"), ("T", "Transcript"), ("Esc", "Menu"),
                     ("F5", "Reload")]
        draw_footer(surface, app.ui, hints)

    def _draw_customer(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        draw_panel(surface, self.left, style, "surface", "border", radius=style.radius("l"), shadow=True)
        image = self.portraits.image(self._expression, self.face_rect.width) if self.portraits else None
        if image is not None:
            surface.blit(image, image.get_rect(center=self.face_rect.center))
        else:
            face = app.faces.surface(style, self.face_rect.width, self.face.valence, self.face.arousal,
                                     self.entry.scenario.customer.look)
            surface.blit(face, self.face_rect)
        pad = style.space("l")
        y = self.face_rect.bottom + style.space("s")
        shown = fit_text(app.ui, self.entry.scenario.customer.name, "subtitle", self.left.width - 2 * pad, "bold")
        name = app.text.render(shown, style, "subtitle", style.color("text"), "bold")
        surface.blit(name, (self.left.centerx - name.get_width() // 2, y))
        y += name.get_height()
        persona = self._persona_label()
        if persona:
            image = app.text.render(persona, style, "caption", style.color("text_muted"))
            surface.blit(image, (self.left.centerx - image.get_width() // 2, y))
        if app.settings.show_mood:
            self.gauge_widget.draw(surface, app.ui, self.gauge, self._expression, self.face.valence)

    def _persona_label(self) -> str:
        catalog = self.entry.catalog or self.app.library.catalog
        persona = catalog.personas.get(self.entry.scenario.customer.persona) if catalog is not None else None
        return f"{persona.label} customer" if persona is not None else ""

    def _draw_bubble(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        pad = style.space("l")
        if self._you:
            draw_lines(surface, app.text, style, self._you, self.right.x + pad, self.right.y, "caption",
                       style.color("text_muted"))
        bubble = self.bubble
        ending = self.ended
        border = "accent" if not ending else "border"
        draw_panel(surface, bubble, style, "bubble", border, radius=style.radius("l"), border_width=2)
        # the tail points at the portrait
        tail = style.px(14)
        ty = bubble.y + min(bubble.height // 2, style.px(40))
        pygame.draw.polygon(surface, style.color(border), [(bubble.x - tail - 2, ty), (bubble.x + 1, ty - tail),
                                                           (bubble.x + 1, ty + tail)])
        pygame.draw.polygon(surface, style.color("bubble"), [(bubble.x - tail + 2, ty), (bubble.x + 3, ty - tail + 3),
                                                             (bubble.x + 3, ty + tail - 3)])
        if ending:
            who, color = self._ending_words, style.outcome_color(self.session.result.outcome)
        else:
            who, color = self.entry.scenario.customer.name, style.color("accent")
        name = app.text.render(who, style, "caption", color, "bold")
        surface.blit(name, (bubble.x + pad, bubble.y + pad - style.px(4)))
        with self.bubble_view.clip(surface):
            draw_revealed(surface, app.text, style, self._lines, self.typewriter.count, self.bubble_view.rect.x,
                          self.bubble_view.rect.y - self.bubble_view.offset, "body", style.color("text"), LINE_GAP)
        self.bubble_view.draw_bar(surface, style)

    def _draw_replies(self, surface: pygame.Surface, focused) -> None:
        app, style = self.app, self.app.style
        typing = not self.typewriter.done
        if self.ended:
            prompt = "The conversation is over."
        elif typing:
            prompt = "Your reply (press any key to see the whole line first)"
        else:
            prompt = "Your reply"
        label = app.text.render(prompt, style, "caption", style.color("text_muted"), "bold")
        surface.blit(label, (self.right.x, self._prompt_y))
        if self.ended:
            self.debrief_button.draw(surface, app.ui, focused is self.debrief_button)
            return
        with self.reply_view.clip(surface):
            for reply in self.replies:
                if reply.rect.colliderect(self.reply_view.rect):
                    reply.draw(surface, app.ui, focused is reply and not typing)
        if typing and not style.high_contrast:
            veil = self._veil(self.reply_view.rect.size)
            surface.blit(veil, self.reply_view.rect)
        self.reply_view.draw_bar(surface, style)

    def _veil(self, size: tuple[int, int]) -> pygame.Surface:
        # Replies fade back while the customer is still talking; cached per size and colour.
        # (A render cache only: filling it changes nothing a player or test can observe.)
        key = (size, self.app.style.color("background"))
        if self._veil_cache is None or self._veil_cache[0] != key:
            veil = pygame.Surface(size, pygame.SRCALPHA)
            veil.fill((*self.app.style.color("background"), 110))
            self._veil_cache = (key, veil)
        return self._veil_cache[1]
