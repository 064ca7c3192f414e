"""Render the sheet of faces: every reference expression for three different customers.

    .venv/bin/python docs/tools/faces_sheet.py                 # writes docs/screenshots/faces.png
    .venv/bin/python docs/tools/faces_sheet.py -o out.png --contrast

Rows are customers (looks from shipped scenarios), columns the nine reference points of
the face's (valence, arousal) plane. A person checks it by eye; tests check the same faces
with numpy (every pair of expressions differs, in greyscale too).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from simulator import paths  # noqa: E402
from simulator.scenario.catalog import load_catalog  # noqa: E402
from simulator.scenario.loader import load_scenario  # noqa: E402
from simulator.scenario.look import CustomerLook  # noqa: E402
from simulator.ui.face import FaceRenderer  # noqa: E402
from simulator.ui.face_points import REFERENCE_EXPRESSIONS  # noqa: E402
from simulator.ui.text import TextRenderer  # noqa: E402
from simulator.ui.theme import Style, load_theme  # noqa: E402

# three customers as different as the library has: the faces of these shipped scenarios
SHEET_SCENARIOS = ("double_charge", "birthday_order", "tablet_setup")


def shipped_looks(names=SHEET_SCENARIOS) -> tuple[tuple[str, CustomerLook], ...]:
    """(customer name, look) as the game draws them, read through the real loader."""
    catalog, problems = load_catalog(paths.DATA_DIR)
    if catalog is None:
        raise SystemExit("the shipped data files do not load: " + "; ".join(d.message for d in problems))
    out = []
    for name in names:
        scenario, _ = load_scenario(Path(paths.SCENARIOS_DIR) / f"{name}.yaml", catalog)
        if scenario is None:
            raise SystemExit(f"scenario {name} does not load; run customer-sim validate on it")
        out.append((scenario.customer.name, scenario.customer.look))
    return tuple(out)


def render_sheet(looks=None, size: int = 150, contrast: bool = False) -> pygame.Surface:
    """The sheet as a surface (needs pygame initialised with a display mode)."""
    looks = looks if looks is not None else shipped_looks()
    theme = load_theme()
    style = Style(theme, "high_contrast" if contrast else "normal")
    text = TextRenderer(theme)
    faces = FaceRenderer(limit=64)
    pad, label_w, caption_h = 16, 190, 34
    cols = len(REFERENCE_EXPRESSIONS)
    sheet = pygame.Surface((label_w + cols * (size + pad) + pad, caption_h + len(looks) * (size + pad) + pad))
    sheet.fill(style.color("background"))
    for col, (name, valence, arousal) in enumerate(REFERENCE_EXPRESSIONS):
        label = text.render_px(name, 18, style.color("text"), "bold")
        x = label_w + col * (size + pad) + (size - label.get_width()) // 2
        sheet.blit(label, (x, 8))
    for row, (who, look) in enumerate(looks):
        y = caption_h + row * (size + pad)
        label = text.render_px(who, 18, style.color("text"), "bold")
        sheet.blit(label, (pad, y + (size - label.get_height()) // 2))
        for col, (_name, valence, arousal) in enumerate(REFERENCE_EXPRESSIONS):
            face = faces.surface(style, size, valence, arousal, look)
            sheet.blit(face, (label_w + col * (size + pad), y))
    return sheet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "screenshots" / "faces.png")
    parser.add_argument("--contrast", action="store_true", help="the high-contrast palette")
    args = parser.parse_args(argv)
    pygame.init()
    pygame.display.set_mode((1, 1))
    pygame.image.save(render_sheet(contrast=args.contrast), str(args.output))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
