"""Debrief: outcome and grade, skills, the mood over the turns, the moments that mattered.

Everything it teaches comes from `simulator.engine.debrief` (via ui/debrief_model.py): the
scenario's own coaching note for each key reply, the rule it touched, and the better reply
that was on screen, judged by the best final score still reachable. This screen only draws.
"""

from __future__ import annotations

import pygame

from simulator.scenario.model import SKILLS as SKILL_ORDER  # the rubric's skills, in its order
from simulator.ui import input as act
from simulator.ui.debrief_model import debrief_for, expression_bands, mood_series
from simulator.ui.labels import outcome_words, skill_label
from simulator.ui.library import ScenarioEntry
from simulator.ui.scene import Scene
from simulator.ui.scene_registry import make_scene
from simulator.ui.scene_result import ReplayFrom, SceneResult
from simulator.ui.text import block_height, draw_lines, reflow
from simulator.ui.widgets.base import FocusGroup, draw_badge, draw_panel
from simulator.ui.widgets.button import Button
from simulator.ui.widgets.charts import draw_mood_chart, draw_skill_bars, skill_bars_height
from simulator.ui.widgets.chrome import content_rect, draw_footer, draw_header
from simulator.ui.widgets.scroll import ScrollView


class DebriefScene(Scene):
    name = "debrief"

    def __init__(self, app, entry: ScenarioEntry, session) -> None:
        super().__init__(app)
        self.entry = entry
        self.session = session
        self.result = session.result
        self.debrief = debrief_for(session)
        self.moments = self.debrief.moments
        self.values, self.expressions = mood_series(session)
        self.bands = expression_bands(session.catalog)
        # the words of the rubric this conversation was scored by, read once: the session and
        # its catalog never change on this screen (a replay or retry builds a new one)
        self._outcome_words = outcome_words(self.result.outcome, session.catalog)
        order = [s for s in SKILL_ORDER if s in self.result.skills] + \
                [s for s in self.result.skills if s not in SKILL_ORDER]
        self._skill_rows = [(skill_label(s, session.catalog), self.result.skills[s]) for s in order]
        self.replay_button = Button("Replay from a turn…", self.pick_turn, name="replay",
                                    enabled=bool(session.transcript))
        self.retry_button = Button("Try again", self.retry, kind="primary", name="retry")
        self.other_button = Button("Pick another scenario", self.pick_another, name="another", hint="Esc")
        self.buttons = [self.retry_button, self.replay_button, self.other_button]
        self.focus = FocusGroup(self.buttons, horizontal=True)
        self.view = ScrollView(keys=True)
        self.left_view = ScrollView(keys=False)  # the grade panel, when big text makes it taller than the window
        self.view.arrow_keys = True
        self.left = pygame.Rect(0, 0, 0, 0)
        self.right = pygame.Rect(0, 0, 0, 0)
        self.chart = pygame.Rect(0, 0, 0, 0)
        self._summary: tuple[str, ...] = ()
        self._held: tuple[str, ...] = ()  # "held back by" lines under the skill bars
        self._blocks: list[list[tuple[str, str, str, tuple[str, ...]]]] = []

    # -- actions -----------------------------------------------------------------------
    def pick_turn(self) -> None:
        self.app.stack.push(make_scene("turn_picker", self.app, self.session), on_result=self.replay_from)

    def replay_from(self, picked: SceneResult) -> None:
        """Continue from the start of the picked turn with the exact state it had."""
        if not isinstance(picked, ReplayFrom):
            return  # cancelled
        turn = picked.turn
        choices = list(self.session.choices[: turn - 1])
        session = self.app.new_session(self.entry, choices, seed=self.session.seed)  # same order as shown
        self.app.stack.replace(make_scene("conversation", self.app, self.entry, session=session))
        self.app.notify(f"Replaying from turn {turn}: everything is as it was then. Try another reply.")

    def retry(self) -> None:
        self.app.clear_notice()
        self.app.stack.replace(make_scene("conversation", self.app, self.entry))

    def pick_another(self) -> None:
        self.app.clear_notice()
        self.app.stack.pop()

    # -- layout ------------------------------------------------------------------------
    def layout(self, width: int, height: int) -> None:
        app, style = self.app, self.app.style
        area = content_rect(app.ui, width, height)
        button_h = self.retry_button.preferred_height(app.ui)
        gap = style.space("l")
        x = area.right
        for button in reversed(self.buttons):
            w = max(button.preferred_width(app.ui), style.px(150))
            button.rect = pygame.Rect(x - w, area.bottom - button_h, w, button_h)
            x -= w + style.space("m")
        body = pygame.Rect(area.x, area.y, area.width, area.height - button_h - style.space("l"))
        left_w = max(style.px(330), round(body.width * 0.36))
        self.left = pygame.Rect(body.x, body.y, left_w, body.height)
        self.right = pygame.Rect(self.left.right + gap, body.y, body.width - left_w - gap, body.height)
        pad = style.space("l")
        self._held = self._held_lines()
        self._summary = self._fit_summary()
        heading_h = app.text.line_height(style, "subtitle", "bold")
        chart_h = max(style.px(120), round(self.right.height * 0.28))  # the moments need the room
        self.chart = pygame.Rect(self.right.x + pad, self.right.y + pad + heading_h + style.space("xs"),
                                 self.right.width - 2 * pad, chart_h - heading_h)
        top = self.chart.bottom + style.space("l") + heading_h + style.space("xs")
        self.view.rect = pygame.Rect(self.right.x + pad, top, self.right.width - 2 * pad,
                                     self.right.bottom - pad // 2 - top)
        self._layout_moments()

    def _fit_summary(self) -> tuple[str, ...]:
        """The ending text in full; the left panel scrolls (wheel over it) when it is too tall."""
        app, style = self.app, self.app.style
        pad = style.space("l")
        width = self.left.width - 2 * pad
        lines = app.text.wrap(self._summary_text(), style, "caption", width)
        grade_h = self._grade_height()
        skills_h = (app.text.line_height(style, "subtitle", "bold") + style.space("xs")
                    + skill_bars_height(app.ui, len(self.result.skills)))
        # under the bars: the held-back lines, or the pass-mark note (which wraps at big text too)
        held_h = (block_height(app.text, style, len(self._held), "caption", "bold") if self._held
                  else block_height(app.text, style, len(self._pass_note(width)), "caption"))
        total = (2 * pad + grade_h + style.space("m") + block_height(app.text, style, len(lines), "caption")
                 + style.space("m") + skills_h + held_h - pad // 2)
        self.left_view.rect = self.left.inflate(-style.px(4), -style.px(4))
        self.left_view.line_step = app.text.line_height(style, "caption")
        self.left_view.set_content(total)
        return lines

    def _grade_rows(self) -> list[tuple[str, str, str, tuple[int, int, int]]]:
        """The words beside the grade badge: passed or not, the overall score, the ending."""
        style, result = self.app.style, self.result
        ok = self.debrief.passed  # never "Passed" while a skill is under the floor
        return [("✓ Passed" if ok else "Not passed yet", "subtitle", "bold",
                 style.color("success") if ok else style.color("text")),
                (f"Overall {result.overall:.1f} / 100", "body", "regular", style.color("text")),
                (self._outcome_words, "body", "bold", style.outcome_color(result.outcome))]

    def _grade_height(self) -> int:
        """Height of the badge row: the badge, or the wrapped words beside it if taller."""
        app, style = self.app, self.app.style
        pad = style.space("l")
        size = app.text.line_height(style, "display", "bold") + style.px(20)
        width = self.left.width - 2 * pad - size - style.space("l")
        words = style.px(2)
        for text, role, weight, _ in self._grade_rows():
            lines = app.text.wrap(text, style, role, width, weight)
            words += round(app.text.line_height(style, role, weight) * 1.0) * len(lines)
        return max(size, words)

    def _pass_note(self, width: int) -> tuple[str, ...]:
        """The line under the skill bars when no skill held the grade back, wrapped to `width`."""
        return self.app.text.wrap("The line on each bar marks the pass mark.", self.app.style, "caption", width)

    def _held_lines(self) -> tuple[str, ...]:
        """Which skill held the grade back, wrapped to the left panel (() when none did)."""
        debrief = self.debrief
        if not debrief.held_back_by or debrief.floor is None:
            return ()
        low = [f"{s.label} {s.score}" for s in debrief.skills if s.status == "below floor"]
        if len(low) > 2:  # the bars above show which: a short line keeps the panel from scrolling
            text = f"Held back by {len(low)} skills under {debrief.floor:g}: a pass needs every skill at " \
                   f"{debrief.floor:g} or more."
        else:
            text = f"Held back by {', '.join(low)}: a pass needs every skill at {debrief.floor:g} or more."
        width = self.left.width - 2 * self.app.style.space("l")
        return self.app.text.wrap(text, self.app.style, "caption", width, "bold")

    def _summary_text(self) -> str:
        result = self.result
        parts = [result.ending_text or result.note]
        caps = self.debrief.caps_besides_floor(tuple(result.caps))  # held-back skills show under the bars
        if caps:
            parts.append(" ".join(caps))
        return reflow(" ".join(p for p in parts if p))

    def _layout_moments(self) -> None:
        app, style = self.app, self.app.style
        badge = app.text.line_height(style, "label", "bold") + style.px(2)
        width = self.view.rect.width - badge - style.space("s") - style.px(16)  # badge, gap, scroll bar
        name = self.entry.scenario.customer.name
        blocks = []
        for moment in self.moments:
            rows = [("label", "bold", "text", app.text.wrap(f"Turn {moment.turn} · {moment.headline}", style, "label",
                                                            width, "bold")),
                    ("caption", "regular", "text_muted", app.text.wrap(f"{name}: “{reflow(moment.customer_line)}”", style,
                                                                       "caption", width)),
                    ("label", "regular", "text", app.text.wrap(f"You said ({moment.number}): “{reflow(moment.said)}”",
                                                               style, "label", width))]
            if moment.coaching:
                rows.append(("label", "regular", "text", app.text.wrap(f"Coach: {reflow(moment.coaching)}", style,
                                                                      "label", width)))
            better = moment.better
            if better is not None:
                rows.append(("label", "bold", "success", app.text.wrap(
                    f"Better reply on screen ({better.number}): “{reflow(better.text)}”", style, "label", width, "bold")))
                reach = (f"From there {better.best_overall:.0f} was still within reach"
                         + (f", against {better.chosen_best:.0f} after yours." if better.chosen_best >= 0
                            else "; after yours no path kept every skill above the floor."))
                why = f"{reflow(better.note)} {reach}" if better.note else reach
                rows.append(("caption", "regular", "text_muted", app.text.wrap(why, style, "caption", width)))
            elif moment.regret <= 0 and moment.points >= 0:
                rows.append(("label", "bold", "success", ("That was the best reply on screen.",)))
            if moment.rule and moment.rule != moment.coaching:  # after the better reply: the why, not the what
                rows.append(("caption", "regular", "text_muted", app.text.wrap(f"Rule: {reflow(moment.rule)}", style,
                                                                              "caption", width)))
            blocks.append(rows)
        if not blocks:
            blocks.append([("body", "regular", "text_muted", app.text.wrap(
                "No single turn stood out: the mood moved steadily and nothing cost points.", style, "body", width))])
        self._blocks = blocks
        total = 0
        for rows in blocks:
            total += self._block_height(rows) + style.space("l")
        self.view.line_step = app.text.line_height(style, "body")
        self.view.set_content(total)

    def _block_height(self, rows) -> int:
        app, style = self.app, self.app.style
        return sum(block_height(app.text, style, len(lines), role, weight) + style.space("xs")
                   for role, weight, _, lines in rows)

    # -- input -------------------------------------------------------------------------
    def handle_event(self, action) -> bool:
        if action.kind == act.BACK:
            self.pick_another()
            return True
        if action.kind in (act.PAGE_UP, act.PAGE_DOWN) and self.left_view.scrollable:
            # the grade panel only scrolls at big text in a small window; the keyboard must reach
            # its last skill too (the wheel alone would leave a keyboard-only trainee short)
            self.left_view.scroll_by(self.left_view.rect.height // 2 * (1 if action.kind == act.PAGE_DOWN else -1))
            return True
        if self.view.handle(action) or self.left_view.handle(action):
            return True
        return self.focus.handle(action)

    def hints(self) -> list[tuple[str, str]]:
        """The footer's key hints; Page Up/Down scroll the grade panel when it is too tall."""
        hints = [("←→", "Choose a button"), ("Enter", "Go"), ("↑↓", "Scroll moments")]
        if self.left_view.scrollable:
            hints.append(("PgUp/PgDn", "Scroll scores"))
        return [*hints, ("Esc", "Scenario list")]

    # -- drawing -----------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        draw_header(surface, app.ui, "Debrief", self.entry.scenario.title, app.profile or "Guest")
        self._draw_left(surface)
        self._draw_right(surface)
        focused = self.focus.focused
        for button in self.buttons:
            button.draw(surface, app.ui, focused is button)
        draw_footer(surface, app.ui, self.hints())

    def _draw_left(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        result = self.result
        draw_panel(surface, self.left, style, "surface", "border", radius=style.radius("l"), shadow=True)
        with self.left_view.clip(surface):
            self._draw_left_content(surface)
        self.left_view.draw_bar(surface, style)

    def _draw_left_content(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        result = self.result
        pad = style.space("l")
        x, y = self.left.x + pad, self.left.y + pad - self.left_view.offset
        size = app.text.line_height(style, "display", "bold") + style.px(20)
        draw_badge(surface, app.ui, (x + size // 2, y + size // 2), result.grade, style.grade_color(result.grade),
                   style.color("text_inverse") if not style.high_contrast else style.color("accent_text"),
                   "display", size)
        tx = x + size + style.space("l")
        ok = self.debrief.passed  # never "Passed" while a skill is under the floor
        ty = y + style.px(2)
        for text, role, weight, color in self._grade_rows():
            lines = app.text.wrap(text, style, role, self.left.right - pad - tx, weight)
            ty = draw_lines(surface, app.text, style, lines, tx, ty, role, color, weight, line_gap=1.0)
        y += self._grade_height() + style.space("m")
        y = draw_lines(surface, app.text, style, self._summary, x, y, "caption", style.color("text_muted"))
        y += style.space("m")
        heading = app.text.render("Skills", style, "subtitle", style.color("text"), "bold")
        surface.blit(heading, (x, y))
        y += heading.get_height() + style.space("xs")
        bars = pygame.Rect(x, y, self.left.width - 2 * pad, skill_bars_height(app.ui, len(self._skill_rows)))
        draw_skill_bars(surface, app.ui, bars, self._skill_rows, round(self.debrief.pass_mark))
        if self._held:
            draw_lines(surface, app.text, style, self._held, x, bars.bottom, "caption", style.color("danger"), "bold")
            return
        draw_lines(surface, app.text, style, self._pass_note(self.left.width - 2 * pad), x, bars.bottom, "caption",
                   style.color("text_muted"))

    def _draw_right(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        draw_panel(surface, self.right, style, "surface", "border", radius=style.radius("l"), shadow=True)
        pad = style.space("l")
        heading = app.text.render("Mood over the conversation", style, "subtitle", style.color("text"), "bold")
        surface.blit(heading, (self.right.x + pad, self.right.y + pad))
        marks = [(m.turn, str(i)) for i, m in enumerate(self.moments, start=1)]
        draw_mood_chart(surface, app.ui, self.chart, self.values, self.expressions, self.bands, marks)
        heading = app.text.render("Key moments", style, "subtitle", style.color("text"), "bold")
        surface.blit(heading, (self.right.x + pad, self.view.rect.y - heading.get_height() - style.space("xs")))
        with self.view.clip(surface):
            y = self.view.rect.y - self.view.offset
            badge = app.text.line_height(style, "label", "bold") + style.px(2)
            for number, rows in enumerate(self._blocks, start=1):
                top = y
                x = self.view.rect.x + (badge + style.space("s") if self.moments else 0)
                if self.moments:
                    draw_badge(surface, app.ui, (self.view.rect.x + badge // 2, y + badge // 2), str(number),
                               style.color("text"), style.color("surface"), "caption", badge)
                for role, weight, color, lines in rows:
                    y = draw_lines(surface, app.text, style, lines, x, y, role, style.color(color), weight)
                    y += style.space("xs") - round(app.text.line_height(style, role, weight) * 0.18)
                y = top + self._block_height(rows) + style.space("l")
        self.view.draw_bar(surface, style)
