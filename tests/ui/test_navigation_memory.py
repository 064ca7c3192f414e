"""Caches of rendered pixels stay bounded by bytes, and the idle wait is SDL's own (no timing here:
the figures are in `make bench`, bench/window.py)."""

from __future__ import annotations

import pygame
import pytest

from simulator.ui.face import FaceRenderer


def _bytes(surface: pygame.Surface) -> int:
    return surface.get_pitch() * surface.get_height()


def test_the_rendered_text_cache_is_bounded_by_bytes_least_recent_first(make_app):
    app = make_app(size=(1920, 1080))
    text, style = app.text, app.style
    text.clear()
    text.cache_bytes = 2 * 2**20
    keep = text.render("the line drawn every frame", style, "body", style.color("text"))
    for n in range(400):
        text.render(f"line {n} " + "words " * 12, style, "body", style.color("text"))
        text.render("the line drawn every frame", style, "body", style.color("text"))  # stays recent
        assert text.cached_bytes <= text.cache_bytes
    assert text.cached_bytes == sum(_bytes(s) for s in text._lines.values())
    assert text.cached_bytes > text.cache_bytes // 2  # the budget is used, not wasted
    assert text.render("the line drawn every frame", style, "body", style.color("text")) is keep
    assert ("line 0 " + "words " * 12, style.font_px("body"), "regular", style.color("text")) not in text._lines


def test_the_face_cache_is_bounded_by_bytes(make_app):
    app = make_app(size=(1920, 1080))
    faces = FaceRenderer(max_bytes=3 * 2**20)
    size = app.style.px(300)
    for step in range(30):
        faces.surface(app.style, size, -1 + step / 15, 0.5)
        held = sum(_bytes(s) for s in faces._cache.values())
        assert held <= 3 * 2**20 and held == faces._bytes
    assert len(faces._cache) >= 2


def test_the_native_wait_returns_on_a_posted_event_and_leaves_it_queued(make_app):
    from simulator.ui.event_wait import native_waiter

    make_app()
    wait = native_waiter()
    if wait is None:
        pytest.skip("SDL's wait is not reachable here; the app polls in short sleeps instead")
    pygame.event.clear()
    pygame.event.post(pygame.event.Event(pygame.USEREVENT, tag="wake"))
    assert wait(5000) is True
    assert [e.tag for e in pygame.event.get(pygame.USEREVENT)] == ["wake"]
