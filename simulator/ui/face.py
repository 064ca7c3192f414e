"""The customer's face, following the mood smoothly.

Two numbers drive it: valence (the mood's pleasure, -1 furious .. +1 delighted) and
arousal (-1 calm .. +1 worked up); the shapes that carry them (brows, lids, mouth, marks)
are drawn in `face_drawing`, from the customer's look (`simulator.scenario.look`).

`FaceAnimator` eases the shown values toward the target mood (instantly with reduced
motion). `FaceRenderer` caches the drawn result, because the face rarely changes while the
text types. A scenario may provide portrait images per expression; `PortraitImages` loads
them and falls back to the drawn face (with a logged warning) when a file is missing or broken.
"""

from __future__ import annotations

import io
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Mapping, Sequence

import pygame

from simulator.paths import ASSETS_DIR
from simulator.scenario.assets import AssetProblem, read_portrait
from simulator.scenario.look import CustomerLook
from simulator.ui.face_drawing import draw_face
from simulator.ui.theme import Color, Style, mix

log = logging.getLogger(__name__)

# Where each expression sits on the valence axis, for the continuous backdrop tint.
_TINT_STOPS = (("furious", -0.85), ("angry", -0.5), ("annoyed", -0.22),
               ("neutral", 0.05), ("pleased", 0.4), ("delighted", 0.8))
_SETTLED = 0.004
DEFAULT_LOOK = CustomerLook()  # the start screen's host and the window icon


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
    """Draws the face into a cached surface for (size, valence, arousal, palette, look).

    The cache is bounded (LRU) so a long session with many customers and moods keeps a
    fixed memory footprint."""

    def __init__(self, limit: int = 48, max_bytes: int = 8 * 2**20) -> None:
        self._cache: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._limit = limit
        # by pixels too: a face at 1920x1080 is ~0.9 MB, so 48 of them held 42 MB
        self._max_bytes = max_bytes
        self._bytes = 0

    def surface(self, style: Style, size: int, valence: float, arousal: float,
                look: CustomerLook | None = None) -> pygame.Surface:
        # Quantised so a settled face is one cache entry and a moving one stays cheap.
        look = look or DEFAULT_LOOK
        key = (size, round(valence, 2), round(arousal, 2), style.palette_name, look)
        image = self._cache.get(key)
        if image is None:
            image = draw_face(style, size, key[1], key[2], look, mood_tint(style, key[1]))
            self._cache[key] = image
            self._bytes += image.get_pitch() * image.get_height()
            while len(self._cache) > 1 and (len(self._cache) > self._limit or self._bytes > self._max_bytes):
                _, dropped = self._cache.popitem(last=False)
                self._bytes -= dropped.get_pitch() * dropped.get_height()
        else:
            self._cache.move_to_end(key)
        return image


# The largest side a portrait is kept at once decoded. The face is drawn at most about a
# third of the window wide; a legal 4096 x 4096 portrait is 64 MiB as pixels, and six of
# them (one per expression) held 540 MB for the whole conversation.
MAX_KEPT_SIDE = 1024


class PortraitImages:
    """Per-expression images from a scenario (paths under its assets folders, searched in
    order: `paths.portrait_dirs`), loaded once per file and kept at most MAX_KEPT_SIDE a side."""

    def __init__(self, portraits: Mapping[str, str] | tuple[tuple[str, str], ...],
                 roots: Sequence[Path] = (ASSETS_DIR,)) -> None:
        items = portraits.items() if isinstance(portraits, Mapping) else portraits
        self._images: dict[str, pygame.Surface] = {}
        self._scaled: dict[tuple[str, int], pygame.Surface] = {}
        by_file: dict[str, pygame.Surface] = {}  # one file for several expressions: decoded once
        for expression, rel in items:
            if str(rel) in by_file:
                self._images[str(expression)] = by_file[str(rel)]
                continue
            # read_portrait: a regular file inside assets/ (no FIFO, device or escaping
            # symlink), opened without blocking, size-capped, and its pixel count checked
            # from the header before pygame decodes anything (a 20000 x 20000 PNG bomb)
            try:
                data = read_portrait(roots, str(rel))
                image = _kept_size(pygame.image.load(io.BytesIO(data), str(rel)))
                del data
                image = image.convert_alpha() if pygame.display.get_surface() else image
                self._images[str(expression)] = by_file[str(rel)] = image
            except AssetProblem as problem:
                log.warning("portrait %r for %s unusable (%s); using the drawn face", rel, expression, problem.reason)
            except (pygame.error, OSError, ValueError) as error:
                log.warning("portrait %r for %s unusable (%s); using the drawn face", rel, expression, error)

    def __bool__(self) -> bool:
        return bool(self._images)

    def kept(self, expression: str) -> pygame.Surface | None:
        """The image as kept after loading (for tests), or None."""
        return self._images.get(expression)

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


def _kept_size(image: pygame.Surface) -> pygame.Surface:
    """`image` shrunk (proportions kept) so that neither side exceeds MAX_KEPT_SIDE."""
    longest = max(image.get_width(), image.get_height())
    if longest <= MAX_KEPT_SIDE:
        return image
    scale = MAX_KEPT_SIDE / longest
    size = (max(1, round(image.get_width() * scale)), max(1, round(image.get_height() * scale)))
    if image.get_bitsize() not in (24, 32):  # smoothscale takes 24 and 32 bit surfaces only
        return pygame.transform.scale(image, size)
    return pygame.transform.smoothscale(image, size)
