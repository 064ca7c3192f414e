"""Sleep until input arrives, without waking a thousand times a second.

`pygame.event.wait(timeout)` in pygame-ce is a loop of "pump events, look, sleep 1 ms": an
idle window still wakes ~1000 times a second (measured 2 % of one core under Xvfb). SDL's
own `SDL_WaitEventTimeout` blocks on the window system's connection instead (X11, Wayland,
Windows and Cocoa all have a real wait in SDL >= 2.0.16), and with a NULL event it leaves
the event in the queue for `pygame.event.get()` to read as usual.

So `native_waiter()` finds the SDL library pygame itself loaded (never a second copy) and
returns a function `wait(ms) -> bool`; when that is not possible it returns None and the
caller sleeps in short steps instead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from typing import Callable

log = logging.getLogger(__name__)


def _loaded_sdl_path() -> str | None:
    """The path of the SDL2 library already mapped into this process (Linux), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.rstrip("\n").split(" ")[-1]
                name = path.rsplit("/", 1)[-1]
                if name.startswith("libSDL2") and not name.startswith("libSDL2_"):  # not _ttf, _image…
                    return path
    except OSError:
        return None
    return None


def _library() -> ctypes.CDLL | None:
    path = _loaded_sdl_path()
    if path is not None:
        return ctypes.CDLL(path)
    if sys.platform == "win32":
        try:  # pygame's own SDL2.dll is already loaded: this returns that module
            return ctypes.WinDLL("SDL2")  # type: ignore[attr-defined]
        except OSError:
            return None
    if sys.platform == "darwin":
        try:  # symbols of libraries already loaded (pygame's bundled SDL2)
            process = ctypes.CDLL(None)
            process.SDL_WaitEventTimeout  # noqa: B018 - raises AttributeError when absent
            return process
        except (OSError, AttributeError):
            return None
    return None


def native_waiter() -> Callable[[int], bool] | None:
    """`wait(ms)`: block until an event is queued or `ms` pass; True when one is queued.
    None when SDL cannot be reached this way (then poll in short sleeps)."""
    try:
        sdl = _library()
        if sdl is None:
            return None
        function = sdl.SDL_WaitEventTimeout
    except (OSError, AttributeError) as error:
        log.debug("no native event wait: %s", error)
        return None
    function.argtypes = [ctypes.c_void_p, ctypes.c_int]
    function.restype = ctypes.c_int

    def wait(ms: int) -> bool:
        return bool(function(None, int(ms)))

    return wait
