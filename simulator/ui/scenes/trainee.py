"""The trainee card (from the picker): rename the trainee, or delete them after a confirmation.

Deleting asks once more and offers the two things a trainer may want: keep the trainee's
attempts in the records (the team lead's exports still have them) or remove them too.
A deleted trainee goes back to the start screen; a rename stays on the picker.
"""

from __future__ import annotations

import pygame

from simulator.ui import input as act
from simulator.ui.profiles import MAX_NAME, ProfileError
from simulator.ui.scene_registry import make_scene
from simulator.ui.scene_result import CLOSED, TraineeChange
from simulator.ui.scenes.overlays import OverlayScene
from simulator.ui.text import block_height, draw_lines
from simulator.ui.widgets.base import FocusGroup
from simulator.ui.widgets.button import Button
from simulator.ui.widgets.text_field import TextField


class TraineeScene(OverlayScene):
    """Rename or delete the current trainee. Esc closes (or steps back from the confirmation)."""

    name = "trainee"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.trainee = app.profile or ""
        self.field = TextField("Trainee's name", self._rename, max_length=MAX_NAME)
        self.field.value = self.trainee
        self.rename = Button("Rename", lambda: self._rename(self.field.value), kind="primary", name="rename")
        self.delete = Button("Delete this trainee…", self._ask, kind="danger", name="delete")
        self.close = Button("Close", lambda: self.app.stack.pop(CLOSED), kind="ghost", hint="Esc", name="close")
        self.keep = Button("Delete, keep their attempts in the records", lambda: self._delete(True),
                           kind="danger", name="delete-keep")
        self.remove = Button("Delete with all their attempts", lambda: self._delete(False), kind="danger",
                             name="delete-all")
        self.cancel = Button("Cancel", self._back, kind="secondary", hint="Esc", name="cancel")
        self.confirming = False
        self.error = ""
        self.focus = FocusGroup([self.field, self.rename, self.delete, self.close])

    @property
    def title(self) -> str:  # type: ignore[override]
        # one line of title type: the name (up to 64 wide characters) is in the wrapped text below
        return "Delete this trainee?" if self.confirming else "Trainee"

    @property
    def buttons(self) -> list:
        return ([self.keep, self.remove, self.cancel] if self.confirming
                else [self.field, self.rename, self.delete, self.close])

    @property
    def wants_text_input(self) -> bool:
        return not self.confirming and self.focus.focused is self.field

    def _message(self) -> str:
        if self.confirming:
            return (f"{self.trainee}'s settings and grades leave this list. Their past attempts can stay in "
                    "the records for your team lead's reports, or be removed for good.")
        return "Change the name, or delete this trainee."

    # -- actions -----------------------------------------------------------------------
    def _rename(self, typed: str) -> None:
        try:
            new = self.app.store.rename_profile(self.trainee, typed)
        except ProfileError as error:
            self.error = str(error)  # shown in place of the card's text, wrapped like it
            self.layout(*self.app.size)
            return
        if new != self.trainee:
            self.app.profile = new
            self.app.store.remember_last(new)
            old = self._quotable(self.trainee)
            self.app.notify(f"Renamed {old} to {new}." if old else f"Renamed: you are now {new}.")
        self.app.stack.pop(TraineeChange.RENAMED)

    def _ask(self) -> None:
        self.confirming, self.error = True, ""
        self.focus.set_items(self.buttons, keep=False)
        self.focus.focus(self.cancel)  # Enter right after "Delete…" must not delete
        self.layout(*self.app.size)

    def _back(self) -> None:
        self.confirming = False
        self.focus.set_items(self.buttons, keep=False)
        self.focus.focus(self.delete)
        self.layout(*self.app.size)

    def _delete(self, keep_history: bool) -> None:
        name = self.trainee
        self.app.store.delete_profile(name, keep_history=keep_history)
        self.app.profile = None
        self.app.requested_profile = None  # else the start screen would open (and re-create) them again
        self.app.stack.reset(make_scene("start", self.app))
        kept = "Their attempts stay in the records." if keep_history else "Their attempts were removed."
        quoted = self._quotable(name)
        self.app.notify(f"Deleted {quoted}. {kept}" if quoted else f"Deleted the trainee. {kept}")

    def _quotable(self, name: str) -> str | None:
        """`name` when a notice can quote it whole: a name wider than a third of the window
        (the records allow 64 wide characters) would push the banner past its three lines,
        and a notice cut short says nothing for good - the trainee has just seen the name."""
        px = self.app.style.font_px("body")
        return name if self.app.text.measure(name, px) <= self.app.size[0] // 3 else None

    # -- scene -------------------------------------------------------------------------
    def _text_lines(self, width: int) -> list[str]:
        shown = self.error if self.error and not self.confirming else self._message()
        return self.app.text.wrap(shown, self.app.style, "body", max(8, width))

    def card_size(self, width: int, height: int) -> tuple[int, int]:
        app, style = self.app, self.app.style
        w = min(style.px(560), width - 40)
        pad = style.space("l")
        button_h = self.rename.preferred_height(app.ui)
        lines = self._text_lines(w - 2 * pad)
        h = (2 * pad + app.text.line_height(style, "title", "bold") + style.space("m")
             + block_height(app.text, style, len(lines), "body") + style.space("m")
             + len(self.buttons) * (button_h + style.space("s")))
        return w, min(h, height - 40)

    def layout(self, width: int, height: int) -> None:
        super().layout(width, height)
        app, style = self.app, self.app.style
        pad = style.space("l")
        lines = self._text_lines(self.card.width - 2 * pad)
        y = (self.card.y + pad + app.text.line_height(style, "title", "bold") + style.space("m")
             + block_height(app.text, style, len(lines), "body") + style.space("m"))
        button_h = self.rename.preferred_height(app.ui)
        for item in self.buttons:
            item.rect = pygame.Rect(self.card.x + pad, y, self.card.width - 2 * pad, button_h)
            y += button_h + style.space("s")

    def handle_event(self, action) -> bool:
        if action.kind == act.BACK:
            self._back() if self.confirming else self.app.stack.pop(CLOSED)
            return True
        if self.wants_text_input and self.field.handle(action):
            if self.error:
                self.error = ""
                self.layout(*self.app.size)
            return True
        self.focus.handle(action)
        return True  # modal: nothing reaches the picker underneath

    def hints(self) -> list[tuple[str, str]]:
        return [("↑↓", "Move"), ("Enter", "Choose"), ("Esc", "Back" if self.confirming else "Close")]

    def draw(self, surface: pygame.Surface) -> None:
        app, style = self.app, self.app.style
        y = self.draw_frame(surface)
        pad = style.space("l")
        color = style.color("danger") if self.error and not self.confirming else style.color("text_muted")
        draw_lines(surface, app.text, style, self._text_lines(self.card.width - 2 * pad), self.card.x + pad, y,
                   "body", color)
        focused = self.focus.focused
        for item in self.buttons:
            item.draw(surface, app.ui, focused is item)
