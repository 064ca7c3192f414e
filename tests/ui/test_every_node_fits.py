"""Every node of every shipped scenario fits the smallest window with the largest text.

The walk in test_layout_clipping.py sees a few screens of one play; the replies of the
shipped scenarios are long and many nodes are never on that path. Here each node is put on
the conversation screen by itself - every `say` variant (with the face of its mood), every
reply the node has (conditions ignored: the most that can be on screen at once), and the
longest reply leading into it as "You: ..." above the bubble - at 1024x640 with extra-large
text, and judged by tools/layout_check.py, plus what that does not look at: no text on the
face, every visible card shows its number and all its words, the last reply can be focused
with the keyboard and is then wholly in view with its focus ring in the pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pygame
import pytest

from simulator.engine.turn_record import ReplyOption
from simulator.scenario.model import Ending
from simulator.ui.scene_registry import make_scene
from tools.game_driver import finish_line, press
from tools.layout_check import draw_logged, layout_problems, visible_focus_rings, visible_texts

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
SMALLEST, LARGEST_TEXT = (1024, 640), "x-large"
# a (pleasure, arousal) inside each expression's band in scenarios/data/mood.yaml: the face and gauge
AXES = {"furious": (-0.8, 0.8), "angry": (-0.5, 0.4), "annoyed": (-0.2, 0.3), "neutral": (0.0, 0.1),
        "pleased": (0.3, 0.0), "delighted": (0.7, 0.1)}


@dataclass(frozen=True)
class _Ended:
    outcome: str


class NodeScreen:
    """A still conversation screen for one node and one line variant (what the scene reads of
    a session): every reply of the node in authored order, or an ending's words."""

    def __init__(self, session, node_id: str, line: str, expression: str) -> None:
        self.scenario, self.catalog = session.scenario, session.catalog
        self.seed, self.node_id, self.turn, self.choices, self.transcript = None, node_id, 3, (), ()
        self.customer_line, self.expression = line, expression
        self.mood = {**session.mood, **dict(zip(("pleasure", "arousal"), AXES.get(expression, (0.0, 0.0))))}
        target = session.scenario.target(node_id)
        if isinstance(target, Ending):
            self.options, self.result = (), _Ended(target.outcome)
        else:
            self.options = tuple(ReplyOption(i + 1, r.text, r.acts, i) for i, r in enumerate(target.replies))
            self.result = None

    def snapshot(self) -> dict:
        return {}


def _screens(scenario):
    """(node or ending id, expression, line, longest reply leading there) for every line variant."""
    incoming: dict[str, str] = {}
    for node in scenario.nodes.values():
        for reply in node.replies:
            incoming[reply.next] = max(incoming.get(reply.next, ""), reply.text, key=len)
    for node_id, node in scenario.nodes.items():
        for variant in node.say:
            yield node_id, variant.expression, variant.text, incoming.get(node_id, "")
    for ending_id, ending in scenario.endings.items():
        yield ending_id, "neutral", ending.text, incoming.get(ending_id, "")


def _own_problems(scene, log) -> list[str]:
    found = []
    texts = visible_texts(log)
    for mark in texts:
        seen = mark.ink.clip(mark.clip)
        if seen.width and seen.height and seen.colliderect(scene.face_rect):
            found.append(f"{mark.text!r} is drawn over the face")
    view = scene.reply_view.rect
    for reply in scene.replies:
        if view.contains(reply.rect) and not any(m.text == str(reply.number) and reply.rect.contains(m.ink)
                                                 for m in texts):
            found.append(f"reply {reply.number} shows no number")
        if " ".join(reply._lines).split() != reply.text.split():
            found.append(f"reply {reply.number} lost words")
    if " ".join(scene._lines).split() != scene._line_text.split():
        found.append("the customer's line lost words")
    return found


def _ring_pixels(surface: pygame.Surface, rect: pygame.Rect, color) -> int:
    band = rect.inflate(24, 24).clip(surface.get_rect())
    pixels = pygame.surfarray.array3d(surface.subsurface(band)).astype(int)
    inner = rect.move(-band.x, -band.y)
    mask = np.ones(pixels.shape[:2], dtype=bool)
    mask[max(0, inner.x + 4):max(0, inner.right - 4), max(0, inner.y + 4):max(0, inner.bottom - 4)] = False
    return int(((np.abs(pixels - np.array(color)).sum(axis=2) <= 6) & mask).sum())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_node_and_line_variant_fits_the_smallest_window_with_the_largest_text(make_app, path):
    app = make_app(path, size=SMALLEST)
    settings = app.settings.copy()
    settings.text_size = LARGEST_TEXT
    # the face jumps to each mood and lines show at once: the frames an easing face and the
    # typewriter would cost change nothing this test looks at (the typing prompt is covered
    # by test_layout_clipping.py's walk)
    settings.reduced_motion, settings.text_speed = True, "instant"
    app.apply_settings(settings, save=False)
    entry = next(e for e in app.ensure_library().entries if e.ok)
    session = app.new_session(entry, seed=None)
    problems, screens = [], 0
    for node_id, expression, line, said in _screens(entry.scenario):
        app.stack.push(make_scene("conversation", app, entry, session=NodeScreen(session, node_id, line, expression)))
        app.settle()
        scene = app.top
        scene._last_reply = said
        scene.layout(*app.size)
        finish_line(app)
        where = f"{node_id} [{expression}]"
        log, surface = draw_logged(app)
        found = layout_problems(log, surface.get_rect()) + _own_problems(scene, log)
        if scene.replies:  # the keyboard reaches the last reply: wholly in view, its ring drawn
            scene.focus.focus(scene.replies[0])
            for _ in scene.replies[1:]:
                press(app, pygame.K_DOWN)
            last = scene.replies[-1]
            assert scene.focus.focused is last
            log, surface = draw_logged(app)
            if not scene.reply_view.rect.contains(last.rect):
                found.append(f"the focused last reply {tuple(last.rect)} is not wholly in view")
            if last.rect not in visible_focus_rings(log) or \
                    _ring_pixels(surface, last.rect, app.style.color("focus")) <= last.rect.width:
                found.append("the focused last reply shows no ring")
            found += layout_problems(log, surface.get_rect()) + _own_problems(scene, log)
        problems += [f"{where}: {p}" for p in found]
        screens += 1
        app.stack.pop()
        app.settle()
    assert screens >= len(entry.scenario.nodes)
    assert not problems, f"{len(problems)} layout problems in {path.name}:\n" + "\n".join(problems[:40])
