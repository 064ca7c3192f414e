"""One adapter from raw pygame events to semantic actions.

Scenes never look at key codes: they get `Action("choose", number=3)` or
`Action("click", pos=(x, y))`, so keyboard, mouse and tests drive the same code paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

# Kinds of action a scene may receive.
QUIT, RESIZE, REDRAW = "quit", "resize", "redraw"
UP, DOWN, LEFT, RIGHT = "up", "down", "left", "right"
CONFIRM, BACK, NEXT, PREV = "confirm", "back", "next_focus", "prev_focus"
CHOOSE, PAGE_UP, PAGE_DOWN, HOME, END = "choose", "page_up", "page_down", "home", "end"
RELOAD, TRANSCRIPT, FULLSCREEN = "reload", "transcript", "fullscreen"
PROGRESS = "progress"
OPEN_FOLDER = "open_folder"  # the picker: show the user's scenario folder
SETTINGS, TRAINEE = "settings", "trainee"  # the picker: settings; rename or delete the trainee
TEXT, BACKSPACE, KEY = "text", "backspace", "key"
POINTER, PRESS, CLICK, SCROLL = "pointer", "press", "click", "scroll"


@dataclass(frozen=True, slots=True)
class Action:
    """A semantic input. `from_key` / `from_pointer` tell where it came from."""

    kind: str
    number: int = 0  # CHOOSE: the digit pressed, 0-9 (a list's numbers are 1-based; 0 only ends "10", "20")
    pos: tuple[int, int] = (0, 0)  # pointer actions: window coordinates
    amount: int = 0  # SCROLL: lines, positive = down
    text: str = ""  # TEXT: the typed characters
    size: tuple[int, int] = (0, 0)  # RESIZE: new window size
    from_key: bool = False
    from_pointer: bool = False

    @property
    def is_skip(self) -> bool:
        """Any key or click: completes an animation such as the typewriter."""
        return self.from_key or self.kind in (PRESS, CLICK)


_KEYS = {
    pygame.K_UP: UP, pygame.K_DOWN: DOWN, pygame.K_LEFT: LEFT, pygame.K_RIGHT: RIGHT,
    pygame.K_RETURN: CONFIRM, pygame.K_KP_ENTER: CONFIRM, pygame.K_ESCAPE: BACK,
    pygame.K_PAGEUP: PAGE_UP, pygame.K_PAGEDOWN: PAGE_DOWN, pygame.K_HOME: HOME,
    pygame.K_END: END, pygame.K_F5: RELOAD, pygame.K_F11: FULLSCREEN,
    pygame.K_BACKSPACE: BACKSPACE,
}
# Keys that type characters: in text mode they arrive as TEXTINPUT instead.
_TYPING_KEYS = {pygame.K_SPACE: CONFIRM, pygame.K_t: TRANSCRIPT, pygame.K_p: PROGRESS,
                pygame.K_o: OPEN_FOLDER, pygame.K_s: SETTINGS, pygame.K_n: TRAINEE}
# 0 too: the replay list's turns 10, 20, ... are typed as two digits (ui/typed_number.py)
_DIGITS = {getattr(pygame, f"K_{n}"): n for n in range(10)}
_DIGITS.update({getattr(pygame, f"K_KP{n}"): n for n in range(10)})


class InputAdapter:
    """Turns pygame events into Actions. `text_mode` is on while a text field has focus."""

    def __init__(self) -> None:
        self.text_mode = False
        self.pointer = (0, 0)

    def translate(self, event: pygame.event.Event) -> Action | None:
        """The action for one event, or None when the event means nothing to a scene."""
        kind = event.type
        if kind == pygame.QUIT:
            return Action(QUIT)
        if kind == pygame.VIDEORESIZE:
            return Action(RESIZE, size=(int(event.w), int(event.h)))
        if kind == pygame.WINDOWEXPOSED or kind == pygame.WINDOWRESTORED:
            return Action(REDRAW)
        if kind == pygame.KEYDOWN:
            return self._key(event)
        if kind == pygame.TEXTINPUT:
            return Action(TEXT, text=str(event.text), from_key=True) if self.text_mode else None
        if kind == pygame.MOUSEMOTION:
            self.pointer = tuple(event.pos)  # type: ignore[assignment]
            return Action(POINTER, pos=self.pointer, from_pointer=True)
        if kind == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.pointer = tuple(event.pos)  # type: ignore[assignment]
            return Action(PRESS, pos=self.pointer, from_pointer=True)
        if kind == pygame.MOUSEBUTTONUP and event.button == 1:
            self.pointer = tuple(event.pos)  # type: ignore[assignment]
            return Action(CLICK, pos=self.pointer, from_pointer=True)
        if kind == pygame.MOUSEWHEEL:
            # Wheel events carry no position: use the last pointer position we saw.
            return Action(SCROLL, pos=self.pointer, amount=-int(event.y) * 3, from_pointer=True)
        return None

    def _key(self, event: pygame.event.Event) -> Action:
        key = event.key
        shift = bool(getattr(event, "mod", 0) & pygame.KMOD_SHIFT)
        if key == pygame.K_TAB:
            return Action(PREV if shift else NEXT, from_key=True)
        if key in _KEYS:
            return Action(_KEYS[key], from_key=True)
        if not self.text_mode:
            if key in _DIGITS:
                return Action(CHOOSE, number=_DIGITS[key], from_key=True)
            if key in _TYPING_KEYS:
                return Action(_TYPING_KEYS[key], from_key=True)
        return Action(KEY, from_key=True)
