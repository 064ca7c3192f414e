"""The game application: window, style, scene stack and a frame loop that sleeps when idle.

The loop draws only when something changed. While nothing moves it blocks in SDL's own
event wait (simulator/ui/event_wait.py; pygame's `event.wait` wakes every millisecond) with
no time limit (`idle_wait_ms`), so an idle game does not wake at all until input arrives;
while text types or the face eases it runs at up to 60 frames per second with `dt` from the
real clock.

Tests and benchmarks drive the same code without `run()`: `open()`, then `feed(events)` /
`advance(seconds)` process events and frames deterministically.
"""

from __future__ import annotations

import logging
import math
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import pygame

from simulator.engine.session_protocol import ConversationSession, TurnFeed
from simulator.paths import DATA_DIR
from simulator.ui import input as act
from simulator.ui.conversation_events import ConversationEvent
from simulator.ui.face import FaceRenderer
from simulator.ui.input import Action, InputAdapter
from simulator.ui.library import ScenarioLibrary
from simulator.ui.profiles import MemoryProfileStore, ProfileStore
from simulator.ui.records_link import Records, RecordsOff
from simulator.ui.scene import Scene, SceneStack
from simulator.ui.settings import Settings
from simulator.ui.speech import Speech
from simulator.ui.text import TextRenderer
from simulator.ui.theme import Style, ThemeData, load_theme, window_scale
from simulator.ui.widgets.context import Notice, WidgetContext

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

TITLE = "Customer Challenge Simulator"
MIN_SIZE = (1024, 640)
# Longest idle sleep when a signal cannot end the wait itself (event_wait.signals_wake): Ctrl+C
# is then seen within this. Otherwise an idle wait has no time limit: every wake-up of a
# process asleep for a second costs ~20 ms of CPU on a VM (cold caches), 2 % of a core at 1 Hz.
IDLE_WAIT_MS = 1000
IDLE_POLL_S = 0.016  # headless drivers only: how often to look for input while idle
FPS = 60
SessionListener = Callable[[ConversationEvent, ConversationSession, Any], None]
NEW_ATTEMPT = "new attempt"  # App.new_session(seed=...) default: draw a fresh reply-order seed


def _post_wake_event() -> None:
    """From event_wait.signals_wake's thread: an event that ends the idle wait (and means
    nothing to a scene: InputAdapter.translate ignores it) so Python can act on the signal."""
    pygame.event.post(pygame.event.Event(pygame.USEREVENT, wake="signal"))


def default_window_size() -> tuple[int, int]:
    """A 16:9 window about three quarters of the desktop: bigger (so scaled up) on high-DPI."""
    try:
        desktop_w, desktop_h = pygame.display.get_desktop_sizes()[0]
    except (pygame.error, IndexError):
        return 1280, 720
    width = max(MIN_SIZE[0], min(int(desktop_w * 0.75), 2560))
    height = max(MIN_SIZE[1], min(int(width * 9 / 16), int(desktop_h * 0.85)))
    return width, height


class App:
    """One game window. Construct cheaply; `open()` creates the window, `run()` plays."""

    def __init__(self, source: Path | list, *, store: ProfileStore | None = None, profile: str | None = None,
                 size: tuple[int, int] | None = None, fullscreen: bool | None = None,
                 data_dir: Path = DATA_DIR, speech: Speech | None = None,
                 high_contrast: bool | None = None, ui_scale: float = 1.0,
                 rng: "np.random.Generator | None" = None, shuffle_replies: bool = True) -> None:
        # one file or folder, or the list of sources (shipped, user, --scenarios): see ui/library.py
        self.library = ScenarioLibrary(source if isinstance(source, (list, tuple)) else Path(source), data_dir)
        self.source = self.library.source
        # Every attempt's reply order is shuffled from a seed drawn here (never the global RNG);
        # tests and screenshots pass a seeded Generator, or shuffle_replies=False for file order.
        # Made on first use: importing numpy before the first frame would cost the start-up budget.
        self._rng = rng
        self.shuffle_replies = shuffle_replies
        self.store: ProfileStore = store if store is not None else MemoryProfileStore()
        self.requested_profile = profile
        self.requested_size = size
        self.ui_scale = ui_scale
        self.profile: str | None = None
        self.settings = Settings()
        self._overrides = {"fullscreen": fullscreen, "high_contrast": high_contrast}
        self.speech = speech if speech is not None else Speech(enabled=False)
        self.stack = SceneStack()
        self.input = InputAdapter()
        self.running = False
        self.window: pygame.Surface | None = None
        self.theme: ThemeData | None = None
        # what widgets draw with (text renderer, style, notice): `style`, `text` and `notice`
        # below read and write it, so widgets never need the App itself
        self.ui = WidgetContext()
        self.faces = FaceRenderer()
        self.active_session: ConversationSession | None = None  # the conversation on screen
        self.active_entry = None
        self.frames = 0
        self.first_frame_at: float | None = None
        self._windowed_size = size or (1280, 720)
        self._dirty = True
        self._listeners: list[SessionListener] = []
        self._native_wait: Any = None  # event_wait.native_waiter() once looked up (False: none)
        self._signals_wake = False  # True inside run() when Ctrl+C can end an idle wait itself
        # Where sessions come from and whether attempts are saved: RecordsOff until
        # records_link.attach_records puts a RecordsLink here. Never None, so screens ask it
        # (`records.enabled`, `records.reason`) instead of probing for it.
        self.records: Records = RecordsOff()
        # Every reply is played through this feed; the records subscribe to it and save each
        # TurnPlayed before the next frame (engine/session_protocol.py).
        self.turns = TurnFeed()

    # ------------------------------------------------------------------ widget context
    @property
    def style(self) -> Style | None:
        return self.ui.style

    @style.setter
    def style(self, style: Style | None) -> None:
        self.ui.style = style

    @property
    def text(self) -> TextRenderer | None:
        return self.ui.text

    @text.setter
    def text(self, text: TextRenderer | None) -> None:
        self.ui.text = text

    @property
    def notice(self) -> Notice | None:
        """The banner on screen: (message, kind: info|warning|error), or None."""
        return self.ui.notice

    # ------------------------------------------------------------------ set-up
    def open(self) -> None:
        """Create the window, fonts and the first scene (the Start screen)."""
        # Every pixel is drawn on the CPU, so the window only needs a plain framebuffer. Left
        # to itself SDL puts an OpenGL (or Direct3D/Metal) renderer behind the window surface:
        # with a software GL (Mesa + LLVM, e.g. under Xvfb or a VM) that alone is ~110 MB
        # resident at 1920x1080. setdefault: a player can still ask for it in the environment.
        os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption(TITLE)
        self.theme = load_theme()
        if self.requested_size is None:
            self._windowed_size = default_window_size()
        self._apply_profile_settings(self.requested_profile or self.store.last_profile(), select=False)
        self._set_display_mode()
        self.text = TextRenderer(self.theme)
        self._rebuild_style()
        self._set_icon()
        from simulator.ui.scene_registry import make_scene

        self.stack.reset(make_scene("start", self))
        self.stack.apply_pending(self.size)
        self._sync_text_input()
        self.running = True

    def _set_icon(self) -> None:
        try:
            pygame.display.set_icon(self.faces.surface(self.style, 64, 0.5, 0.1))
        except pygame.error:
            pass

    def _set_display_mode(self) -> None:
        if self.settings.fullscreen:
            self.window = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            self.window = pygame.display.set_mode(self._windowed_size, pygame.RESIZABLE)
            try:
                import warnings

                with warnings.catch_warnings():  # only the size limit is set on this handle
                    warnings.simplefilter("ignore", DeprecationWarning)
                    pygame.Window.from_display_module().minimum_size = MIN_SIZE
            except (AttributeError, pygame.error):
                pass

    @property
    def size(self) -> tuple[int, int]:
        return self.window.get_size() if self.window is not None else self._windowed_size

    def _rebuild_style(self) -> None:
        width, height = self.size
        scale = window_scale(self.theme, width, height) * self.ui_scale
        multiplier = self.theme.text_sizes.get(self.settings.text_size, 1.0)
        palette = "high_contrast" if self.settings.high_contrast else "normal"
        self.style = Style(self.theme, palette, scale, multiplier)
        self.faces = FaceRenderer()
        if self.text is not None:
            self.text.clear()
        self.speech.enabled = self.settings.speech
        self._dirty = True

    # ------------------------------------------------------------------ profiles & settings
    def _apply_profile_settings(self, name: str | None, select: bool) -> None:
        stored: dict = {}
        if name and name in self.store.list_profiles():
            stored = self.store.load_settings(name)
            if select:
                self.profile = name
                self.store.remember_last(name)
                if not stored:
                    # A trainee with nothing saved keeps what is on screen: a text size or
                    # contrast chosen on the start screen before adding their name would
                    # otherwise snap back to the defaults. Command-line overrides stay unsaved.
                    stored = {key: value for key, value in self.settings.to_dict().items()
                              if self._overrides.get(key) is None}
                    self.store.save_settings(name, stored)
        self.settings = Settings.from_dict(stored)
        for key, value in self._overrides.items():
            if value is not None:
                setattr(self.settings, key, value)

    def select_profile(self, name: str) -> None:
        """Make `name` the trainee: load their settings and apply them."""
        before = (self.settings.fullscreen, self.settings.high_contrast, self.settings.text_size)
        self._apply_profile_settings(name, select=True)
        self.apply_settings(self.settings, save=False, previous=before)

    def apply_settings(self, settings: Settings, save: bool = True,
                       previous: tuple | None = None) -> None:
        """Use new settings now (re-laying out every scene) and store them for the profile."""
        old = previous or (self.settings.fullscreen, self.settings.high_contrast, self.settings.text_size)
        self.settings = settings.copy()
        if self.window is not None and old[0] != self.settings.fullscreen:
            self._set_display_mode()
        self._rebuild_style()
        self.stack.relayout(*self.size)
        if save and self.profile:
            self.store.save_settings(self.profile, self.settings.to_dict())

    # ------------------------------------------------------------------ sessions (for records)
    @property
    def rng(self) -> "np.random.Generator":
        """The Generator attempt seeds come from (an unseeded one unless the caller passed one)."""
        if self._rng is None:
            import numpy as np

            self._rng = np.random.default_rng()
        return self._rng

    def attempt_seed(self) -> int | None:
        """A fresh reply-order seed for a new attempt (None when shuffling is off)."""
        from simulator.engine.shuffle import new_seed

        return new_seed(self.rng) if self.shuffle_replies else None

    def new_session(self, entry: Any, choices: list[int] | tuple[int, ...] = (),
                    seed: int | None | str = NEW_ATTEMPT) -> ConversationSession:
        """A session for a library entry with `choices` (0-based shown positions) already played.

        A new attempt gets a fresh seed; a replay or reload passes the old session's `seed`
        so the replies come back in the order they were shown."""
        if seed == NEW_ATTEMPT:
            seed = self.attempt_seed()
        catalog = entry.catalog or self.library.catalog
        live = self.active_session
        if live is not None and self._continues(live, entry, choices, seed):
            # F5 re-read the file: same replies in the same order on the same scenario is the
            # same attempt going on, not a new one ("3 attempts" for one play otherwise)
            return self.records.continue_session(live, entry.scenario, catalog, list(choices), seed=seed)
        return self.records.new_session(entry.scenario, catalog, list(choices), seed=seed)

    def _continues(self, live: ConversationSession, entry: Any, choices: Any, seed: int | None) -> bool:
        """Is a session for (entry, choices, seed) the live unfinished conversation carried on?"""
        if self.active_entry is None or live.result is not None:
            return False
        return (Path(self.active_entry.path) == Path(entry.path) and live.seed == seed
                and list(live.choices) == list(choices))

    def play_turn(self, session: ConversationSession, index: int) -> Any:
        """Play reply `index` of `session` through `turns` (the records save it on the way);
        returns the TurnRecord. ChoiceError passes through and nothing is announced."""
        return self.turns.play(session, index)

    def add_session_listener(self, listener: SessionListener) -> None:
        """`listener(kind, session, entry)`, kind a ConversationEvent (ui/conversation_events.py)."""
        self._listeners.append(listener)

    def session_event(self, kind: ConversationEvent, session: ConversationSession, entry: Any) -> None:
        """Tell listeners about the conversation on screen (ConversationEvent: start, turn, end,
        left - back to the picker - or closed: the window closed, `current_snapshot()` keeps it)."""
        kind = ConversationEvent(kind)  # ValueError for a kind no listener knows
        if kind is ConversationEvent.LEFT:
            self.active_session, self.active_entry = None, None
        else:
            self.active_session, self.active_entry = session, entry
        for listener in self._listeners:
            try:
                listener(kind, session, entry)
            except Exception:  # a records bug must not end the trainee's conversation
                log.exception("session listener failed on %s", kind)

    def current_snapshot(self) -> dict | None:
        """The live conversation's session snapshot (JSON-able), or None when none is open."""
        session = self.active_session
        return session.snapshot() if session is not None else None

    # ------------------------------------------------------------------ notices
    def notify(self, message: str, kind: str = "info") -> None:
        """Show a banner on the current screen (screens make room for it)."""
        self.ui.notice = (message, kind)
        self._notice_changed()

    def clear_notice(self) -> None:
        if self.ui.notice is not None:
            self.ui.notice = None
            self._notice_changed()

    def _notice_changed(self) -> None:
        self._dirty = True
        if self.window is not None:
            self.stack.relayout(*self.size)

    def ensure_library(self) -> ScenarioLibrary:
        if not self.library.loaded:
            self.library.load()
        return self.library

    # ------------------------------------------------------------------ the loop
    def run(self, exit_after_first_frame: bool = False, on_first_frame: Callable[[], None] | None = None,
            exit_after: float | None = None) -> int:
        """Open the window (if needed) and play until the window closes (or `exit_after` seconds)."""
        if self.window is None:
            self.open()
        self.process([], 0.0)
        if on_first_frame is not None:
            on_first_frame()
        if exit_after_first_frame:
            return 0
        self.ensure_library()  # read the scenarios while the trainee looks at the start screen
        from simulator.ui.event_wait import signals_wake

        with signals_wake(_post_wake_event) as woken:
            self._signals_wake = woken
            try:
                self._loop(exit_after)
            finally:
                self._signals_wake = False
        self.close()
        return 0

    def _loop(self, exit_after: float | None) -> None:
        clock = pygame.time.Clock()
        last = time.perf_counter()
        deadline = last + exit_after if exit_after else None
        while self.running:
            now = time.perf_counter()
            if deadline is not None and now >= deadline:
                break
            wait_ms = self.idle_wait_ms(now, deadline)
            events = pygame.event.get() if wait_ms == 0 else self._wait_for_events(wait_ms)
            now = time.perf_counter()
            dt, last = min(now - last, 0.1), now
            self.process(events, dt)
            if self._busy():
                clock.tick(FPS)

    def idle_wait_ms(self, now: float, deadline: float | None = None) -> int | None:
        """How long the loop may sleep before it must look again: 0 while something is due
        (a frame to draw, an animation, a scene change, a timed wait such as the pick guard -
        all of them keep `_busy()` true and run on frames' dt), else until the `exit_after`
        deadline, else None: nothing can change until input arrives, so wait for it with no
        time limit (IDLE_WAIT_MS when a signal could not end that wait)."""
        if self._busy():
            return 0
        limit = None if self._signals_wake else IDLE_WAIT_MS
        if deadline is not None:
            left = max(1, math.ceil((deadline - now) * 1000))
            limit = left if limit is None else min(limit, left)
        return limit

    def _wait_for_events(self, wait_ms: int | None) -> list[pygame.event.Event]:
        """Nothing moves: sleep until input arrives (or `wait_ms` pass) instead of drawing frames."""
        if not self._polling_driver:
            if self._native_wait is None:
                from simulator.ui.event_wait import native_waiter

                self._native_wait = native_waiter() or False
            if self._native_wait:
                # SDL blocks on the window system itself: no wake-ups until input (see event_wait.py)
                self._native_wait(-1 if wait_ms is None else wait_ms)
                return pygame.event.get()
        # SDL's headless drivers cannot block in a wait, and pygame.event.wait would wake every
        # millisecond: sleeping in short steps ourselves costs far less (~60 wake-ups a second)
        deadline = None if wait_ms is None else time.perf_counter() + wait_ms / 1000
        while deadline is None or time.perf_counter() < deadline:
            events = pygame.event.get()
            if events:
                return events
            time.sleep(IDLE_POLL_S)
        return []

    @property
    def _polling_driver(self) -> bool:
        try:
            return pygame.display.get_driver() in ("dummy", "offscreen")
        except pygame.error:
            return True

    def _busy(self) -> bool:
        return self._dirty or self.stack.is_animating() or bool(self.stack._pending)

    def process(self, events: Iterable[pygame.event.Event], dt: float) -> None:
        """Handle events, apply scene changes, advance animations by `dt`, draw if needed."""
        for event in events:
            action = self.input.translate(event)
            if action is not None:
                self.dispatch(action)
        if self.stack.apply_pending(self.size):
            self._dirty = True
        animating = self.stack.is_animating()
        self.stack.update(dt)
        if self.stack.apply_pending(self.size):
            self._dirty = True
        self._sync_text_input()
        if self._dirty or animating:
            self.draw()
        if not self.stack.scenes:
            self.running = False

    def _sync_text_input(self) -> None:
        top = self.stack.top
        wanted = bool(top is not None and top.wants_text_input)
        if wanted != self.input.text_mode:
            self.input.text_mode = wanted
            if wanted:
                pygame.key.start_text_input()
            else:
                pygame.key.stop_text_input()

    def dispatch(self, action: Action) -> None:
        """Global keys first (quit, resize, full screen), then the top scene."""
        self._dirty = True
        if action.kind == act.QUIT:
            self.running = False
            return
        if action.kind == act.RESIZE:
            self.resize(action.size)
            return
        if action.kind == act.REDRAW:
            return
        if action.kind == act.FULLSCREEN:
            settings = self.settings.copy()
            settings.fullscreen = not settings.fullscreen
            self.apply_settings(settings)
            return
        if not self.stack.handle(action) and action.kind == act.RELOAD:
            self.library.load()
            self.stack.relayout(*self.size)
            self.notify("Scenario files reloaded from disk.")

    def resize(self, size: tuple[int, int]) -> None:
        width, height = max(320, size[0]), max(240, size[1])
        if self.window is not None and self.window.get_size() != (width, height) and not self.settings.fullscreen:
            # Real windows resize their surface themselves; headless ones need set_mode.
            self.window = pygame.display.set_mode((width, height), pygame.RESIZABLE)
        if not self.settings.fullscreen:
            self._windowed_size = (width, height)
        self.window = pygame.display.get_surface() or self.window
        self._rebuild_style()
        self.stack.relayout(*self.size)

    def draw(self) -> None:
        surface = self.window
        surface.fill(self.style.color("background"))
        self.stack.draw(surface)
        pygame.display.flip()
        self.frames += 1
        self._dirty = False
        if self.first_frame_at is None:
            self.first_frame_at = time.perf_counter()

    def close(self) -> None:
        """End the game without asking anything; the session snapshot stays readable."""
        self.running = False
        self.speech.stop()
        if self.active_session is not None:
            self.session_event(ConversationEvent.CLOSED, self.active_session, self.active_entry)

    # ------------------------------------------------------------------ test & bench helpers
    def feed(self, events: Iterable[pygame.event.Event], dt: float = 1 / 60) -> None:
        """Process these events as one frame (tests)."""
        self.process(list(events), dt)

    def advance(self, seconds: float, dt: float = 1 / 60) -> None:
        """Let `seconds` of animation pass in frames of `dt`."""
        steps = max(1, round(seconds / dt))
        for _ in range(steps):
            self.process([], dt)

    def settle(self, limit: float = 10.0) -> None:
        """Advance until nothing animates (bounded)."""
        waited = 0.0
        while (self.stack.is_animating() or self._dirty or self.stack._pending) and waited < limit:
            self.process([], 1 / 60)
            waited += 1 / 60

    def screenshot(self, path: str | os.PathLike) -> None:
        """Save the current frame as an image (PNG by extension)."""
        self.draw()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.window, str(path))

    @property
    def top(self) -> Scene | None:
        return self.stack.top
