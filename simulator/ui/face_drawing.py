"""Drawing one customer's face from shapes: who they are (the look) and how they feel.

Feeling comes from two numbers, valence (-1 furious .. +1 delighted) and arousal (-1 flat ..
+1 worked up), blended into a few muscle-like weights (anger, worry, sadness, joy,
surprise). Each weight moves shapes, never only colours, so a face reads in greyscale:

- anger: brows pulled down into a V, upper lids lowered, mouth pressed into a frown; at its
  height the mouth opens to shout and a vein mark appears;
- annoyance (mild anger, little arousal): flat lowered brows, half-closed lids, a tight
  mouth pulled down at one corner;
- worry: inner brow ends raised into a tent, eyes wide, a small wavering mouth, a sweat drop;
- sadness (negative, flat): brows tented, lids heavy, deep frown;
- joy: brows lifted and curved, lower lids pushed up by the cheeks (pupils stay visible),
  a smile that opens wide when delighted.

The look (age, hair, skin, facial hair, glasses, clothing) comes from
`simulator.scenario.look`. Everything is drawn at twice the size and scaled down smoothly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame

from simulator.scenario.look import CustomerLook, vocabulary
from simulator.ui.theme import Color, Style, mix

SUPERSAMPLE = 2


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return low if value < low else high if value > high else value


def _hex(value: str | None, fallback: Color) -> Color:
    if not value:
        return fallback
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


@dataclass(frozen=True, slots=True)
class Feeling:
    """Muscle-like weights, each 0..1, from (valence, arousal)."""

    anger: float
    annoyance: float  # mild displeasure with little arousal: the eye-roll before anger
    worry: float
    sadness: float
    joy: float
    relief: float  # content and unhurried: soft lids, a small smile
    surprise: float
    valence: float
    arousal: float

    @classmethod
    def of(cls, valence: float, arousal: float) -> "Feeling":
        negative = _clamp(-valence * 1.3)
        return cls(
            anger=negative * _clamp(0.5 + arousal * 1.1),
            annoyance=_clamp(1.0 - abs(valence + 0.25) * 4.0) * _clamp(1.0 - abs(arousal) * 1.5),
            worry=negative * _clamp(1.0 - abs(arousal + 0.15) * 2.2) * _clamp(1.6 - negative),
            sadness=negative * _clamp(-arousal * 1.6 - 0.2),
            joy=_clamp(valence * 1.25),
            relief=_clamp(valence * 2.0) * _clamp(-arousal * 1.5),
            surprise=_clamp(arousal * 1.8 - 0.9) * _clamp(1.0 - abs(valence) * 2.5),
            valence=valence, arousal=arousal)


@dataclass(frozen=True, slots=True)
class Palette:
    skin: Color
    shade: Color
    hair: Color
    line: Color
    clothing: Color
    flush: Color
    cheek: Color
    backdrop: Color
    high_contrast: bool


def palette_for(style: Style, look: CustomerLook, tint: Color) -> Palette:
    vocab = vocabulary()
    skin = _hex(vocab.colour("skin_tone", look.skin_tone), style.color("face_skin"))
    shade = _hex(vocab.colour("skin_tone", look.skin_tone, "shade"), style.color("face_skin_shade"))
    hair = _hex(vocab.colour("hair_colour", look.hair_colour), style.color("face_hair"))
    clothing = _hex(vocab.colour("clothing", look.clothing), style.color("accent"))
    backdrop = mix(style.color("face_backdrop"), tint, 0.0 if style.high_contrast else 0.35)
    return Palette(skin=skin, shade=shade, hair=hair, line=style.color("face_line"), clothing=clothing,
                   flush=style.color("face_flush"), cheek=style.color("face_cheek"), backdrop=backdrop,
                   high_contrast=style.high_contrast)


def draw_face(style: Style, size: int, valence: float, arousal: float, look: CustomerLook,
              tint: Color) -> pygame.Surface:
    """The face as a `size` x `size` surface with a round, mood-tinted backdrop."""
    s = size * SUPERSAMPLE
    big = pygame.Surface((s, s), pygame.SRCALPHA)
    pal = palette_for(style, look, tint)
    f = Feeling.of(valence, arousal)
    g = _Geometry(s, look)
    pygame.draw.circle(big, pal.backdrop, (s / 2, s / 2), s * 0.49)
    skin = mix(pal.skin, pal.flush, 0.35 * f.anger)

    _hair_back(big, g, look, pal)
    _body(big, g, look, pal)
    _ears_and_neck(big, g, pal)
    pygame.draw.ellipse(big, skin, g.head)
    _age_lines(big, g, look, pal, f)
    _facial_hair(big, g, look, pal)
    _hair_front(big, g, look, pal)
    _eyes(big, g, pal, skin, f)
    _brows(big, g, look, pal, f)
    _nose(big, g, pal)
    _cheeks(big, g, pal, skin, f)
    _mouth(big, g, pal, f)
    if look.facial_hair == "moustache":
        _moustache(big, g, pal)
    if look.glasses != "none":
        _glasses(big, g, look, pal)
    _marks(big, g, pal, f)
    if pal.high_contrast:
        pygame.draw.circle(big, style.color("border"), (s / 2, s / 2), s * 0.49, max(2, s // 90))
    # keep everything inside the round backdrop
    mask = pygame.Surface(big.get_size(), pygame.SRCALPHA)
    pygame.draw.circle(mask, (255, 255, 255, 255), (s / 2, s / 2), s * 0.49)
    big.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
    return pygame.transform.smoothscale(big, (size, size))


class _Geometry:
    """Where the parts of the face sit, for one size and age."""

    def __init__(self, s: int, look: CustomerLook) -> None:
        self.s = s
        self.cx, self.cy = s / 2, s * 0.5
        self.r = r = s * 0.3
        wide = {"young": 0.96, "adult": 1.0, "middle": 1.03, "older": 1.05}.get(look.age, 1.0)
        self.head = pygame.Rect(0, 0, r * 1.8 * wide, r * 2.1)
        self.head.center = (self.cx, self.cy)
        self.eye_y = self.cy - r * 0.02
        self.eye_dx = r * 0.37
        self.eye_w = r * (0.4 if look.age == "young" else 0.37)
        self.mouth_y = self.cy + r * 0.55
        self.width = max(2, round(s * 0.016))


def _hair_back(big: pygame.Surface, g: _Geometry, look: CustomerLook, pal: Palette) -> None:
    cx, cy, r = g.cx, g.cy, g.r
    style = look.hair_style
    if style in ("long", "bob"):
        bottom = cy + r * (1.55 if style == "long" else 0.75)
        rect = pygame.Rect(cx - r * 1.08, cy - r * 1.2, r * 2.16, bottom - (cy - r * 1.2))
        pygame.draw.rect(big, pal.hair, rect, border_radius=round(r * 0.7))
    elif style == "ponytail":
        tail = pygame.Rect(0, 0, r * 0.55, r * 1.3)
        tail.midtop = (cx + r * 0.95, cy - r * 0.5)
        pygame.draw.ellipse(big, pal.hair, tail)
    elif style == "bun":
        pygame.draw.circle(big, pal.hair, (cx, cy - r * 1.2), r * 0.38)


def _body(big: pygame.Surface, g: _Geometry, look: CustomerLook, pal: Palette) -> None:
    cx, cy, r = g.cx, g.cy, g.r
    body = pygame.Rect(0, 0, r * 2.7, r * 1.6)
    body.midtop = (cx, cy + r * 1.05)
    pygame.draw.ellipse(big, pal.clothing, body)
    collar = [(cx - r * 0.42, cy + r * 1.1), (cx, cy + r * 1.5), (cx + r * 0.42, cy + r * 1.1)]
    pygame.draw.lines(big, mix(pal.clothing, (0, 0, 0), 0.35), False, collar, g.width)


def _ears_and_neck(big: pygame.Surface, g: _Geometry, pal: Palette) -> None:
    cx, cy, r = g.cx, g.cy, g.r
    pygame.draw.rect(big, pal.shade, pygame.Rect(cx - r * 0.26, cy + r * 0.7, r * 0.52, r * 0.5))
    for side in (-1, 1):
        ear = pygame.Rect(0, 0, r * 0.28, r * 0.4)
        ear.center = (cx + side * g.head.width / 2, cy + r * 0.05)
        pygame.draw.ellipse(big, pal.shade, ear)


def _hair_front(big: pygame.Surface, g: _Geometry, look: CustomerLook, pal: Palette) -> None:
    cx, cy, r = g.cx, g.cy, g.r
    top = g.head.top
    style = look.hair_style
    if style == "bald":
        for side in (-1, 1):  # a fringe of hair round the sides
            rect = pygame.Rect(0, 0, r * 0.26, r * 0.5)
            rect.center = (cx + side * g.head.width * 0.46, cy - r * 0.3)
            pygame.draw.ellipse(big, pal.hair, rect)
        return
    if style == "buzz":
        cap = pygame.Rect(g.head.left + r * 0.02, top - r * 0.04, g.head.width - r * 0.04, r * 1.1)
        pygame.draw.ellipse(big, mix(pal.hair, pal.skin, 0.35), cap)
        pygame.draw.ellipse(big, mix(pal.hair, pal.skin, 0.35), cap.inflate(-r * 0.1, -r * 0.3).move(0, r * 0.15))
        forehead = pygame.Rect(cx - r * 0.7, cy - r * 0.72, r * 1.4, r * 0.9)
        pygame.draw.ellipse(big, pal.skin, forehead)
        return
    if style == "curly":
        for i in range(11):
            angle = math.pi * (1.05 + 0.9 * i / 10)
            x = cx + math.cos(angle) * r * 0.95
            y = cy - r * 0.35 + math.sin(angle) * r * 0.85
            pygame.draw.circle(big, pal.hair, (x, y), r * 0.28)
        pygame.draw.ellipse(big, pal.hair, pygame.Rect(cx - r * 0.8, top - r * 0.15, r * 1.6, r * 0.7))
        return
    cap = pygame.Rect(g.head.left - r * 0.04, top - r * 0.1, g.head.width + r * 0.08, r * 0.66)
    pygame.draw.ellipse(big, pal.hair, cap)
    if style in ("bob", "long"):  # a straight fringe and locks framing the face
        pygame.draw.rect(big, pal.hair, pygame.Rect(cx - r * 0.86, top + r * 0.1, r * 1.72, r * 0.42),
                         border_radius=round(r * 0.2))
        for side in (-1, 1):
            lock = pygame.Rect(0, 0, r * 0.3, r * (1.5 if style == "long" else 1.1))
            lock.midtop = (cx + side * r * 0.84, top + r * 0.3)
            pygame.draw.ellipse(big, pal.hair, lock)
        return
    # short, bun, ponytail: a side parting swept across the forehead
    fringe = [(cx - r * 0.9, cy - r * 0.4), (cx - r * 0.84, cy - r * 0.78), (cx - r * 0.3, cy - r * 0.72),
              (cx + r * 0.35, cy - r * 0.84), (cx + r * 0.9, cy - r * 0.5), (cx + r * 0.9, cy - r * 0.9),
              (cx, cy - r * 1.06)]
    pygame.draw.polygon(big, pal.hair, fringe)


def _age_lines(big: pygame.Surface, g: _Geometry, look: CustomerLook, pal: Palette, f: Feeling) -> None:
    cx, cy, r = g.cx, g.cy, g.r
    if look.age not in ("middle", "older"):
        return
    line = mix(pal.skin, pal.line, 0.35)
    w = max(1, g.width // 2)
    for side in (-1, 1):  # laughter lines beside the mouth
        rect = pygame.Rect(0, 0, r * 0.5, r * 0.6)
        rect.center = (cx + side * r * 0.36, cy + r * 0.42)
        start, end = (100, 200) if side < 0 else (-20, 80)
        pygame.draw.arc(big, line, rect, math.radians(start), math.radians(end), w)
    if look.age == "older":
        for i in range(2):  # forehead lines
            y = cy - r * (0.62 - 0.1 * i)
            pygame.draw.arc(big, line, pygame.Rect(cx - r * 0.42, y, r * 0.84, r * 0.22),
                            math.radians(20), math.radians(160), w)


def _facial_hair(big: pygame.Surface, g: _Geometry, look: CustomerLook, pal: Palette) -> None:
    cx, cy, r = g.cx, g.cy, g.r
    if look.facial_hair == "beard":
        jaw = pygame.Rect(0, 0, g.head.width * 0.98, r * 1.25)
        jaw.midbottom = (cx, g.head.bottom + r * 0.06)
        pygame.draw.ellipse(big, pal.hair, jaw)
        pygame.draw.ellipse(big, pal.skin, pygame.Rect(cx - r * 0.62, jaw.top - r * 0.25, r * 1.24, r * 0.7))
        pygame.draw.ellipse(big, mix(pal.hair, pal.skin, 0.45),
                            pygame.Rect(cx - r * 0.36, g.mouth_y - r * 0.18, r * 0.72, r * 0.36))
    elif look.facial_hair == "stubble":
        stubble = pygame.Surface(big.get_size(), pygame.SRCALPHA)
        jaw = pygame.Rect(0, 0, g.head.width * 0.84, r * 0.8)
        jaw.midbottom = (cx, g.head.bottom - r * 0.02)
        pygame.draw.ellipse(stubble, (*pal.hair, 42), jaw)
        pygame.draw.ellipse(stubble, (0, 0, 0, 0), pygame.Rect(cx - r * 0.7, jaw.top - r * 0.35, r * 1.4, r * 0.7))
        big.blit(stubble, (0, 0))


def _eyes(big: pygame.Surface, g: _Geometry, pal: Palette, skin: Color, f: Feeling) -> None:
    r, w = g.r, g.width
    # how open: wide with surprise and worry, narrowed by anger, heavy with sadness
    openness = _clamp(0.62 + 0.3 * f.surprise + 0.25 * f.worry + 0.15 * max(0.0, f.arousal)
                      - 0.25 * f.sadness, 0.3, 1.0)
    # the upper lid covers the top: lowered in anger (glaring wide again at fury's height),
    # half-closed in annoyance, heavy in sadness
    upper_lid = _clamp(0.55 * f.anger * _clamp(1.25 - f.arousal) + 0.45 * f.annoyance
                       + 0.45 * f.sadness * (1 - f.anger) + 0.4 * f.relief - 0.2 * f.surprise)
    lower_lid = _clamp(0.45 * f.joy - 0.1)  # cheeks push the lower lid up
    for side in (-1, 1):
        ex = g.cx + side * g.eye_dx
        white = pygame.Rect(0, 0, g.eye_w, g.eye_w * 0.8 * openness)
        white.center = (ex, g.eye_y)
        pygame.draw.ellipse(big, (252, 252, 250), white)
        pupil_r = g.eye_w * 0.24 * (0.8 if f.surprise > 0.4 else 1.0)
        glance = g.eye_w * 0.18 * f.annoyance  # an annoyed look slides away to the side
        px, py = ex + glance, g.eye_y + white.height * 0.05
        pygame.draw.circle(big, pal.line, (px, py), pupil_r)
        pygame.draw.circle(big, (255, 255, 255), (px + pupil_r * 0.35, py - pupil_r * 0.35), pupil_r * 0.3)
        if upper_lid > 0.02:  # a lid of skin over the top, its edge slanting to the nose in anger
            drop = white.height * upper_lid
            slant = white.height * 0.45 * f.anger * -side
            lid = [(white.left - 2, white.top - 4), (white.right + 2, white.top - 4),
                   (white.right + 2, white.top + drop + slant), (white.left - 2, white.top + drop - slant)]
            pygame.draw.polygon(big, skin, lid)
            pygame.draw.line(big, pal.line, lid[3], lid[2], w)
        if lower_lid > 0.02:
            lift = white.height * lower_lid
            cheek = pygame.Rect(white.left - 3, white.bottom - lift, white.width + 6, white.height)
            pygame.draw.ellipse(big, skin, cheek)
            pygame.draw.arc(big, pal.line, cheek, math.radians(25), math.radians(155), max(1, w - 1))
        pygame.draw.ellipse(big, pal.line, white, max(1, w // 2))


def _brows(big: pygame.Surface, g: _Geometry, look: CustomerLook, pal: Palette, f: Feeling) -> None:
    r = g.r
    # darker than the hair, so brows read against a fringe and on any skin
    colour = mix(pal.hair, pal.line, 0.55 if look.hair_colour in ("white", "grey", "blonde") else 0.3)
    base = (g.eye_y - r * 0.29 - r * 0.06 * f.joy - r * 0.12 * f.surprise + r * 0.05 * f.anger
            + r * 0.06 * f.annoyance)
    inner = r * (0.2 * f.anger - 0.17 * max(f.worry, f.sadness))  # + drops the inner end
    outer = r * (-0.06 * f.anger + 0.05 * max(f.worry, f.sadness))
    arch = r * (0.06 + 0.06 * f.joy + 0.05 * f.surprise - 0.05 * f.anger - 0.05 * f.annoyance)  # mid lifts
    thick = round(g.width * (1.6 + 0.9 * f.anger))
    for side in (-1, 1):
        x_in, x_out = g.cx + side * r * 0.14, g.cx + side * r * 0.58
        p_in, p_out = (x_in, base + inner), (x_out, base + outer)
        mid = ((x_in + x_out) / 2, (p_in[1] + p_out[1]) / 2 - arch)
        pygame.draw.lines(big, colour, False, [p_in, mid, p_out], thick)
        for point in (p_in, mid, p_out):
            pygame.draw.circle(big, colour, point, thick / 2)


def _nose(big: pygame.Surface, g: _Geometry, pal: Palette) -> None:
    r = g.r
    pygame.draw.arc(big, pal.shade, pygame.Rect(g.cx - r * 0.11, g.cy + r * 0.08, r * 0.22, r * 0.24),
                    math.radians(200), math.radians(340), g.width)


def _cheeks(big: pygame.Surface, g: _Geometry, pal: Palette, skin: Color, f: Feeling) -> None:
    if f.joy <= 0.3:
        return
    r = g.r
    cheek = mix(skin, pal.cheek, 0.55 * _clamp((f.joy - 0.3) * 1.6))
    for side in (-1, 1):
        pygame.draw.ellipse(big, cheek, pygame.Rect(g.cx + side * r * 0.52 - r * 0.15, g.cy + r * 0.24,
                                                    r * 0.3, r * 0.17))


def _mouth(big: pygame.Surface, g: _Geometry, pal: Palette, f: Feeling) -> None:
    r, w, cx, my = g.r, g.width, g.cx, g.mouth_y
    half = r * (0.24 + 0.14 * f.joy + 0.05 * f.anger - 0.08 * f.worry)
    curve = r * (0.24 * f.valence - 0.08 * f.sadness)  # + corners up
    skew = r * 0.1 * f.annoyance  # annoyance pulls one corner down
    shout = _clamp((f.anger - 0.78) * 4.0)
    laugh = _clamp((f.joy - 0.62) * 2.8)
    gasp = _clamp(f.surprise * 1.4)
    opening = r * (0.3 * shout + 0.22 * laugh + 0.16 * gasp)
    steps = 18
    upper, lower = [], []
    for i in range(steps + 1):
        t = -1 + 2 * i / steps
        bend = 1 - t * t
        wobble = r * 0.025 * f.worry * math.sin(t * math.pi * 2)
        y = my + curve * (bend - 0.5) + skew * (t + 1) / 2 + wobble
        upper.append((cx + t * half, y))
        lower.append((cx + t * half, y + opening * bend ** 0.8))
    if opening > r * 0.04:
        pygame.draw.polygon(big, (92, 32, 38), upper + lower[::-1])
        if laugh > 0.2 or shout > 0.2:  # teeth along the top
            teeth = [(x, y + (ly - y) * 0.32) for (x, y), (_, ly) in zip(upper, lower)]
            pygame.draw.polygon(big, (250, 250, 245), upper + teeth[::-1])
        pygame.draw.lines(big, pal.line, True, upper + lower[::-1], w)
    else:
        pygame.draw.lines(big, pal.line, False, upper, w + 1)
        for point in (upper[0], upper[-1]):
            pygame.draw.circle(big, pal.line, point, (w + 1) / 2)


def _moustache(big: pygame.Surface, g: _Geometry, pal: Palette) -> None:
    r = g.r
    rect = pygame.Rect(0, 0, r * 0.6, r * 0.17)
    rect.midbottom = (g.cx, g.mouth_y - r * 0.15)  # above the mouth, so a frown still shows
    pygame.draw.ellipse(big, pal.hair, rect)


def _glasses(big: pygame.Surface, g: _Geometry, look: CustomerLook, pal: Palette) -> None:
    r, w = g.r, g.width
    frame = mix(pal.line, (60, 60, 70), 0.3)
    size = g.eye_w * 1.45
    rects = []
    for side in (-1, 1):
        rect = pygame.Rect(0, 0, size, size * 0.82)
        rect.center = (g.cx + side * g.eye_dx, g.eye_y)
        rects.append(rect)
        if look.glasses == "round":
            pygame.draw.ellipse(big, frame, rect, w)
        else:
            pygame.draw.rect(big, frame, rect, w, border_radius=round(r * 0.06))
        arm_x = rect.left if side < 0 else rect.right
        pygame.draw.line(big, frame, (arm_x, g.eye_y - size * 0.15), (g.cx + side * g.head.width * 0.48,
                                                                     g.eye_y - size * 0.2), w)
    pygame.draw.line(big, frame, (rects[0].right, g.eye_y - size * 0.1), (rects[1].left, g.eye_y - size * 0.1), w)


def _marks(big: pygame.Surface, g: _Geometry, pal: Palette, f: Feeling) -> None:
    """Symbols that say it without colour: a vein mark for fury, a sweat drop for worry."""
    r, w = g.r, g.width
    if f.anger > 0.6:
        mark = pal.line if pal.high_contrast else pal.flush
        # on the forehead's upper corner, well inside the round backdrop
        mx, my, m = g.cx + r * 0.62, g.cy - r * 0.86, r * 0.1 * (0.7 + f.anger)
        for dx, dy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
            rect = pygame.Rect(0, 0, m * 1.4, m * 1.4)
            rect.center = (mx + dx * m, my + dy * m)
            start = {(-1, -1): 270, (1, -1): 180, (-1, 1): 0, (1, 1): 90}[(dx, dy)]
            pygame.draw.arc(big, mark, rect, math.radians(start), math.radians(start + 90), w + 2)
    if f.worry > 0.45:
        x, y, d = g.cx - r * 0.78, g.cy - r * 0.45, r * 0.12
        drop = [(x, y - d * 1.6), (x + d * 0.75, y), (x, y + d * 0.7), (x - d * 0.75, y)]
        pygame.draw.polygon(big, (190, 225, 250) if not pal.high_contrast else (255, 255, 255), drop)
        pygame.draw.polygon(big, pal.line, drop, max(1, w // 2))
