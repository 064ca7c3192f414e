"""The idle loop's schedule: with nothing due the game waits for input with no time limit, and a
signal (Ctrl+C) still ends that wait. No timing here: the idle CPU figures are `make bench`."""

from __future__ import annotations

import os
import signal
import threading

import pygame
import pytest

from simulator.ui.app import IDLE_WAIT_MS
from simulator.ui.event_wait import signals_wake
from tools.game_driver import finish_line, press, scene_name
from ui_helpers import SCENARIOS


def _conversation(make_app):
    app = make_app(SCENARIOS)
    press(app, pygame.K_RETURN)  # picker -> briefing
    app.settle()
    press(app, pygame.K_RETURN)  # briefing -> conversation
    assert scene_name(app) == "conversation"
    return app


def test_with_nothing_due_the_loop_waits_for_input_with_no_time_limit(make_app):
    app = _conversation(make_app)
    app._signals_wake = True  # as inside run(), where Ctrl+C can end the wait itself
    assert app.idle_wait_ms(0.0) == 0  # the customer's line is typing: frames, no sleep
    finish_line(app)
    app.top.pick_guard = 0.2  # a timed wait (replies are not live yet) runs on frames' dt too
    assert app.idle_wait_ms(0.0) == 0
    app.settle()
    assert app.top.pick_guard == 0 and app.idle_wait_ms(0.0) is None
    assert app.idle_wait_ms(10.0, deadline=12.5) == 2500  # --exit-after still ends an idle game
    app._dirty = True  # an expose or any input: draw before sleeping again
    assert app.idle_wait_ms(0.0) == 0


def test_the_wait_is_bounded_when_a_signal_cannot_end_it(make_app):
    app = _conversation(make_app)
    finish_line(app)
    app.settle()
    app._signals_wake = False
    assert app.idle_wait_ms(0.0) == IDLE_WAIT_MS
    assert app.idle_wait_ms(0.0, deadline=0.2) == 200


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="needs SIGUSR1 (POSIX)")
def test_a_signal_posts_an_event_that_ends_the_wait(display):
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal wake-ups are set up from the main thread only")
    seen = []
    previous = signal.signal(signal.SIGUSR1, lambda number, frame: seen.append(number))
    try:
        pygame.event.clear()
        with signals_wake(lambda: pygame.event.post(pygame.event.Event(pygame.USEREVENT, tag="woken"))) as woken:
            assert woken
            os.kill(os.getpid(), signal.SIGUSR1)
            event = pygame.event.wait(10_000)  # returns at once; the limit only guards a hang
        assert (event.type, getattr(event, "tag", None)) == (pygame.USEREVENT, "woken")
        assert seen == [signal.SIGUSR1]
        assert signal.set_wakeup_fd(-1) == -1  # put back as it was found
    finally:
        signal.signal(signal.SIGUSR1, previous)
