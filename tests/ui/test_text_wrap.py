"""Word wrap and rendering on hostile text, and portraits from hostile files (issue 13)."""

from __future__ import annotations

import logging
import os

import numpy as np
import pygame
import pytest

from hostile_inputs import png_header
from simulator.ui.face import PortraitImages
from simulator.ui.text import TextRenderer
from simulator.ui.theme import Style, load_theme


@pytest.fixture()
def renderer(display):
    return TextRenderer(load_theme())


def _counting(renderer: TextRenderer) -> list[int]:
    """Characters measured, call by call (the wrap's whole cost is in these measures)."""
    counts: list[int] = []
    measure = renderer.measure

    def counted(text, px, weight="regular"):
        counts.append(len(text))
        return measure(text, px, weight)

    renderer.measure = counted  # type: ignore[method-assign]
    return counts


@pytest.mark.parametrize("char", ["x", "\u00e9", "\u8fd4"])
def test_a_200000_character_word_wraps_in_linear_work(renderer, char):
    style = Style(load_theme())
    text = char * 200_000
    counts = _counting(renderer)
    lines = renderer.wrap(text, style, "body", 400)
    assert "".join(lines) == text
    px = style.font_px("body")
    assert all(renderer.measure(line, px) <= 400 for line in lines[:50])
    # the old wrap re-measured the whole remaining word for every line: ~n^2 / line characters
    assert sum(counts) < 40 * len(text), sum(counts)
    assert max(counts) < 5_000


def test_words_wrap_as_before(renderer):
    style = Style(load_theme())
    lines = renderer.wrap("the quick brown fox jumps over the lazy dog " * 3, style, "body", 150)
    assert len(lines) > 3 and all(" " not in line[:1] for line in lines)
    assert " ".join(lines).split() == ("the quick brown fox jumps over the lazy dog " * 3).split()


def _ink(surface: pygame.Surface) -> int:
    return int((pygame.surfarray.array_alpha(surface) > 0).sum())


@pytest.mark.parametrize("odd", ["\u200b", "\ufeff", "\u200f", "\u202e", "\u0378", "\U000e0001", "\ue000", "\u200d"])
def test_one_odd_character_never_blanks_the_line(renderer, odd):
    plain = renderer.render_px("I want my money back today", 20, (255, 255, 255))
    mixed = renderer.render_px(f"I want my{odd} money back today", 20, (255, 255, 255))
    assert _ink(mixed) >= 0.9 * _ink(plain)


def test_a_line_of_only_invisible_characters_renders_empty(renderer):
    image = renderer.render_px("\u200b\u200d\ufeff", 20, (255, 255, 255))
    assert image.get_height() > 0 and _ink(image) == 0


def test_hostile_portrait_files_fall_back_to_the_drawn_face(display, tmp_path, caplog):
    (tmp_path / "bomb.png").write_bytes(png_header(20000, 20000))
    os.mkfifo(tmp_path / "pipe.png")
    (tmp_path / "zero.png").symlink_to("/dev/zero")
    good = pygame.Surface((8, 8))
    good.fill((200, 10, 10))
    pygame.image.save(good, str(tmp_path / "good.png"))
    with caplog.at_level(logging.WARNING):
        portraits = PortraitImages({"angry": "bomb.png", "furious": "pipe.png", "annoyed": "zero.png",
                                    "pleased": "bad\x00name.png", "neutral": "good.png"}, roots=(tmp_path,))
    assert portraits.image("neutral", 16) is not None
    for expression in ("angry", "furious", "annoyed", "pleased"):
        assert portraits.image(expression, 16) is None
    said = caplog.text
    assert "20000 x 20000" in said and "FIFO" in said and "outside assets" in said


def test_large_portraits_are_kept_small_and_one_file_is_decoded_once(display, tmp_path, monkeypatch):
    # six legal 4096 x 4096 portraits (16 KB each on disk) held 460 MB for the conversation
    from simulator.ui import face

    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(png_header(4096, 2048))
    loads = []
    real_load = pygame.image.load
    monkeypatch.setattr(face.pygame.image, "load", lambda *a: loads.append(a[1]) or real_load(*a))
    portraits = PortraitImages({"angry": "a.png", "furious": "a.png", "neutral": "b.png"}, roots=(tmp_path,))
    assert sorted(loads) == ["a.png", "b.png"]
    for expression in ("angry", "furious", "neutral"):
        assert portraits.kept(expression).get_size() == (face.MAX_KEPT_SIDE, face.MAX_KEPT_SIDE // 2)
    assert portraits.kept("angry") is portraits.kept("furious")
    assert portraits.image("neutral", 300).get_size() == (300, 150)


def test_the_diagnostics_screen_reads_at_most_the_size_cap(tmp_path, monkeypatch):
    from simulator.scenario import safe_read
    from simulator.scenario.diagnostics import Diagnostic
    from simulator.ui.scenes import diagnostics as screen

    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # sparse: 64 MiB on paper, nothing on disk
        handle.truncate(64 << 20)
    os.mkfifo(tmp_path / "pipe.yaml")
    asked: list[int] = []
    real = safe_read.read_capped
    monkeypatch.setattr(safe_read, "read_capped", lambda path, limit, **kw: asked.append(limit) or real(path, limit, **kw))

    class Entry:
        diagnostics = [Diagnostic(str(big), 1, 1, "error", "S001", "too large"),
                       Diagnostic(str(big), 2, 1, "error", "S004", "again"),
                       Diagnostic(str(tmp_path / "pipe.yaml"), 1, 1, "error", "S010", "a FIFO")]

    text = screen.diagnostics_text(Entry(), tmp_path)
    assert "S001" in text and "S010" in text
    assert asked and max(asked) <= 1 << 20 and len(asked) == 2  # once per file, capped
    assert np.isfinite(len(text))
