"""Progress screen: what to practise next, best and latest grade per scenario, skill trends.

Opened from the picker (P or the "Your progress" button); Esc goes back. The data comes from
`simulator.records.progress.load_progress` through `app.records` (see records_link.py); with
records off the advice panel says why (`app.records.reason`).
"""

from __future__ import annotations

import pygame

from simulator.ui import input as act
from simulator.ui.scene import Scene
from simulator.ui.text import block_height, draw_lines
from simulator.ui.widgets.base import FocusGroup, draw_badge, draw_panel, fit_text
from simulator.ui.widgets.button import Button
from simulator.ui.widgets.charts import draw_trend_chart
from simulator.ui.widgets.chrome import content_rect, draw_footer, draw_header, draw_notice, notice_height
from simulator.ui.widgets.scroll import ScrollView

DIRECTION = {"improving": "improving ↑", "slipping": "slipping ↓", "steady": "steady", "new": ""}


class ProgressScene(Scene):
    name = "progress"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.progress = app.records.progress()
        self.back = Button("Back to scenarios", lambda: self.app.stack.pop(), kind="secondary", hint="Esc",
                           name="back")
        self.focus = FocusGroup([self.back])
        self.area = pygame.Rect(0, 0, 0, 0)
        self.advice = pygame.Rect(0, 0, 0, 0)
        self.table = pygame.Rect(0, 0, 0, 0)
        self.trends = pygame.Rect(0, 0, 0, 0)
        self._advice_lines: tuple[str, ...] = ()
        # Every scenario played has a row; more than fit scroll (wheel, arrows, Page keys),
        # never a "+ N more" that nothing can open.
        self.rows_view = ScrollView(keys=True)
        self.rows_view.arrow_keys = True
        # The skill trends scroll too (wheel) when big text makes five rows taller than the panel.
        self.trends_view = ScrollView(keys=False)

    # -- data helpers --------------------------------------------------------------------
    def _advice_text(self) -> str:
        progress = self.progress
        if progress is None:
            reason = self.app.records.reason or "it could not be read"
            return f"Progress is not available: {reason}."
        if progress.focus is None:
            return "Finish a conversation to see which skill to practise next."
        return progress.focus.message

    def grade_rows(self) -> list[tuple[str, int, str | None, str | None]]:
        """(title, attempts, best grade, latest grade) per scenario played."""
        if self.progress is None:
            return []
        return [(g.scenario_title or g.scenario_id, g.attempts, g.best_grade, g.latest_grade)
                for g in self.progress.scenarios]

    # -- layout --------------------------------------------------------------------------
    def layout(self, width: int, height: int) -> None:
        app, style = self.app, self.app.style
        self.area = content_rect(app.ui, width, height)
        top = self.area.y + (notice_height(app.ui, self.area.width) + style.space("m")
                             if notice_height(app.ui, self.area.width) else 0)
        pad = style.space("l")
        # three lines at most, so the table keeps its room; a longer message ends in "…", which
        # the layout check reports (it is said nowhere else)
        self._advice_lines = app.text.wrap_at_most(self._advice_text(), style, "body", self.area.width - 2 * pad, 3)
        advice_h = (2 * pad + app.text.line_height(style, "caption", "bold") + style.space("xs")
                    + block_height(app.text, style, len(self._advice_lines), "body"))
        self.advice = pygame.Rect(self.area.x, top, self.area.width, advice_h)
        button_h = self.back.preferred_height(app.ui)
        self.back.rect = pygame.Rect(self.area.x, self.area.bottom - button_h, self.back.preferred_width(app.ui),
                                     button_h)
        body_top = self.advice.bottom + style.space("l")
        body_bottom = self.back.rect.y - style.space("m")
        gap = style.space("l")
        left_w = (self.area.width - gap) * 9 // 20
        self.table = pygame.Rect(self.area.x, body_top, left_w, max(0, body_bottom - body_top))
        self.trends = pygame.Rect(self.table.right + gap, body_top, self.area.right - self.table.right - gap,
                                  self.table.height)
        rows_top = (self.table.y + pad + app.text.line_height(style, "subtitle", "bold") + style.space("s")
                    + app.text.line_height(style, "caption", "bold") + style.space("xs"))
        self.rows_view.rect = pygame.Rect(self.table.x + style.px(4), rows_top, self.table.width - style.px(8),
                                          max(0, self.table.bottom - pad - rows_top))
        self.rows_view.line_step = self._row_height() // 2
        self.rows_view.set_content(len(self.grade_rows()) * self._row_height())
        trends_top = self.trends.y + pad + app.text.line_height(style, "subtitle", "bold") + style.space("s")
        self.trends_view.rect = pygame.Rect(self.trends.x + style.px(4), trends_top,
                                            self.trends.width - style.px(8),
                                            max(0, self.trends.bottom - style.px(4) - trends_top))
        count = len(self.progress.trends) if self.progress is not None else 0
        self.trends_view.line_step = self._trend_step(count) // 2 or 1
        self.trends_view.set_content(count * self._trend_step(count))

    def _trend_step(self, count: int) -> int:
        """Height of one skill row: the panel shared out, but never less than name plus detail."""
        app, style = self.app, self.app.style
        need = app.text.line_height(style, "body", "bold") + app.text.line_height(style, "caption")
        room = self.trends_view.rect.height - style.space("l") + style.px(4)
        return max(need + style.space("xs"), room // max(1, count))

    def _row_height(self) -> int:
        app, style = self.app, self.app.style
        badge = app.text.line_height(style, "body", "bold") + style.px(6)
        # the title and its "N attempts" line under it, or the badge, whichever is taller
        words = app.text.line_height(style, "body", "bold") - style.px(2) + app.text.line_height(style, "caption")
        return max(badge, words) + style.space("s")

    # -- input ---------------------------------------------------------------------------
    def handle_event(self, action) -> bool:
        if action.kind in (act.BACK, act.PROGRESS):
            self.app.stack.pop()
            return True
        if self.rows_view.handle(action) or self.trends_view.handle(action):
            return True
        return self.focus.handle(action)

    # -- drawing -------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        progress = self.progress
        subtitle = (f"{progress.finished} finished of {progress.attempts} attempt{'s' if progress.attempts != 1 else ''}"
                    if progress is not None else "")
        draw_header(surface, app.ui, "Your progress", subtitle, app.profile or "Guest")
        draw_notice(surface, app.ui, pygame.Rect(self.area.x, self.area.y, self.area.width, 0))
        self._draw_advice(surface)
        self._draw_table(surface)
        self._draw_trends(surface)
        self.back.draw(surface, app.ui, self.focus.focused is self.back)
        hints = [("Esc", "Back"), ("P", "Close progress")]
        if self.rows_view.scrollable:
            hints.insert(0, ("↑↓", "Scroll grades"))
        draw_footer(surface, app.ui, hints)

    def _draw_advice(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        draw_panel(surface, self.advice, style, "surface", "accent", radius=style.radius("l"), border_width=2)
        pad = style.space("l")
        x, y = self.advice.x + pad, self.advice.y + pad
        heading = app.text.render("Practise next", style, "caption", style.color("text_muted"), "bold")
        surface.blit(heading, (x, y))
        y += app.text.line_height(style, "caption", "bold") + style.space("xs")
        draw_lines(surface, app.text, style, self._advice_lines, x, y, "body", style.color("text"))

    def _draw_table(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        rect = self.table
        draw_panel(surface, rect, style, "surface", "border", radius=style.radius("l"))
        pad = style.space("l")
        x, y = rect.x + pad, rect.y + pad
        title = app.text.render("Grades by scenario", style, "subtitle", style.color("text"), "bold")
        surface.blit(title, (x, y))
        y += title.get_height() + style.space("s")
        badge = app.text.line_height(style, "body", "bold") + style.px(6)
        # Columns as wide as their headings, so "Best" and "Latest" never touch.
        col_w = max(badge, *(app.text.measure(h, style.font_px("caption"), "bold") for h in ("Best", "Latest")))
        col_latest = rect.right - pad - col_w
        col_best = col_latest - style.space("l") - col_w
        for label, cx in (("Best", col_best), ("Latest", col_latest)):
            img = app.text.render(label, style, "caption", style.color("text_muted"), "bold")
            surface.blit(img, (cx + col_w // 2 - img.get_width() // 2, y))
        y += app.text.line_height(style, "caption", "bold") + style.space("xs")
        rows = self.grade_rows()
        if not rows:
            empty = app.text.render("No attempts yet.", style, "body", style.color("text_muted"))
            surface.blit(empty, (x, y))
            return
        row_h = self._row_height()
        view = self.rows_view
        name_w = col_best - style.space("m") - x - (style.px(10) if view.scrollable else 0)
        with view.clip(surface):
            self._draw_rows(surface, rows, x, view.rect.y - view.offset, row_h, name_w, badge, col_w,
                            col_best, col_latest)
        view.draw_bar(surface, style)

    def _draw_rows(self, surface, rows, x, y, row_h, name_w, badge, col_w, col_best, col_latest) -> None:
        app, style = self.app, self.app.style
        view = self.rows_view
        for title_text, attempts, best, latest in rows:
            if y + row_h < view.rect.y or y > view.rect.bottom:
                y += row_h
                continue
            name = fit_text(app.ui, title_text, "body", name_w, "bold")
            surface.blit(app.text.render(name, style, "body", style.color("text"), "bold"), (x, y))
            count = app.text.render(f"{attempts} attempt{'s' if attempts != 1 else ''}", style, "caption",
                                    style.color("text_muted"))
            surface.blit(count, (x, y + app.text.line_height(style, "body", "bold") - style.px(2)))
            for grade, cx in ((best, col_best), (latest, col_latest)):
                center = (cx + col_w // 2, y + badge // 2)
                if grade:
                    draw_badge(surface, app.ui, center, grade, style.grade_color(grade),
                               style.color("text_inverse") if not style.high_contrast else style.color("accent_text"),
                               "body", badge)
                else:
                    dash = app.text.render("–", style, "body", style.color("text_muted"))
                    surface.blit(dash, (center[0] - dash.get_width() // 2, center[1] - dash.get_height() // 2))
            y += row_h

    def _draw_trends(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        rect = self.trends
        draw_panel(surface, rect, style, "surface", "border", radius=style.radius("l"))
        pad = style.space("l")
        x, y = rect.x + pad, rect.y + pad
        title = app.text.render("Skills across attempts", style, "subtitle", style.color("text"), "bold")
        surface.blit(title, (x, y))
        y += title.get_height() + style.space("s")
        trends = list(self.progress.trends.values()) if self.progress is not None else []
        if not trends:
            return
        label_w = rect.width * 2 // 5
        step = self._trend_step(len(trends))
        chart_h = max(0, step - style.space("s"))
        caption_h = app.text.line_height(style, "caption")
        y = self.trends_view.rect.y - self.trends_view.offset
        with self.trends_view.clip(surface):
            for trend in trends:
                surface.blit(app.text.render(trend.label, style, "body", style.color("text"), "bold"), (x, y))
                latest = trend.latest
                detail = "no score yet" if latest is None else f"latest {latest:.0f}"
                direction = DIRECTION.get(trend.direction, "")
                if direction:
                    detail += f" · {direction}"
                detail = fit_text(app.ui, detail, "caption", label_w - style.space("s"))
                surface.blit(app.text.render(detail, style, "caption", style.color("text_muted")),
                             (x, y + app.text.line_height(style, "body", "bold") - style.px(2)))
                chart = pygame.Rect(x + label_w, y, rect.right - pad - x - label_w, max(caption_h, chart_h))
                draw_trend_chart(surface, app.ui, chart, [p.score for p in trend.points],
                                 dates=[p.finished_at for p in trend.points])
                y += step
        self.trends_view.draw_bar(surface, style)
