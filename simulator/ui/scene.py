"""Scenes and the scene stack.

A scene handles semantic actions (`handle_event(action) -> bool`), advances animations
(`update(dt)`, time in seconds) and paints itself (`draw(surface)`, which must not change
state). Requests to push, pop or replace scenes are queued and applied between frames by
`SceneStack.apply_pending()`, so a scene never disappears while it is handling an event.
A pushed scene hands a typed result (ui/scene_result.py) to the scene below through the
`on_result` callback; scenes are built by name from ui/scene_registry.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import pygame

from simulator.ui.scene_result import CLOSED, RESULT_TYPES, SceneResult

if TYPE_CHECKING:
    from simulator.ui.app import App
    from simulator.ui.input import Action


class Scene:
    """Base class: override what you need. `opaque=False` draws the scenes below first."""

    opaque = True
    name = "scene"

    def __init__(self, app: "App") -> None:
        self.app = app

    def enter(self) -> None:
        """Called when the scene becomes the top scene (also after the one above pops)."""

    def layout(self, width: int, height: int) -> None:
        """Recompute rectangles for a window size or a new style (text size, contrast)."""

    def handle_event(self, action: "Action") -> bool:
        """React to one action; True when it was used (the scenes below do not see it)."""
        return False

    def update(self, dt: float) -> None:
        """Advance animations by `dt` seconds."""

    def draw(self, surface: pygame.Surface) -> None:
        """Paint the scene. Must not change any state."""

    def is_animating(self) -> bool:
        """True while something moves, so the app keeps drawing frames instead of sleeping."""
        return False

    @property
    def wants_text_input(self) -> bool:
        """True while a text field has focus: typed keys then arrive as text, not shortcuts."""
        return False


Callback = Callable[[SceneResult], None]


class SceneStack:
    """The scenes on screen, bottom to top, with changes queued until the frame ends."""

    def __init__(self) -> None:
        self._scenes: list[Scene] = []
        self._callbacks: list[Callback | None] = []
        self._pending: list[tuple[str, Scene | None, SceneResult, Callback | None]] = []

    # -- requests (applied later) --------------------------------------------------------
    def push(self, scene: Scene, on_result: Callback | None = None) -> None:
        """Put `scene` on top; `on_result(result)` runs when it pops."""
        self._pending.append(("push", scene, CLOSED, on_result))

    def pop(self, result: SceneResult = CLOSED) -> None:
        """Remove the top scene, giving `result` to whoever pushed it (TypeError unless it is
        one of ui/scene_result.py's types: no strings for the scene below to guess at)."""
        if not isinstance(result, RESULT_TYPES):
            raise TypeError(f"SceneStack.pop({result!r}): a scene's result is one of "
                            f"{', '.join(t.__name__ for t in RESULT_TYPES)} (simulator/ui/scene_result.py)")
        self._pending.append(("pop", None, result, None))

    def replace(self, scene: Scene) -> None:
        """Swap the top scene for `scene` (no result is delivered)."""
        self._pending.append(("replace", scene, CLOSED, None))

    def reset(self, scene: Scene) -> None:
        """Clear the whole stack and show `scene` alone."""
        self._pending.append(("reset", scene, CLOSED, None))

    # -- applying ----------------------------------------------------------------------
    def apply_pending(self, size: tuple[int, int]) -> bool:
        """Apply queued changes in order; returns True when anything changed."""
        applied = False
        while self._pending:
            op, scene, result, callback = self._pending.pop(0)
            applied = True
            if op == "pop":
                if not self._scenes:
                    continue
                self._scenes.pop()
                done = self._callbacks.pop()
                if done is not None:
                    done(result)
            elif op == "push" and scene is not None:
                self._scenes.append(scene)
                self._callbacks.append(callback)
                scene.layout(*size)
            elif op == "replace" and scene is not None:
                if self._scenes:
                    self._scenes.pop()
                    callback = self._callbacks.pop()
                self._scenes.append(scene)
                self._callbacks.append(callback)
                scene.layout(*size)
            elif op == "reset" and scene is not None:
                self._scenes.clear()
                self._callbacks.clear()
                self._scenes.append(scene)
                self._callbacks.append(None)
                scene.layout(*size)
            if self._scenes and not self._pending:
                self._scenes[-1].enter()
        return applied

    # -- queries -------------------------------------------------------------------------
    @property
    def top(self) -> Scene | None:
        return self._scenes[-1] if self._scenes else None

    @property
    def scenes(self) -> tuple[Scene, ...]:
        return tuple(self._scenes)

    def __len__(self) -> int:
        return len(self._scenes)

    def find(self, kind: type) -> Scene | None:
        """The topmost scene of a class, or None."""
        for scene in reversed(self._scenes):
            if isinstance(scene, kind):
                return scene
        return None

    def visible(self) -> list[Scene]:
        """Scenes to draw, bottom first: from the topmost opaque scene upward."""
        start = 0
        for index in range(len(self._scenes) - 1, -1, -1):
            if self._scenes[index].opaque:
                start = index
                break
        return self._scenes[start:]

    # -- frame -------------------------------------------------------------------------
    def handle(self, action: "Action") -> bool:
        """Offer an action to the top scene only: overlays are modal."""
        top = self.top
        return bool(top and top.handle_event(action))

    def update(self, dt: float) -> None:
        for scene in self.visible():
            scene.update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        visible = self.visible()
        for scene in visible:
            # Scenes under a modal draw without their focus ring: focus is in the modal.
            style = scene.app.style
            style.show_focus = scene is visible[-1]
            try:
                scene.draw(surface)
            finally:
                style.show_focus = True

    def relayout(self, width: int, height: int) -> None:
        for scene in self._scenes:
            scene.layout(width, height)

    def is_animating(self) -> bool:
        return any(scene.is_animating() for scene in self.visible())
