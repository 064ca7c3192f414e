"""The customer's face, drawn from shapes, following the mood smoothly.

Two numbers drive it: valence (the mood's pleasure, -1 furious .. +1 delighted) and
arousal (-1 calm .. +1 worked up). Shape carries the meaning, so it reads without colour:
brows slant down to the nose in anger and lift in worry, the mouth bends from a frown to
a smile and opens when shouting or laughing, eyes widen with arousal and crinkle with joy,
an anger mark appears when furious. Colour (skin flush,
backdrop tint) only reinforces it.

`FaceAnimator` eases the shown values toward the target mood (instantly with reduced
motion). `FaceRenderer` draws at twice the size and smooth-scales down for clean edges,
caching the result, because the face rarely changes while the text types.
A scenario may provide portrait images per expression; `PortraitImages` loads them and
falls back to the drawn face (with a logged warning) when a file is missing or broken.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from pathlib import Path
from typing import Mapping

import pygame

from simulator.paths import ASSETS_DIR
from simulator.ui.theme import Color, Style, mix

log = logging.getLogger(__name__)

# Where each expression sits on the valence axis, for the continuous backdrop tint.
_TINT_STOPS = (("furious", -0.85), ("angry", -0.5), ("annoyed", -0.22),
               ("neutral", 0.05), ("pleased", 0.4), ("delighted", 0.8))
_SETTLED = 0.004


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return low if value < low else high if value > high else value


def mood_axes(mood: Mapping[str, float]) -> tuple[float, float]:
    """(valence, arousal) in [-1, 1] from a session's mood dict."""
    return (_clamp(float(mood.get("pleasure", 0.0)), -1.0, 1.0),
            _clamp(float(mood.get("arousal", 0.0)), -1.0, 1.0))


def mood_tint(style: Style, valence: float) -> Color:
    """A colour sliding continuously along the mood colours for a valence."""
    colors = [(style.mood_color(name), at) for name, at in _TINT_STOPS]
    if valence <= colors[0][1]:
        return colors[0][0]
    for (c0, v0), (c1, v1) in zip(colors, colors[1:]):
        if valence <= v1:
            return mix(c0, c1, (valence - v0) / (v1 - v0))
    return colors[-1][0]


class FaceAnimator:
    """Eases (valence, arousal) toward a target; time in seconds via `update(dt)`."""

    def __init__(self, valence: float = 0.0, arousal: float = 0.0, half_life: float = 0.18) -> None:
        self.valence, self.arousal = valence, arousal
        self.target = (valence, arousal)
        self.half_life = half_life
        self.reduced_motion = False

    def set_target(self, valence: float, arousal: float, instant: bool = False) -> None:
        self.target = (valence, arousal)
        if instant or self.reduced_motion:
            self.valence, self.arousal = self.target

    def update(self, dt: float) -> None:
        if not self.moving:
            return
        keep = 0.5 ** (max(0.0, dt) / self.half_life)
        tv, ta = self.target
        self.valence = tv + (self.valence - tv) * keep
        self.arousal = ta + (self.arousal - ta) * keep
        if not self.moving:
            self.valence, self.arousal = self.target

    @property
    def moving(self) -> bool:
        return (abs(self.valence - self.target[0]) > _SETTLED
                or abs(self.arousal - self.target[1]) > _SETTLED)


class FaceRenderer:
    """Draws the face into a cached surface for (size, valence, arousal, palette)."""

    def __init__(self, limit: int = 48) -> None:
        self._cache: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._limit = limit

    def surface(self, style: Style, size: int, valence: float, arousal: float) -> pygame.Surface:
        # Quantised so a settled face is one cache entry and a moving one stays cheap.
        key = (size, round(valence, 2), round(arousal, 2), style.palette_name)
        image = self._cache.get(key)
        if image is None:
            image = _draw_face(style, size, key[1], key[2])
            self._cache[key] = image
            if len(self._cache) > self._limit:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return image


def _draw_face(style: Style, size: int, valence: float, arousal: float) -> pygame.Surface:
    k = 2  # supersampling factor
    big = pygame.Surface((size * k, size * k), pygame.SRCALPHA)
    s = size * k
    cx, cy = s / 2, s * 0.53
    r = s * 0.34
    anger = _clamp(-valence * 1.3) * _clamp(0.45 + arousal)
    worry = _clamp(-valence * 1.3) * _clamp(0.55 - arousal)
    joy = _clamp(valence * 1.25)
    glow = _clamp((valence - 0.55) * 2.5)  # only the happiest faces crinkle and blush
    line = style.color("face_line")

    # backdrop: a disc tinted continuously with the mood
    tint = mix(style.color("face_backdrop"), mood_tint(style, valence), 0.35 if not style.high_contrast else 0.0)
    pygame.draw.circle(big, tint, (cx, s / 2), s * 0.49)
    if style.high_contrast:
        pygame.draw.circle(big, style.color("border"), (cx, s / 2), s * 0.49, max(2, s // 90))

    skin = mix(style.color("face_skin"), style.color("face_flush"), 0.55 * anger)
    shade = mix(style.color("face_skin_shade"), style.color("face_flush"), 0.5 * anger)
    hair = style.color("face_hair")
    # hair behind the head, shoulders, neck, ears, head, then a side-swept fringe
    pygame.draw.ellipse(big, hair, pygame.Rect(cx - r * 1.04, cy - r * 1.16, r * 2.08, r * 1.9))
    body = pygame.Rect(0, 0, r * 2.5, r * 1.4)
    body.midtop = (cx, cy + r * 0.82)
    pygame.draw.ellipse(big, style.color("accent") if not style.high_contrast else (90, 90, 90), body)
    pygame.draw.rect(big, shade, pygame.Rect(cx - r * 0.24, cy + r * 0.6, r * 0.48, r * 0.36))
    for side in (-1, 1):
        pygame.draw.ellipse(big, shade, pygame.Rect(cx + side * r * 0.93 - r * 0.14, cy - r * 0.08, r * 0.28, r * 0.36))
    head = pygame.Rect(0, 0, r * 1.86, r * 2.06)
    head.center = (cx, cy + r * 0.02)
    pygame.draw.ellipse(big, skin, head)
    fringe = [(cx - r * 0.95, cy - r * 0.28), (cx - r * 0.9, cy - r * 0.75), (cx - r * 0.45, cy - r * 1.08),
              (cx + r * 0.25, cy - r * 1.12), (cx + r * 0.8, cy - r * 0.85), (cx + r * 0.95, cy - r * 0.3),
              (cx + r * 0.78, cy - r * 0.52), (cx + r * 0.35, cy - r * 0.66), (cx - r * 0.2, cy - r * 0.62),
              (cx - r * 0.62, cy - r * 0.5)]
    pygame.draw.polygon(big, hair, fringe)

    width = max(2, round(s * 0.018))
    # eyes: open wider with arousal, crinkle into arcs with joy
    eye_y = cy - r * 0.02
    openness = _clamp(0.55 + 0.35 * arousal + 0.2 * anger - 0.55 * glow, 0.12, 1.0)
    eye_w, eye_h = r * 0.3, r * 0.24 * openness
    for side in (-1, 1):
        ex = cx + side * r * 0.38
        if glow > 0.6:
            arc = pygame.Rect(ex - eye_w * 0.55, eye_y - eye_w * 0.3, eye_w * 1.1, eye_w * 0.9)
            pygame.draw.arc(big, line, arc, math.radians(15), math.radians(165), width * 2)
        else:
            white = pygame.Rect(0, 0, eye_w, max(4, eye_h))
            white.center = (ex, eye_y)
            pygame.draw.ellipse(big, (252, 252, 250), white)
            pupil = max(3, min(eye_w, eye_h) * 0.55)
            pygame.draw.circle(big, line, (ex, eye_y), pupil / 2 + r * 0.02)
            pygame.draw.ellipse(big, line, white, max(1, width // 2))
    # brows: inner ends drop with anger (a V), rise with worry; all lift a little with joy
    brow_y = eye_y - r * 0.3 - r * 0.06 * joy - r * 0.04 * arousal
    inner = r * 0.16 * anger - r * 0.12 * worry
    outer = -r * 0.05 * anger + r * 0.02 * worry
    thick = round(width * (1.5 + 0.8 * anger))
    for side in (-1, 1):
        x_in, x_out = cx + side * r * 0.16, cx + side * r * 0.56
        pygame.draw.line(big, hair, (x_in, brow_y + inner), (x_out, brow_y + outer), thick)
        pygame.draw.circle(big, hair, (x_in, brow_y + inner), thick / 2)
        pygame.draw.circle(big, hair, (x_out, brow_y + outer), thick / 2)
    # nose
    pygame.draw.arc(big, shade, pygame.Rect(cx - r * 0.1, cy + r * 0.05, r * 0.2, r * 0.22),
                    math.radians(200), math.radians(340), width)
    # cheeks glow when pleased
    if joy > 0.25:
        cheek = mix(skin, style.color("face_cheek"), 0.6 * _clamp((joy - 0.25) * 1.6))
        for side in (-1, 1):
            pygame.draw.ellipse(big, cheek, pygame.Rect(cx + side * r * 0.5 - r * 0.14, cy + r * 0.2, r * 0.28, r * 0.16))
    _draw_mouth(big, cx, cy + r * 0.5, r, valence, arousal, anger, joy, line, width)
    # anger mark (a cross of four arcs, the manga vein): shape, not colour
    if anger > 0.55:
        mark = style.color("face_flush") if not style.high_contrast else line
        mx, my, m = cx + r * 1.0, cy - r * 0.92, r * 0.12 * (0.6 + anger)
        for dx, dy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
            rect = pygame.Rect(0, 0, m * 1.4, m * 1.4)
            rect.center = (mx + dx * m, my + dy * m)
            start = {(-1, -1): 270, (1, -1): 180, (-1, 1): 0, (1, 1): 90}[(dx, dy)]
            pygame.draw.arc(big, mark, rect, math.radians(start), math.radians(start + 90), width + 2)
    # keep everything inside the round backdrop
    mask = pygame.Surface(big.get_size(), pygame.SRCALPHA)
    pygame.draw.circle(mask, (255, 255, 255, 255), (cx, s / 2), s * 0.49)
    big.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
    return pygame.transform.smoothscale(big, (size, size))


def _draw_mouth(big: pygame.Surface, cx: float, my: float, r: float, valence: float, arousal: float,
                anger: float, joy: float, line: Color, width: int) -> None:
    half = r * (0.26 + 0.12 * joy + 0.04 * anger)
    curve = r * 0.2 * valence  # + smiles (corners up), - frowns
    # open for shouting (anger with arousal) or laughing (joy)
    opening = r * (0.22 * _clamp(anger * (0.4 + arousal)) + 0.16 * _clamp(joy - 0.5) * 2)
    steps = 16
    upper, lower = [], []
    for i in range(steps + 1):
        t = -1 + 2 * i / steps
        bend = (1 - t * t)
        y = my + curve * (bend - 0.5)
        upper.append((cx + t * half, y))
        lower.append((cx + t * half, y + opening * bend))
    if opening > r * 0.03:
        pygame.draw.polygon(big, (90, 30, 35), upper + lower[::-1])
        if joy > 0.5:  # teeth
            teeth = [(x, y + (ly - y) * 0.35) for (x, y), (_, ly) in zip(upper, lower)]
            pygame.draw.polygon(big, (250, 250, 245), upper + teeth[::-1])
        pygame.draw.lines(big, line, True, upper + lower[::-1], width)
    else:
        pygame.draw.lines(big, line, False, upper, width + 1)
        for point in (upper[0], upper[-1]):
            pygame.draw.circle(big, line, point, (width + 1) / 2)


class PortraitImages:
    """Per-expression images from a scenario (paths under assets/), loaded once."""

    def __init__(self, portraits: Mapping[str, str] | tuple[tuple[str, str], ...],
                 assets_dir: Path = ASSETS_DIR) -> None:
        items = portraits.items() if isinstance(portraits, Mapping) else portraits
        self._images: dict[str, pygame.Surface] = {}
        self._scaled: dict[tuple[str, int], pygame.Surface] = {}
        root = assets_dir.resolve()
        for expression, rel in items:
            path = (assets_dir / str(rel)).resolve()
            if root not in path.parents:
                log.warning("portrait %r for %s is outside assets/; using the drawn face", rel, expression)
                continue
            try:
                image = pygame.image.load(str(path))
                self._images[str(expression)] = image.convert_alpha() if pygame.display.get_surface() else image
            except (pygame.error, FileNotFoundError, OSError) as error:
                log.warning("portrait %s for %s unusable (%s); using the drawn face", path, expression, error)

    def __bool__(self) -> bool:
        return bool(self._images)

    def image(self, expression: str, size: int) -> pygame.Surface | None:
        """The image for an expression scaled to fit `size`, or None to draw the face."""
        if expression not in self._images:
            return None
        key = (expression, size)
        if key not in self._scaled:
            source = self._images[expression]
            scale = size / max(source.get_width(), source.get_height(), 1)
            target = (max(1, round(source.get_width() * scale)), max(1, round(source.get_height() * scale)))
            self._scaled[key] = pygame.transform.smoothscale(source, target)
        return self._scaled[key]
