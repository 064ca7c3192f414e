"""What a widget draws and measures with: the text renderer, the style, the banner on screen.

Widgets take this, never the whole App, so they cannot reach sessions, records or the scene
stack, and a test can build one from a renderer and a style alone. The app keeps one
`WidgetContext` (`App.ui`) and updates it in place when the style is rebuilt (resize, text
size, contrast) or a notice changes, so a scene can hand out `app.ui` at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.ui.text import TextRenderer
    from simulator.ui.theme import Style

Notice = tuple[str, str]  # (message, kind: info | warning | error)


@dataclass(slots=True)
class WidgetContext:
    """The renderer and style widgets use, and the notice the chrome draws (None: none)."""

    text: "TextRenderer | None" = None
    style: "Style | None" = None
    notice: Notice | None = None
