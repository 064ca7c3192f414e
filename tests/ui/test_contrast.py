"""Every text colour on every background it is drawn on reads at >= 4.5:1 (WCAG AA, small text).

The colours come from assets/theme.yaml through the real `Style` (both palettes), including
the ones the widgets derive: button labels and key hints in every kind and focus state, grade
badges, outcome labels and the header chip.
"""

from __future__ import annotations

import pytest

from simulator.ui.theme import Style, load_theme
from simulator.ui.widgets.button import Button

AA_SMALL = 4.5
THEME = load_theme()


def _luminance(rgb) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (1.0 .. 21.0)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_ratio_matches_known_values():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert contrast((10, 20, 30), (10, 20, 30)) == pytest.approx(1.0)


def _pairs(style: Style):
    """(what, foreground, background) for every text drawn in the game."""
    for background, foregrounds in THEME.text_on.items():
        for foreground in foregrounds:
            yield f"{foreground} on {background}", style.color(foreground), style.color(background)
    for kind in ("primary", "secondary", "danger", "ghost"):
        for focused in (False, True):
            button = Button("Go", lambda: None, kind=kind, hint="Enter")
            fill, label, hint = button.colors(style, focused)
            fill = fill if fill is not None else style.color("surface")
            state = "focused" if focused else "idle"
            yield f"{kind} button label ({state})", label, fill
            yield f"{kind} button key hint ({state})", hint, fill
    badge_text = style.color("text_inverse") if not style.high_contrast else style.color("accent_text")
    for grade in ("A", "B", "C", "D", "F"):
        yield f"grade {grade} badge", badge_text, style.grade_color(grade)
    for outcome in ("delighted", "resolved", "unresolved", "escalated", "walked-out"):
        yield f"outcome {outcome} label", style.outcome_color(outcome), style.color("surface")


@pytest.mark.parametrize("palette", ["normal", "high_contrast"])
def test_every_text_and_background_pair_reads_at_4_5_to_1(palette):
    style = Style(THEME, palette)
    pairs = list(_pairs(style))
    assert len(pairs) > 40, "the theme lists the text pairs (text_on) and the widgets add theirs"
    weak = [f"{what}: {contrast(fg, bg):.2f}:1" for what, fg, bg in pairs if contrast(fg, bg) < AA_SMALL]
    assert not weak, f"{palette}: below {AA_SMALL}:1 -> " + "; ".join(weak)


def test_the_old_faded_enter_hint_would_fail():
    # The check can fail: the hint as it used to be drawn (30 % toward the fill) is too faint.
    from simulator.ui.theme import mix

    style = Style(THEME, "normal")
    faded = mix(style.color("accent_text"), style.color("accent"), 0.3)
    assert contrast(faded, style.color("accent")) < AA_SMALL
