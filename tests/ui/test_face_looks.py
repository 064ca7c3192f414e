"""The customer's face: a look for every customer, and expressions that read without colour."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pygame
import pytest

from simulator import paths
from simulator.scenario.catalog import load_catalog
from simulator.scenario.loader import load_scenario
from simulator.scenario.look import LOOK_FIELDS, CustomerLook, derived_look, vocabulary
from simulator.ui.face import FaceRenderer
from simulator.ui.face_points import REFERENCE_EXPRESSIONS
from simulator.ui.theme import Style, load_theme

LOOKS = (
    CustomerLook(age="adult", hair_style="short", hair_colour="dark-brown", skin_tone="fair", facial_hair="stubble"),
    CustomerLook(age="adult", hair_style="curly", hair_colour="black", skin_tone="deep", clothing="mustard"),
    CustomerLook(age="older", hair_style="bald", hair_colour="white", skin_tone="light", facial_hair="moustache",
                 glasses="round", clothing="green"),
)


@pytest.fixture(scope="module")
def style():
    pygame.init()
    if pygame.display.get_surface() is None:
        pygame.display.set_mode((1, 1))
    return Style(load_theme())


def _feature_mask(surface: pygame.Surface) -> np.ndarray:
    """Where the strokes are (brows, lids, pupils, mouth): edges of the greyscale image, so
    skin tone, flush and backdrop tint (smooth areas of colour) do not count."""
    rgb = pygame.surfarray.array3d(surface).astype(np.float32)
    luma = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    gx = np.abs(np.diff(luma, axis=0))[:, :-1]
    gy = np.abs(np.diff(luma, axis=1))[:-1, :]
    return np.maximum(gx, gy) > 28


@pytest.mark.parametrize("look", LOOKS, ids=["short-stubble", "curly", "older-glasses"])
def test_every_reference_expression_differs_in_shape_from_every_other(style, look):
    renderer = FaceRenderer(limit=16)
    size = 160
    masks = {name: _feature_mask(renderer.surface(style, size, v, a, look)) for name, v, a in REFERENCE_EXPRESSIONS}
    for (a_name, a), (b_name, b) in itertools.combinations(masks.items(), 2):
        changed = np.count_nonzero(a ^ b)
        # at least 0.4 % of the face's pixels change shape between any two expressions
        assert changed > 0.004 * size * size, f"{a_name} and {b_name} differ in only {changed} dark pixels"


def test_angry_and_annoyed_look_clearly_different(style):
    renderer = FaceRenderer()
    angry = dict((n, (v, a)) for n, v, a in REFERENCE_EXPRESSIONS)["angry"]
    annoyed = dict((n, (v, a)) for n, v, a in REFERENCE_EXPRESSIONS)["annoyed"]
    a = _feature_mask(renderer.surface(style, 200, *angry, LOOKS[0]))
    b = _feature_mask(renderer.surface(style, 200, *annoyed, LOOKS[0]))
    assert np.count_nonzero(a ^ b) > 0.01 * 200 * 200


def test_the_same_mood_looks_different_on_different_customers(style):
    renderer = FaceRenderer()
    faces = [pygame.surfarray.array3d(renderer.surface(style, 120, -0.5, 0.4, look)).astype(int) for look in LOOKS]
    for a, b in itertools.combinations(faces, 2):
        assert np.abs(a - b).mean() > 8


def test_the_face_cache_stays_bounded(style):
    renderer = FaceRenderer(limit=10)
    for i in range(40):
        renderer.surface(style, 64, -1 + i / 20, 0.0, LOOKS[i % 3])
    assert len(renderer._cache) == 10


def test_a_derived_look_is_stable_and_uses_only_known_values():
    vocab = vocabulary()
    look = derived_look("Priya Shah", "skeptic")
    assert look == derived_look("Priya Shah", "skeptic") == derived_look("  priya shah ", "skeptic")
    for field in LOOK_FIELDS:
        assert getattr(look, field) in vocab.choices(field)
    assert look.facial_hair == "none"  # never guessed from a name


def test_derived_looks_rarely_repeat():
    names = [f"{first} {last}" for first in ("Ana", "Ben", "Chloe", "Dev", "Eli", "Farah", "Gus", "Hana")
             for last in ("Ito", "Jones", "Kaur", "Lopez", "Moreau")]
    looks = [derived_look(name, persona) for name in names for persona in ("impatient", "skeptic")]
    assert len(set(looks)) >= 0.95 * len(looks)


def test_older_derived_customers_have_grey_or_white_hair():
    olds = [look for look in (derived_look(f"Customer {i}", "confused") for i in range(200)) if look.age == "older"]
    assert olds and all(look.hair_colour in ("grey", "white") for look in olds)


def test_every_shipped_customer_has_a_look_of_their_own():
    catalog, problems = load_catalog(paths.DATA_DIR)
    assert catalog is not None, problems
    looks = {}
    for file in sorted(Path(paths.SCENARIOS_DIR).glob("*.yaml")):
        scenario, diagnostics = load_scenario(file, catalog)
        assert scenario is not None, [d.message for d in diagnostics]
        looks[scenario.customer.name] = scenario.customer.look
    assert len(looks) >= 9
    assert len(set(looks.values())) == len(looks), "two shipped customers look exactly alike"
    older = [name for name, look in looks.items() if look.age == "older"]
    assert "Arthur Bell" in older  # the older, confused customer of the tablet scenario


def test_a_written_look_is_read_and_the_rest_is_filled_in(tmp_path):
    catalog, _ = load_catalog(paths.DATA_DIR)
    text = (
        "schema_version: 1\nid: looks\ntitle: Looks\n"
        "customer:\n  name: Rosa\n  persona: reasonable\n  look: {age: older, hair_style: bun, glasses: square}\n"
        "start: a\nnodes:\n  a:\n    say: {default: Hello.}\n    replies:\n"
        "      - {text: 'Hi there, how can I help?', acts: [invite], next: done, note: Opens the door.}\n"
        "      - {text: What now?, acts: [dismiss], next: done, note: Shuts it.}\n"
        "endings:\n  done: {outcome: resolved, text: Done.}\n")
    file = tmp_path / "looks.yaml"
    file.write_text(text, encoding="utf-8")
    scenario, diagnostics = load_scenario(file, catalog)
    assert scenario is not None, [d.message for d in diagnostics]
    look = scenario.customer.look
    assert (look.age, look.hair_style, look.glasses) == ("older", "bun", "square")
    assert look.facial_hair == "none"  # not written, so not guessed
    assert look.hair_colour in ("grey", "white")  # derived for an older customer
