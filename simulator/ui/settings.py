"""A trainee's game settings, persisted per profile as a plain dict."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping

TEXT_SIZES: tuple[str, ...] = ("small", "medium", "large", "x-large")
TEXT_SPEEDS: tuple[str, ...] = ("slow", "normal", "fast", "instant")
TEXT_SIZE_LABELS = {"small": "Small", "medium": "Medium", "large": "Large", "x-large": "Extra large"}
TEXT_SPEED_LABELS = {"slow": "Slow", "normal": "Normal", "fast": "Fast", "instant": "Instant"}


@dataclass(slots=True)
class Settings:
    """What the Settings screen changes. Unknown or malformed stored values are ignored."""

    text_size: str = "medium"
    text_speed: str = "normal"
    high_contrast: bool = False
    reduced_motion: bool = False
    show_mood: bool = True
    fullscreen: bool = False
    speech: bool = False  # read customer lines aloud (only when espeak-ng is installed)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Settings":
        """Build from stored data, keeping defaults for anything missing or invalid."""
        settings = cls()
        if not isinstance(data, Mapping):
            return settings
        for field in fields(cls):
            value = data.get(field.name)
            default = getattr(settings, field.name)
            if isinstance(default, bool) and isinstance(value, bool):
                setattr(settings, field.name, value)
            elif field.name == "text_size" and value in TEXT_SIZES:
                settings.text_size = value
            elif field.name == "text_speed" and value in TEXT_SPEEDS:
                settings.text_speed = value
        return settings

    def copy(self) -> "Settings":
        return Settings.from_dict(self.to_dict())


def cycle(options: tuple[str, ...], current: str, step: int) -> str:
    """The option `step` places from `current`, clamped at both ends."""
    index = options.index(current) if current in options else 0
    return options[max(0, min(len(options) - 1, index + step))]
