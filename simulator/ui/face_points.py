"""Nine reference points on the face's (valence, arousal) plane, named as a person would.

The face is continuous: the game eases between any two moods. These points are where the
faces sheet, the tests and the start screen look at it. The six mood labels the engine
uses (furious .. delighted, from mood.yaml) are among them; worried, dejected and relieved
fill the low-arousal corners the engine's customers pass through on the way.
"""

from __future__ import annotations

REFERENCE_EXPRESSIONS: tuple[tuple[str, float, float], ...] = (
    ("furious", -0.9, 0.85),
    ("angry", -0.55, 0.45),
    ("annoyed", -0.22, 0.05),
    ("worried", -0.45, -0.15),
    ("dejected", -0.6, -0.75),
    ("neutral", 0.05, 0.0),
    ("relieved", 0.3, -0.55),
    ("pleased", 0.4, 0.15),
    ("delighted", 0.85, 0.5),
)
