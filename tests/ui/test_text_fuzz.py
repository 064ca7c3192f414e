"""Property test (issue 13): any Unicode through the text renderer wraps within the width
and renders without raising; the wrapped lines keep every character of the input."""

from __future__ import annotations

import pygame
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.ui.text import TextRenderer, clean_text
from simulator.ui.theme import Style, load_theme


@pytest.fixture(scope="module")
def renderer():
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((64, 64))
    yield TextRenderer(load_theme()), Style(load_theme())
    pygame.display.quit()


TEXT = st.text(alphabet=st.characters(), max_size=400)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, width=st.integers(min_value=1, max_value=900))
def test_any_text_wraps_and_renders(renderer, text, width):
    text_renderer, style = renderer
    lines = text_renderer.wrap(text, style, "body", width)
    assert isinstance(lines, tuple) and lines
    clean = clean_text(text)
    assert "".join(lines).replace(" ", "") == clean.replace("\n", "").replace(" ", "")
    px = style.font_px("body")
    for line in lines[:20]:
        image = text_renderer.render(line, style, "body", (0, 0, 0))
        assert image.get_height() > 0
        if len(line) > 1 and width >= 8:
            assert text_renderer.measure(line, px) <= max(8, width) or " " not in line
