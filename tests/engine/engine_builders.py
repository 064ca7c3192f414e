"""Build small scenarios in code, for edge cases the shipped files should never contain.

Imported by the engine tests as `engine_builders` (pytest puts this folder on sys.path).
"""

from __future__ import annotations

from simulator.scenario.model import (Bound, Condition, Customer, Ending, LineVariant, Node, Reply, Scenario,
                                      Trigger)


def reply(text: str, acts, next_id: str, when: Condition | None = None, mood=(), skills=(), note="") -> Reply:
    return Reply(text=text, acts=tuple(acts), next=next_id, when=when, mood=tuple(mood), skills=tuple(skills),
                 note=note)


def node(node_id: str, replies, say="...") -> Node:
    variants = (tuple(LineVariant(k, v) for k, v in say.items()) if isinstance(say, dict)
                else (LineVariant("default", say),))
    return Node(id=node_id, say=variants, replies=tuple(replies))


def scenario(nodes, endings=None, triggers=(), persona="reasonable", mood=(), start=None,
             scenario_id="hand-built") -> Scenario:
    """A scenario built in code for edge cases the shipped files should never contain."""
    nodes = {n.id: n for n in nodes}
    endings = endings or {"done": Ending("done", "resolved", "Done."),
                          "happy": Ending("happy", "delighted", "Happy."),
                          "gone": Ending("gone", "walked-out", "Gone."),
                          "boss": Ending("boss", "escalated", "Manager.")}
    return Scenario(schema_version=1, id=scenario_id, title="Hand built", summary="", difficulty=1, briefing="",
                    learning_goals=(), customer=Customer("Kim", persona, tuple(mood)), start=start or next(iter(nodes)),
                    nodes=nodes, endings=endings, triggers=tuple(triggers), source_sha256="0" * 64)


def when(**parts) -> Condition:
    """Condition(...) with `mood={'dim': (at_least, at_most)}` shorthand."""
    bounds = tuple(Bound(dim, lo, hi) for dim, (lo, hi) in parts.pop("mood", {}).items())
    return Condition(mood=bounds, **{k: tuple(v) if isinstance(v, list) else v for k, v in parts.items()})


def trigger(goto: str, **parts) -> Trigger:
    return Trigger(when=when(**parts), goto=goto)
