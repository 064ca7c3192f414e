"""Hostile portrait files (issue 13): checked from their header, regular files inside the
assets folder only, opened without blocking. Both `validate` (through the loader) and the
game (`PortraitImages`, in tests/ui) read them through simulator.scenario.assets."""

from __future__ import annotations

import os

import pytest

from hostile_inputs import jpeg_header, png_header, small
from simulator.scenario import assets, loader
from simulator.scenario.assets import AssetProblem, check_portrait, image_size, read_portrait
from simulator.scenario.limits import MAX_ASSET_BYTES


@pytest.fixture()
def root(tmp_path):
    folder = tmp_path / "assets"
    (folder / "portraits").mkdir(parents=True)
    return folder


def _problem(root, relative) -> AssetProblem:
    with pytest.raises(AssetProblem) as caught:
        check_portrait((root,), relative)
    return caught.value


def test_sizes_come_from_the_header():
    assert image_size(png_header(640, 480, body=False)) == (640, 480)
    assert image_size(jpeg_header(300, 200)) == (300, 200)
    with pytest.raises(AssetProblem, match="not a PNG or JPEG"):
        image_size(b"GIF89a....")


def test_a_decompression_bomb_is_refused_from_its_header(root):
    bomb = root / "portraits" / "bomb.png"
    bomb.write_bytes(png_header(20000, 20000))  # a few hundred KB on disk, 400 MB decoded
    assert bomb.stat().st_size < MAX_ASSET_BYTES
    problem = _problem(root, "portraits/bomb.png")
    assert problem.code == "S116" and "20000 x 20000 pixels" in problem.reason
    with pytest.raises(AssetProblem):
        read_portrait((root,), "portraits/bomb.png")


def test_a_fifo_is_refused_without_blocking(root):
    os.mkfifo(root / "portraits" / "pipe.png")  # open() without O_NONBLOCK would wait forever
    problem = _problem(root, "portraits/pipe.png")
    assert problem.code == "S116" and "FIFO" in problem.reason


def test_a_symlink_out_of_assets_and_a_nul_are_path_errors(root, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(png_header(10, 10, body=False))
    (root / "portraits" / "link.png").symlink_to(outside)
    assert _problem(root, "portraits/link.png").code == "S108"
    assert _problem(root, "portraits/a\x00b.png").code == "S108"
    assert _problem(root, "../secret.png").code == "S108"
    (root / "portraits" / "zero.png").symlink_to("/dev/zero")
    assert _problem(root, "portraits/zero.png").code == "S108"  # leaves assets/ before it is a device


def test_a_symlink_inside_assets_is_fine(root):
    (root / "portraits" / "real.png").write_bytes(png_header(64, 64))
    (root / "portraits" / "alias.png").symlink_to(root / "portraits" / "real.png")
    assert check_portrait((root,), "portraits/alias.png") == root


def test_an_oversized_file_is_refused_before_reading(root, monkeypatch):
    monkeypatch.setattr(assets, "MAX_ASSET_BYTES", 1000)
    big = root / "portraits" / "big.png"
    big.write_bytes(png_header(64, 64) + b"\0" * 5000)
    with pytest.raises(AssetProblem, match="MiB"):
        assets.read_asset(root, "portraits/big.png", limit=1000)


def test_validate_reports_each_hostile_portrait(catalog, root, monkeypatch, tmp_path):
    monkeypatch.setattr(loader, "portrait_dirs", lambda path: (root,))
    (root / "portraits" / "bomb.png").write_bytes(png_header(20000, 20000))
    os.mkfifo(root / "portraits" / "pipe.png")
    (root / "portraits" / "ok.png").write_bytes(png_header(32, 32))
    portraits = "  portraits: {angry: portraits/bomb.png, furious: portraits/pipe.png, neutral: portraits/ok.png, " \
                "default: \"portraits/x\\0.png\"}\n"
    scenario, diagnostics = loader.load_scenario("p.yaml", catalog, data=small(extra_customer=portraits).encode())
    codes = sorted(d.code for d in diagnostics if d.code.startswith("S1"))
    assert codes == ["S108", "S116", "S116"], [(d.code, d.message) for d in diagnostics]
    assert all(d.line == 7 for d in diagnostics if d.code.startswith("S1"))


def _real_png(path, size=(16, 16)):
    import pygame  # only to write a real, decodable image

    surface = pygame.Surface(size)
    surface.fill((200, 40, 40))
    pygame.image.save(surface, str(path))
    return path.read_bytes()


@pytest.mark.parametrize("damage, says", [
    ("cut", "the file ends before its last chunk"),
    ("flip", "fails its checksum"),
    ("no-data", "it has no image data"),
    ("jpeg-cut", "damaged JPEG: the file ends before the image does"),
])
def test_a_portrait_cut_short_or_damaged_is_reported_by_validate(root, damage, says):
    # validate read only the header, said nothing, and the game then failed to decode it
    good = _real_png(root / "portraits" / "good.png")
    assert check_portrait((root,), "portraits/good.png") == root
    if damage == "cut":
        data = good[:len(good) // 2]
    elif damage == "flip":
        data = bytearray(good)
        data[good.index(b"IDAT") + 6] ^= 0xFF
        data = bytes(data)
    elif damage == "no-data":
        data = png_header(16, 16, body=False)
    else:
        data = jpeg_header(16, 16)[:-2]  # no scan, no end of image
    (root / "portraits" / "bad.png").write_bytes(data)
    problem = _problem(root, "portraits/bad.png")
    assert problem.code == "S116" and says in problem.reason


def test_a_portrait_link_leading_out_says_why_in_the_hint(catalog, root, monkeypatch, tmp_path):
    # "must be a relative path inside the assets folder" alone, for a path that is one
    monkeypatch.setattr(loader, "portrait_dirs", lambda path: (root,))
    (root / "portraits" / "zero.png").symlink_to("/dev/zero")
    portraits = "  portraits: {angry: portraits/zero.png}\n"
    _, diagnostics = loader.load_scenario("p.yaml", catalog, data=small(extra_customer=portraits).encode())
    [found] = [d for d in diagnostics if d.code == "S108"]
    assert "leads outside assets/" in found.hint
