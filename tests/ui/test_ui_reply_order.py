"""The game shuffles each attempt's replies from a seeded Generator, keeps that order on replay
and reload, and a key that completes the customer's line never also picks a reply."""

from __future__ import annotations

import numpy as np
import pygame

from simulator.engine.shuffle import new_seed
from simulator.ui.scenes.conversation import PICK_GUARD_S
from simulator.ui.scene_result import ReplayFrom
from tools.game_driver import DIGIT_KEYS, click, finish_line, press, scene_name


def _to_conversation(app):
    press(app, pygame.K_RETURN)  # picker -> briefing
    press(app, pygame.K_RETURN)  # briefing -> conversation
    assert scene_name(app) == "conversation"
    return app.top


def test_each_attempt_gets_a_seed_from_the_apps_generator(make_app):
    app = make_app(shuffle_replies=True, rng=np.random.default_rng(21))
    expected = np.random.default_rng(21)
    conversation = _to_conversation(app)
    assert conversation.session.seed == new_seed(expected)
    # the buttons show the session's order and number replies by shown position
    assert [b.number for b in conversation.replies] == [o.number for o in conversation.session.options]
    assert [o.number for o in conversation.session.options] == list(range(1, len(conversation.replies) + 1))
    conversation.restart()  # a new attempt: a new seed from the same Generator
    assert conversation.session.seed == new_seed(expected)


def test_shuffling_off_shows_authored_order(make_app):
    app = make_app()  # the fixture's default: shuffle_replies=False
    conversation = _to_conversation(app)
    assert conversation.session.seed is None
    assert [o.reply_index for o in conversation.session.options] == list(range(len(conversation.replies)))


def test_replay_from_a_turn_shows_the_order_that_was_shown(make_app):
    app = make_app(shuffle_replies=True, rng=np.random.default_rng(4))
    conversation = _to_conversation(app)
    seed = conversation.session.seed
    shown = []
    while not conversation.ended:
        finish_line(app)
        shown.append(conversation.session.options)
        press(app, DIGIT_KEYS[0])
    finish_line(app)
    press(app, pygame.K_RETURN)
    debrief = app.top
    assert scene_name(app) == "debrief"
    debrief.replay_from(ReplayFrom(2))  # what the turn picker hands back for turn 2
    app.feed([])  # scene changes apply between frames
    replayed = app.top
    assert scene_name(app) == "conversation" and replayed.session.seed == seed
    assert replayed.session.turn == 1 and replayed.session.options == shown[1]
    # the transcript keeps the shown numbering: position 1 was picked every turn
    assert all(record.choice == 0 for record in replayed.session.transcript)


def test_the_key_that_completes_the_line_never_picks(make_app):
    app = make_app()
    conversation = _to_conversation(app)
    assert not conversation.typewriter.done
    press(app, pygame.K_RETURN)  # completes the line
    assert conversation.typewriter.done and conversation.pick_guard > 0
    press(app, pygame.K_RETURN)  # a quick second tap (Enter on the focused reply): ignored
    press(app, pygame.K_1)  # a number pressed at once: ignored too
    assert conversation.session.turn == 0
    app.advance(PICK_GUARD_S)
    press(app, pygame.K_1)
    assert conversation.session.turn == 1


def test_a_line_that_finishes_by_itself_also_guards_the_next_key(make_app):
    app = make_app()
    conversation = _to_conversation(app)
    while not conversation.typewriter.done:  # let it type out on its own, frame by frame
        app.advance(1 / 60)
    assert conversation.pick_guard > 0
    press(app, pygame.K_SPACE)  # meant to skip a line that had just finished
    assert conversation.session.turn == 0
    app.advance(PICK_GUARD_S)
    press(app, pygame.K_SPACE)  # now Space activates the focused reply
    assert conversation.session.turn == 1


def test_a_click_that_completes_the_line_does_not_pick_the_reply_under_it(make_app):
    app = make_app()
    conversation = _to_conversation(app)
    target = conversation.replies[0].rect.center
    click(app, target)  # completes the line
    assert conversation.typewriter.done and conversation.session.turn == 0
    click(app, target)  # at once again: still guarded
    assert conversation.session.turn == 0
    app.advance(PICK_GUARD_S)
    click(app, conversation.replies[0].rect.center)
    assert conversation.session.turn == 1


def test_the_transcript_numbers_replies_as_they_were_shown(make_app):
    app = make_app(shuffle_replies=True, rng=np.random.default_rng(4))
    conversation = _to_conversation(app)
    finish_line(app)
    shown = conversation.session.options
    press(app, DIGIT_KEYS[len(shown) - 1])  # the last one on screen
    press(app, pygame.K_t)
    assert scene_name(app) == "transcript"
    rows = [line for _, _, lines in app.top._rows for line in lines]
    assert f"You ({len(shown)} of {len(shown)}): {shown[-1].text}"[:40] in " ".join(rows)
