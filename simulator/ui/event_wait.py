"""Sleep until input arrives, without waking a thousand times a second.

`pygame.event.wait(timeout)` in pygame-ce is a loop of "pump events, look, sleep 1 ms": an
idle window still wakes ~1000 times a second (measured 2 % of one core under Xvfb). SDL's
own `SDL_WaitEventTimeout` blocks on the window system's connection instead (X11, Wayland,
Windows and Cocoa all have a real wait in SDL >= 2.0.16), and with a NULL event it leaves
the event in the queue for `pygame.event.get()` to read as usual.

So `native_waiter()` finds the SDL library pygame itself loaded (never a second copy) and
returns a function `wait(ms) -> bool`; when that is not possible it returns None and the
caller sleeps in short steps instead.

A wait with no time limit (`wait(-1)`) has one gap: Ctrl+C in the terminal. Python's SIGINT
handler only notes the signal, SDL's poll restarts after it, and the KeyboardInterrupt would
wait for the next window event. `signals_wake(wake)` closes it: Python writes every signal it
handles to a socket (signal.set_wakeup_fd), a thread blocked on that socket calls `wake()`
(post an event), the wait returns and the interrupt is raised as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import signal
import socket
import sys
import threading
from typing import Callable, Iterator

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
    """`wait(ms)`: block until an event is queued or `ms` pass (`ms` < 0: no time limit); True
    when one is queued. None when SDL cannot be reached this way (then poll in short sleeps)."""
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


@contextlib.contextmanager
def signals_wake(wake: Callable[[], None]) -> Iterator[bool]:
    """`with signals_wake(post_an_event) as woken:` while inside, every signal Python handles
    (SIGINT) also calls `wake()` from a helper thread, so an event wait with no time limit
    returns and Python can raise the KeyboardInterrupt. `woken` is False when that could not
    be arranged (not the main thread, or someone else's wakeup fd, e.g. asyncio's): then wait
    with a time limit, as signals are only seen between waits."""
    try:
        reader, writer = socket.socketpair()
    except OSError:
        yield False
        return
    writer.setblocking(False)  # set_wakeup_fd needs it: a full socket must not block the handler
    try:
        previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    except (ValueError, OSError):  # only the main thread may set it
        previous = None
    if previous != -1:
        if previous is not None:
            signal.set_wakeup_fd(previous)  # put theirs back: it is not ours to take
        reader.close()
        writer.close()
        yield False
        return

    def forward() -> None:
        # blocks in recv (no wake-ups of its own); b"" once `writer` is closed on the way out
        while True:
            try:
                if not reader.recv(64):
                    return
            except OSError:
                return
            try:
                wake()
            except Exception:  # noqa: BLE001 - pygame already shut down: nobody waits any more
                log.debug("signal wake-up not delivered", exc_info=True)

    thread = threading.Thread(target=forward, name="customer-sim-signal-wake", daemon=True)
    thread.start()
    try:
        yield True
    finally:
        signal.set_wakeup_fd(-1)
        writer.close()
        thread.join(1.0)
        reader.close()
