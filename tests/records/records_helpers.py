"""Shared helpers for the records tests (a uniquely named module, so it never clashes with
another folder's conftest): small real scenarios built from the frozen model classes, so
these tests depend neither on the YAML loader nor on the shipped scenario texts; the
session, mood model and rubric are the real engine."""

from __future__ import annotations

from dataclasses import replace

from simulator.scenario.model import Customer, Ending, LineVariant, Node, Reply, Scenario

GOOD = [0, 0, 0, 0, 0]  # acknowledge, paraphrase, two options, recap, thank: grade A
BAD = [1, 1, 1, 0]  # "calm down", dismiss, flat refusal, close: grade F


def _node(node_id: str, line: str, *replies: Reply) -> Node:
    return Node(node_id, (LineVariant("default", line),), tuple(replies))


def build_scenario(*, sha: str = "sha-v1", with_recap: bool = True, scenario_id: str = "wrong-size") -> Scenario:
    """A five-turn conversation: GOOD (all first replies) scores A, BAD scores F."""
    good_close = Reply("Thanks for your patience, enjoy the wedding!", ("thank", "close-positive"), "happy")
    recap = _node("recap", "The courier, please.",
                  Reply("So: a 42 by courier on Friday. Anything else?", ("summarize", "check-remaining"), "close"),
                  Reply("Done. Bye.", ("close-early",), "meh"))
    nodes = {
        "opening": _node("opening", "You sent the wrong size!",
                         Reply("That's frustrating. What happened?", ("acknowledge", "invite"), "story"),
                         Reply("Calm down, please.", ("calm-down",), "story")),
        "story": _node("story", "I ordered a 42 and got a 38.",
                       Reply("A 38 instead of a 42 - same model?", ("paraphrase", "clarify"), "options"),
                       Reply("That's not my department.", ("dismiss",), "options")),
        "options": _node("options", "So what can you do?",
                         Reply("Courier by Friday or a refund today - which suits you?",
                               ("take-ownership", "offer-options"), "recap" if with_recap else "close"),
                         Reply("Exchanges take five days.", ("refuse-flat",), "close")),
        "close": _node("close", "OK, that's all.", good_close),
    }
    if with_recap:
        nodes["recap"] = recap
    endings = {"happy": Ending("happy", "delighted", "Sam leaves smiling."),
               "meh": Ending("meh", "unresolved", "Sam is unsure anything will happen.")}
    return Scenario(schema_version=1, id=scenario_id, title="The Wrong Size Shoes", summary="Wrong size.",
                    difficulty=1, briefing="Sam got the wrong size.", learning_goals=("Feel before fix",),
                    customer=Customer("Sam", "reasonable"), start="opening", nodes=nodes, endings=endings,
                    source_sha256=sha)


def changed_catalog(catalog, sha: str = "other-rules"):
    """The same rules under a different hash: "the rubric changed" without changing scores."""
    return replace(catalog, sha256=sha)



def record_play(store, scenario, catalog, choices, profile: str = "Ana") -> int:
    """Play `choices` through the game's recording wrapper; returns the attempt id."""
    from simulator.records.game_bridge import AttemptRecorder

    play = AttemptRecorder.start(store, profile, scenario, catalog)
    for choice in choices:
        play.feed.play(play.session, choice)
    assert play.save_problem is None
    return play.attempt_id
