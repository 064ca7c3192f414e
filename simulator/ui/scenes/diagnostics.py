"""A scenario file's problems, formatted like `customer-sim validate`, with F5 to retry.

Shown when a trainer opens a broken card in the picker, and when F5 during a conversation
finds the file no longer valid. Fixing the file and pressing F5 continues.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pygame

from simulator.ui import input as act
from simulator.ui.library import ScenarioEntry
from simulator.ui.scene import Scene
from simulator.ui.scene_result import CLOSED, FileFixed
from simulator.ui.text import block_height, draw_lines
from simulator.ui.widgets.base import FocusGroup, draw_panel
from simulator.ui.widgets.button import Button
from simulator.ui.widgets.chrome import content_rect, draw_footer, draw_header
from simulator.ui.widgets.scroll import ScrollView


def display_path(path: str | Path, base: Path | None = None) -> str:
    """A path as short as it can be while still telling the trainer which file it is."""
    path = Path(path)
    for root in (Path.cwd(), base):
        if root is not None:
            try:
                return str(path.resolve().relative_to(root.resolve()))
            except ValueError:
                continue
    return str(path)


def diagnostics_text(entry: ScenarioEntry, base: Path | None = None) -> str:
    """The entry's diagnostics in the validator's format, with short paths (never raises)."""
    diagnostics = [replace(d, path=display_path(d.path, base)) for d in entry.diagnostics]
    from simulator.scenario.safe_read import ReadRefused, read_capped
    from simulator.scenario.yaml_source import MAX_BYTES

    sources: dict[str, str] = {}
    for original, shown in zip(entry.diagnostics, diagnostics):
        if shown.path in sources:
            continue
        try:  # at most the size cap, regular files only: a 1 GiB file or a FIFO once froze the game
            data = read_capped(original.path, MAX_BYTES, whole=False)
        except ReadRefused:
            data = b""
        sources[shown.path] = data.decode("utf-8", errors="replace")
    try:
        from simulator.scenario.formatting import format_diagnostics

        return format_diagnostics(diagnostics, sources) or "No details were reported."
    except Exception:  # the formatter is another helper's code: fall back to one line each
        return "\n".join(d.heading for d in diagnostics) or "No details were reported."


class DiagnosticsScene(Scene):
    """Scrollable diagnostics for one file. Pops FileFixed(entry) when F5 finds it valid, CLOSED on Back."""

    name = "diagnostics"

    def __init__(self, app, entry: ScenarioEntry, intro: str = "") -> None:
        super().__init__(app)
        self.entry = entry
        self.intro = intro or "This scenario cannot be played until these problems are fixed in its file."
        self.reload_button = Button("Reload file", self.reload, kind="primary", hint="F5", name="reload")
        self.back_button = Button("Back", self.back, hint="Esc", name="back")
        self.focus = FocusGroup([self.reload_button, self.back_button], horizontal=True)
        self.view = ScrollView(keys=True)
        self.view.arrow_keys = True
        self.card = pygame.Rect(0, 0, 0, 0)
        self._lines: tuple[str, ...] = ()
        self._intro: tuple[str, ...] = ()

    def reload(self) -> None:
        entry = self.app.library.reload_entry(self.entry.path)
        if entry.ok:
            # the scene below may carry on with it (and say so in its own words, over this)
            self.app.notify(f"{entry.path.name} loads cleanly now.")
            self.app.stack.pop(FileFixed(entry))
            return
        self.entry = entry
        self.intro = f"Reloaded {entry.path.name} from disk: it still has the problems below."
        self.layout(*self.app.size)

    def back(self) -> None:
        self.app.stack.pop(CLOSED)

    def layout(self, width: int, height: int) -> None:
        app, style = self.app, self.app.style
        self.card = content_rect(app.ui, width, height)
        pad = style.space("l")
        button_h = self.back_button.preferred_height(app.ui)
        y = self.card.bottom - pad - button_h
        w1 = max(self.reload_button.preferred_width(app.ui), style.px(170))
        w2 = max(self.back_button.preferred_width(app.ui), style.px(120))
        self.back_button.rect = pygame.Rect(self.card.right - pad - w2, y, w2, button_h)
        self.reload_button.rect = pygame.Rect(self.back_button.rect.x - style.space("m") - w1, y, w1, button_h)
        inner_w = self.card.width - 2 * pad
        self._intro = app.text.wrap(self.intro, style, "body", inner_w)
        intro_h = block_height(app.text, style, len(self._intro), "body")
        top = self.card.y + pad + intro_h + style.space("m")
        self.view.rect = pygame.Rect(self.card.x + pad, top, inner_w, y - style.space("m") - top)
        self._lines = app.text.wrap(diagnostics_text(self.entry, self._base()), style, "caption",
                                    inner_w - style.space("l"), "mono")
        self.view.line_step = app.text.line_height(style, "caption", "mono")
        self.view.set_content(block_height(app.text, style, len(self._lines), "caption", "mono", 1.15)
                              + style.space("m"))

    def _base(self) -> Path:
        source = self.app.library.source
        return source.parent if source.is_dir() else source.parent.parent

    def handle_event(self, action) -> bool:
        if action.kind == act.BACK:
            self.back()
            return True
        if action.kind == act.RELOAD:
            self.reload()
            return True
        if self.view.handle(action):
            return True
        return self.focus.handle(action)

    def draw(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        draw_header(surface, app.ui, f"Problems in {self.entry.path.name}",
                    display_path(self.entry.path.parent, self._base()), app.profile or "Guest")
        draw_panel(surface, self.card, style, "surface", "danger", radius=style.radius("l"), border_width=2)
        pad = style.space("l")
        draw_lines(surface, app.text, style, self._intro, self.card.x + pad, self.card.y + pad, "body",
                   style.color("text"))
        draw_panel(surface, self.view.rect, style, "surface_sunken", None, radius=style.radius("s"))
        with self.view.clip(surface):
            draw_lines(surface, app.text, style, self._lines, self.view.rect.x + style.space("s"),
                       self.view.rect.y + style.space("s") - self.view.offset, "caption", style.color("text"),
                       "mono", 1.15)
        self.view.draw_bar(surface, style)
        focused = self.focus.focused
        for button in (self.reload_button, self.back_button):
            button.draw(surface, app.ui, focused is button)
        draw_footer(surface, app.ui, [("F5", "Reload after fixing"), ("PgUp/PgDn", "Scroll"), ("Esc", "Back")])
