"""The debrief screen after real play-throughs: the scenario's own coaching, the better reply,
never "Passed" with a skill under the floor, and the skill that held the grade back."""

from __future__ import annotations

import numpy as np
import pytest

from tools.debrief_screenshots import good_pick, play_to_debrief, poor_pick
from ui_helpers import SCENARIOS

ATTACK = SCENARIOS / "personal_attack.yaml"


@pytest.fixture
def shots(make_app):  # make_app only for its pygame clean-up
    apps = []

    def play(pick):
        app = play_to_debrief(ATTACK, (1280, 720), pick)
        apps.append(app)
        return app

    yield play
    for app in apps:
        app.close()


def _texts(debrief) -> list[str]:
    return [" ".join(lines) for rows in debrief._blocks for _, _, _, lines in rows]


def test_a_poor_play_through_is_taught_with_the_scenarios_own_notes(shots):
    app = shots(poor_pick)
    debrief = app.top
    session = debrief.session
    notes = {r.note for r in session.transcript if r.note}
    texts = " ".join(_texts(debrief))
    assert any(note[:40] in texts for note in notes), "a key moment shows the scenario's coaching note"
    assert "Better reply on screen (" in texts
    assert "not attacking you" not in texts  # the customer insults: that lesson would contradict the scene
    assert not debrief.debrief.passed and debrief.debrief.held_back_by
    assert debrief._held and debrief._held[0].startswith("Held back by")


def test_a_good_play_through_passes_and_offers_no_better_reply(shots):
    app = shots(good_pick)
    debrief = app.top
    assert debrief.session.result.passed and debrief.debrief.passed
    assert debrief._held == ()
    assert all(m.better is None for m in debrief.moments)


def test_passed_is_never_drawn_with_a_skill_under_the_floor(shots):
    app = shots(poor_pick)
    debrief = app.top
    standings = debrief.debrief.skills
    assert any(s.status == "below floor" for s in standings)
    # draw the header area and compare with the same scene forced to "passed": the pixels differ
    surface = app.window.copy()
    debrief.draw(surface)
    honest = np.asarray(surface.get_view("3")).copy()
    import dataclasses

    debrief.debrief = dataclasses.replace(debrief.debrief, passed=True)
    debrief.draw(surface)
    forced = np.asarray(surface.get_view("3")).copy()
    left = debrief.left
    assert (honest[left.x:left.right, left.y:left.y + 80] != forced[left.x:left.right, left.y:left.y + 80]).any()
