"""The theme: colours, type scale and spacing read from `assets/theme.yaml`.

`ThemeData` is the frozen file content. `Style` is what scenes draw with: one palette
(normal or high contrast) at one scale (from the window size and the text-size setting).
A missing or broken theme file never stops the game: it logs a warning and falls back to
a small built-in palette, because a trainee cannot fix a theme file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from simulator.paths import ASSETS_DIR

log = logging.getLogger(__name__)

THEME_PATH = ASSETS_DIR / "theme.yaml"
Color = tuple[int, int, int]

# Emergency values only: the real look lives in assets/theme.yaml.
_FALLBACK: dict[str, Any] = {
    "fonts": {"regular": "AtkinsonHyperlegible-Regular.ttf", "bold": "AtkinsonHyperlegible-Bold.ttf",
              "italic": "AtkinsonHyperlegible-Italic.ttf", "mono": "DejaVuSansMono.ttf",
              "fallback": "DejaVuSans.ttf"},
    "type_scale": {"caption": 15, "body": 19, "reply": 19, "label": 17, "subtitle": 23,
                   "title": 32, "display": 46},
    "text_sizes": {"small": 0.9, "medium": 1.0, "large": 1.15, "x-large": 1.3},
    "text_speeds": {"slow": 30, "normal": 60, "fast": 120, "instant": 0},
    "spacing": {"xxs": 2, "xs": 4, "s": 8, "m": 14, "l": 22, "xl": 34, "xxl": 52},
    "radius": {"s": 6, "m": 10, "l": 16},
    "focus_ring": {"width": 3, "gap": 3},
    "scale": {"base_width": 1280, "base_height": 720, "min": 0.78, "max": 2.4},
    "mood_colors": {}, "outcome_colors": {}, "grade_colors": {},
    "palettes": {
        "normal": {"background": "#eef0f4", "surface": "#ffffff", "text": "#1b2230",
                   "text_muted": "#566074", "border": "#cdd3dd", "accent": "#2859c5",
                   "accent_text": "#ffffff", "focus": "#e8590c", "header": "#1d2b45",
                   "header_text": "#ffffff"},
        "high_contrast": {"background": "#000000", "surface": "#000000", "text": "#ffffff",
                          "text_muted": "#e6e6e6", "border": "#ffffff", "accent": "#ffd60a",
                          "accent_text": "#000000", "focus": "#00e5ff", "header": "#000000",
                          "header_text": "#ffffff"},
    },
}
# Any colour name a palette forgets resolves through this chain, then to `text`.
_COLOR_ALIASES = {
    "background_top": "background", "surface_alt": "surface", "surface_sunken": "background",
    "header_muted": "header_text", "text_inverse": "surface", "accent_soft": "surface",
    "hover": "surface_alt", "pressed": "accent_soft", "disabled": "text_muted",
    "danger": "text", "danger_soft": "surface", "warning": "text", "warning_soft": "surface",
    "success": "text", "success_soft": "surface", "shadow": "border", "overlay": "text",
    "chart_grid": "border", "chart_line": "accent", "bar_track": "surface_sunken",
    "bar_fill": "accent", "bar_low": "warning", "bubble": "surface", "bubble_border": "border",
    "face_skin": "surface", "face_skin_shade": "border", "face_hair": "text",
    "face_line": "text", "face_flush": "danger", "face_cheek": "danger",
    "face_backdrop": "surface_sunken",
}


def parse_color(value: Any, default: Color = (255, 0, 255)) -> Color:
    """'#rrggbb' (or a 3-list of ints) -> an RGB tuple; anything else -> `default`."""
    if isinstance(value, str) and value.startswith("#") and len(value) == 7:
        try:
            return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))
        except ValueError:
            return default
    if isinstance(value, (list, tuple)) and len(value) == 3 and all(isinstance(v, int) for v in value):
        return tuple(max(0, min(255, v)) for v in value)  # type: ignore[return-value]
    return default


def mix(a: Color, b: Color, t: float) -> Color:
    """Linear blend from colour `a` (t=0) to `b` (t=1)."""
    t = 0.0 if t < 0 else 1.0 if t > 1 else t
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


@dataclass(frozen=True, slots=True)
class ThemeData:
    """The parsed theme file (or the built-in fallback)."""

    fonts: Mapping[str, str]
    type_scale: Mapping[str, float]
    text_sizes: Mapping[str, float]
    text_speeds: Mapping[str, float]
    spacing: Mapping[str, float]
    radius: Mapping[str, float]
    focus_ring: Mapping[str, float]
    scale: Mapping[str, float]
    palettes: Mapping[str, Mapping[str, Color]]
    mood_colors: Mapping[str, Color] = field(default_factory=dict)
    outcome_colors: Mapping[str, Color] = field(default_factory=dict)
    grade_colors: Mapping[str, Color] = field(default_factory=dict)
    text_on: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # background -> text colours on it
    system_fonts: tuple[str, ...] = ()  # installed families tried for characters no bundled font has
    source: str = "<built-in>"


def _merged(base: Mapping, override: Any) -> dict:
    out = dict(base)
    if isinstance(override, Mapping):
        out.update({str(k): v for k, v in override.items()})
    return out


def _numbers(section: Mapping) -> Mapping[str, float]:
    return MappingProxyType({k: float(v) for k, v in section.items()
                             if isinstance(v, (int, float)) and not isinstance(v, bool)})


def _colors(section: Any) -> Mapping[str, Color]:
    if not isinstance(section, Mapping):
        return MappingProxyType({})
    return MappingProxyType({str(k): parse_color(v) for k, v in section.items()})


def _pairs(section: Any) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(section, Mapping):
        return MappingProxyType({})
    return MappingProxyType({str(k): tuple(str(c) for c in v) for k, v in section.items()
                             if isinstance(v, (list, tuple))})


def _names(section: Any) -> tuple[str, ...]:
    if not isinstance(section, (list, tuple)):
        return ()
    return tuple(str(name) for name in section if isinstance(name, str) and name.strip())[:32]


def load_theme(path: Path = THEME_PATH) -> ThemeData:
    """Read the theme file; on any problem log a warning and use built-in values."""
    raw: Any = {}
    try:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with open(path, "rb") as handle:
            raw = yaml.load(handle, Loader=loader) or {}
        if not isinstance(raw, Mapping):
            raise ValueError("the top level is not a mapping")
    except Exception as error:  # any unreadable theme must not stop the game
        log.warning("theme %s unusable (%s); using the built-in theme", path, error)
        raw = {}
    data = {key: _merged(value, raw.get(key)) if isinstance(value, dict) else value
            for key, value in _FALLBACK.items()}
    palettes = {}
    for name, fallback in _FALLBACK["palettes"].items():
        merged = _merged(fallback, (raw.get("palettes") or {}).get(name)
                         if isinstance(raw.get("palettes"), Mapping) else None)
        palettes[name] = _colors(merged)
    return ThemeData(
        fonts=MappingProxyType({k: str(v) for k, v in data["fonts"].items()}),
        type_scale=_numbers(data["type_scale"]),
        text_sizes=_numbers(data["text_sizes"]),
        text_speeds=_numbers(data["text_speeds"]),
        spacing=_numbers(data["spacing"]),
        radius=_numbers(data["radius"]),
        focus_ring=_numbers(data["focus_ring"]),
        scale=_numbers(data["scale"]),
        palettes=MappingProxyType(palettes),
        mood_colors=_colors(data["mood_colors"]),
        outcome_colors=_colors(data["outcome_colors"]),
        grade_colors=_colors(data["grade_colors"]),
        text_on=_pairs(raw.get("text_on")),
        system_fonts=_names(raw.get("system_fonts")),
        source=str(path) if raw else "<built-in>",
    )


def window_scale(data: ThemeData, width: int, height: int) -> float:
    """UI scale for a window: 1.0 at the base size, proportional to the tighter axis."""
    base_w = data.scale.get("base_width", 1280.0)
    base_h = data.scale.get("base_height", 720.0)
    raw = min(width / base_w, height / base_h)
    return max(data.scale.get("min", 0.75), min(data.scale.get("max", 2.5), raw))


class Style:
    """One palette at one scale: the only thing scenes and widgets ask for looks."""

    __slots__ = ("data", "palette_name", "scale", "text_multiplier", "_palette", "show_focus")

    def __init__(self, data: ThemeData, palette_name: str = "normal", scale: float = 1.0,
                 text_multiplier: float = 1.0) -> None:
        self.data = data
        self.palette_name = palette_name if palette_name in data.palettes else "normal"
        self.scale = scale
        self.text_multiplier = text_multiplier
        self._palette = data.palettes[self.palette_name]
        # False while a scene under a modal draws: only the top scene shows its focus ring.
        self.show_focus = True

    @property
    def high_contrast(self) -> bool:
        return self.palette_name == "high_contrast"

    def color(self, name: str) -> Color:
        """A palette colour by name; unknown names follow aliases, never raise."""
        seen = 0
        while name not in self._palette and name in _COLOR_ALIASES and seen < 8:
            name, seen = _COLOR_ALIASES[name], seen + 1
        return self._palette.get(name) or self._palette.get("text", (0, 0, 0))

    def mood_color(self, expression: str) -> Color:
        if self.high_contrast:
            return self.color("accent")
        return self.data.mood_colors.get(expression, self.color("text_muted"))

    def outcome_color(self, outcome: str) -> Color:
        if self.high_contrast:
            return self.color("text")
        return self.data.outcome_colors.get(outcome, self.color("text"))

    def grade_color(self, grade: str) -> Color:
        if self.high_contrast:
            return self.color("accent")
        return self.data.grade_colors.get(grade, self.color("text"))

    def px(self, value: float) -> int:
        """A layout length (pixels at 1280x720) at the current window scale."""
        return max(1, round(value * self.scale))

    def space(self, name: str) -> int:
        return self.px(self.data.spacing.get(name, 8.0))

    def radius(self, name: str = "m") -> int:
        return self.px(self.data.radius.get(name, 8.0))

    def font_px(self, role: str) -> int:
        """Pixel size of a type role: window scale times the text-size setting."""
        base = self.data.type_scale.get(role, self.data.type_scale.get("body", 19.0))
        return max(9, round(base * self.scale * self.text_multiplier))

    @property
    def focus_width(self) -> int:
        return max(2, self.px(self.data.focus_ring.get("width", 3.0)))

    @property
    def focus_gap(self) -> int:
        return max(1, self.px(self.data.focus_ring.get("gap", 3.0)))

    def text_speed(self, step: str) -> float:
        """Characters per second for a settings step; 0 means instant."""
        return float(self.data.text_speeds.get(step, 60.0))
