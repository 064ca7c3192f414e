"""The batch player must agree exactly with `Session`: same choices -> same outcome, score, mood.

References here are deliberately naive: one `Session` per play-through, driven turn by turn.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import pytest

from simulator.engine.analysis import random_play
from simulator.engine.batch_play import BY_ENDING, NO_REPLY, TURN_LIMIT_HIT, PlayTree
from simulator.engine.batch_step import Stepper
from simulator.engine.compiled import compile_scenario
from simulator.engine.session import TURN_LIMIT, Phase, Session
from simulator.engine.state import STATE_FIELDS
from simulator.scenario.model import (OUTCOMES, SKILLS, Bound, Condition, Customer, Ending, LineVariant, Node, Reply,
                                      Scenario, Trigger)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def _load(path, catalog):
    from simulator.scenario.loader import load_scenario

    scenario, diagnostics = load_scenario(path, catalog)
    assert scenario is not None, [d.message for d in diagnostics]
    return scenario


def _leaf_facts(tree: PlayTree, leaf: int):
    ending = int(tree.ending[leaf])
    return (OUTCOMES[int(tree.outcome[leaf])], tree.ending_ids[ending] if ending >= 0 else None,
            float(tree.overall[leaf]), tree.grade_letters[int(tree.grade[leaf])],
            tuple(int(v) for v in tree.skills[leaf]), tree.mood[leaf].tobytes())


def _session_facts(session: Session):
    result = session.result
    return (result.outcome, result.ending_id, result.overall, result.grade,
            tuple(result.skills[s] for s in ("calm", "listening", "empathy", "solutions", "follow_up")),
            session.conversation.mood[0].tobytes())


def _reference_random(scenario, catalog, seed: int, runs: int, sample: list[int]):
    """The documented definition, one Session at a time, for the play-throughs in `sample`."""
    draws = np.random.default_rng(seed).random((runs, TURN_LIMIT))
    out = {}
    for k in sample:
        session = Session(scenario, catalog)
        turn = 0
        while session.phase is Phase.AWAITING_REPLY:
            shown = len(session.options)
            session.choose(math.floor(draws[k, turn] * shown))
            turn += 1
        out[k] = (session.choices, session)
    return out


@pytest.mark.parametrize("path", [ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml", *SHIPPED],
                         ids=lambda p: p.stem)
def test_seeded_random_play_matches_session_one_by_one(path, catalog):
    scenario = _load(path, catalog)
    tree = PlayTree(scenario, catalog)
    runs, seed = 3000, 7
    finals = random_play(tree, runs, seed)
    sample = sorted(random.Random(1).sample(range(runs), 150))
    for k, (choices, session) in _reference_random(scenario, catalog, seed, runs, sample).items():
        leaf = int(finals[k])
        assert tuple(tree.path(leaf)) == choices, f"play-through {k} took different choices"
        assert _leaf_facts(tree, leaf) == _session_facts(session), f"play-through {k}: {choices}"
        replayed = Session.replay(scenario, catalog, list(choices))  # the API the brief names
        assert _session_facts(replayed) == _session_facts(session)


def _all_play_throughs(scenario, catalog, prefix=(), limit=5000):
    """Every play-through by depth-first search through Session.replay (slow, obviously right)."""
    session = Session.replay(scenario, catalog, list(prefix))
    if session.phase is Phase.ENDED:
        return {prefix: _session_facts(session)}
    found = {}
    for i in range(len(session.options)):
        found.update(_all_play_throughs(scenario, catalog, prefix + (i,), limit))
        assert len(found) <= limit, "reference enumeration too large for a test"
    return found


def _grow_everything(tree: PlayTree) -> None:
    level = np.array([0])
    while level.size:
        tree.grow(*tree.frontier_children(level))
        kids = tree.children[level].ravel()
        kids = kids[kids >= 0]
        level = kids[~tree.ended[kids]]


def test_the_whole_tree_of_the_format_tour_matches_session(catalog, format_tour):
    tree = PlayTree(format_tour, catalog)
    _grow_everything(tree)
    from_tree = {tuple(tree.path(int(leaf))): _leaf_facts(tree, int(leaf)) for leaf in tree.leaves()}
    assert from_tree == _all_play_throughs(format_tour, catalog)


# ----------------------------------------------------------------------------- random scenarios

_DIMS = ("pleasure", "arousal", "dominance", "heard", "trust", "patience")


def _random_condition(rng: random.Random, node_ids: list[str], acts: list[str], expressions: list[str]):
    parts = {}
    for _ in range(rng.choice((1, 1, 2))):
        kind = rng.choice(("mood", "expression", "visited", "not_visited", "acts_used", "acts_not_used",
                           "threshold"))
        if kind == "mood":
            dim = rng.choice(_DIMS)
            scale = 10 if dim == "patience" else 1
            low = round(rng.uniform(-0.6, 0.6) * scale, 2) if dim in _DIMS[:3] else round(rng.uniform(0, 0.6) * scale, 2)
            parts["mood"] = (Bound(dim, *((low, None) if rng.random() < 0.5 else (None, low))),)
        elif kind == "expression":
            parts["expression"] = tuple(rng.sample(expressions, rng.choice((1, 2, 3))))
        elif kind in ("visited", "not_visited"):
            parts[kind] = (rng.choice(node_ids),)
        elif kind in ("acts_used", "acts_not_used"):
            parts[kind] = (rng.choice(acts),)
        else:
            parts["threshold"] = rng.choice(("walk_out", "escalate"))
    return Condition(**parts)


def _random_scenario(seed: int, catalog) -> Scenario:
    """A small scenario with loops, every kind of condition, explicit moods/skills and triggers.

    It may contain states with no reply shown and loops that only the turn limit ends: the
    loader would reject such files, but the engine must still agree with itself on them.
    """
    rng = random.Random(seed)
    acts = sorted(catalog.acts)
    expressions = list(catalog.mood.expression_ids)
    n_nodes = rng.randint(2, 6)
    node_ids = [f"n{i}" for i in range(n_nodes)]
    endings = {f"e{i}": Ending(f"e{i}", OUTCOMES[i % len(OUTCOMES)], "bye") for i in range(rng.randint(2, 5))}
    targets = node_ids + list(endings)
    nodes = {}
    for node_id in node_ids:
        replies = []
        for _ in range(rng.randint(1, 4)):
            when = _random_condition(rng, node_ids, acts, expressions) if rng.random() < 0.4 else None
            mood = tuple((d, round(rng.uniform(-0.4, 0.4), 2)) for d in rng.sample(_DIMS, 2)) \
                if rng.random() < 0.15 else ()
            skills = ((rng.choice(("calm", "listening", "empathy", "solutions", "follow_up")),
                       rng.choice((-10.0, 5.0, 15.0))),) if rng.random() < 0.15 else ()
            replies.append(Reply(f"reply {len(replies)}", tuple(rng.sample(acts, rng.randint(1, 3))),
                                 rng.choice(targets), when=when, mood=mood, skills=skills, note=""))
        nodes[node_id] = Node(node_id, (LineVariant("default", "..."),), tuple(replies))
    triggers = tuple(Trigger(_random_condition(rng, node_ids, acts, expressions), rng.choice(targets))
                     for _ in range(rng.randint(0, 3)))
    persona = rng.choice(sorted(catalog.personas))
    overrides = (("trust", round(rng.uniform(0, 0.5), 2)),) if rng.random() < 0.5 else ()
    return Scenario(schema_version=1, id=f"random-{seed}", title="random", summary="", difficulty=1, briefing="",
                    learning_goals=(), customer=Customer("Kim", persona, overrides), start="n0", nodes=nodes,
                    endings=endings, triggers=triggers)


SEEDS = range(30)


@pytest.fixture(scope="module")
def random_trees(catalog):
    """seed -> (scenario, tree, final tree node of each of 200 random play-throughs)."""
    out = {}
    for seed in SEEDS:
        scenario = _random_scenario(seed, catalog)
        tree = PlayTree(scenario, catalog)
        out[seed] = (scenario, tree, random_play(tree, 200, seed))
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_random_scenarios_agree_with_session(seed, catalog, random_trees):
    scenario, tree, finals = random_trees[seed]
    leaves = sorted(set(finals.tolist()), key=lambda leaf: (int(tree.depth[leaf]), leaf))
    for leaf in leaves[:30] + leaves[-3:]:  # the shortest, and the longest (turn-limit loops)
        session = Session.replay(scenario, catalog, tree.path(leaf))
        assert session.phase is Phase.ENDED
        assert _leaf_facts(tree, leaf) == _session_facts(session), (seed, tree.path(leaf))
        assert (session.result.ending_id is None) == (int(tree.reason[leaf]) != BY_ENDING)


def test_random_scenarios_cover_the_engines_stops(random_trees):
    """The generator really produces the awkward cases the test above is meant to check."""
    reasons = set()
    conditions_hidden = False
    for scenario, tree, finals in random_trees.values():
        reasons |= set(tree.reason[finals].tolist())
        going = np.nonzero(~tree.ended[:tree.size])[0]
        written = np.array([len(tree.replies[i]) for i in tree.loc[going]])
        conditions_hidden |= bool((tree.n_options[going] < written).any())
    assert reasons == {BY_ENDING, NO_REPLY, TURN_LIMIT_HIT}
    assert conditions_hidden


# ----------------------------------------------------------------------------- n = 1 against n = many, row for row


def _batch_against_sessions(scenario, catalog, runs: int, seed: int, json_each_turn: bool = False) -> set:
    """Play `runs` seeded random play-throughs as ONE batch of the step function (every node
    watched) and each one again as its own Session; every row must equal its Session: outcome,
    ending, final mood, visited (in first-seen order), turn, triggers fired and skill chances.
    With `json_each_turn` the batch is written to JSON and loaded back before every turn.
    Returns the reasons the rows ended, for the coverage check."""
    compiled = compile_scenario(scenario, catalog)
    stepper = Stepper(scenario, catalog, compiled, watch_all=True)
    draws = np.random.default_rng(seed).random((runs, TURN_LIMIT))
    state = stepper.root().take(np.zeros(runs, dtype=np.int64))
    picked = [[] for _ in range(runs)]
    fired = [[] for _ in range(runs)]
    for turn in range(TURN_LIMIT):
        if json_each_turn:
            state = stepper.load(json.loads(json.dumps(state.to_json(stepper.layout))))
        going = np.flatnonzero(~state.ended)
        if not going.size:
            break
        options = np.minimum((draws[going, turn] * state.n_options[going]).astype(np.int64),
                             state.n_options[going] - 1)
        child = stepper.step(state.take(going), options)
        for name in STATE_FIELDS:
            getattr(state, name)[going] = getattr(child, name)
        for row, option, trigger in zip(going.tolist(), options.tolist(), child.trigger.tolist()):
            picked[row].append(option)
            fired[row].append(None if trigger < 0 else trigger)
    assert state.ended.all()
    for k in range(runs):
        session = Session.replay(scenario, catalog, picked[k], compiled=compiled)
        where = (scenario.id, k, picked[k])
        assert session.phase is Phase.ENDED, where
        ending = int(state.ending[k])
        assert session.result.ending_id == (stepper.ending_ids[ending] if ending >= 0 else None), where
        assert session.result.outcome == OUTCOMES[int(state.outcome[k])], where
        assert session.conversation.mood[0].tobytes() == state.mood[k].tobytes(), where
        assert session.turn == int(state.depth[k]) == len(picked[k]), where
        seen = np.flatnonzero(state.visited[k] >= 0)
        order = seen[np.argsort(state.visited[k][seen], kind="stable")]
        assert session.visited == tuple(stepper.layout.watched[i] for i in order), where
        assert session.skill_chances == dict(zip(SKILLS, state.chances[k].tolist())), where
        assert [record.trigger for record in session.transcript] == fired[k], where
    return set(state.reason.tolist())


@pytest.mark.parametrize("path", [ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml", *SHIPPED],
                         ids=lambda p: p.stem)
def test_every_shipped_scenario_row_for_row(path, catalog):
    _batch_against_sessions(_load(path, catalog), catalog, runs=120, seed=5)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_scenarios_row_for_row(seed, catalog):
    _batch_against_sessions(_random_scenario(seed, catalog), catalog, runs=60, seed=seed,
                            json_each_turn=seed % 3 == 0)


def test_the_format_tour_row_for_row_through_json_every_turn(catalog, format_tour):
    _batch_against_sessions(format_tour, catalog, runs=60, seed=2, json_each_turn=True)


def test_the_row_for_row_checks_meet_every_stop(catalog):
    reasons = set()
    for seed in SEEDS:
        reasons |= _batch_against_sessions(_random_scenario(seed, catalog), catalog, runs=20, seed=seed)
    assert reasons == {BY_ENDING, NO_REPLY, TURN_LIMIT_HIT}


def test_the_analysers_skill_chances_are_the_sessions(catalog):
    """The scored tree's chances per play-through (what the quality gates read) are Session's."""
    for seed in SEEDS[:10]:
        scenario = _random_scenario(seed, catalog)
        tree = PlayTree(scenario, catalog)
        for leaf in sorted(set(random_play(tree, 100, seed).tolist()))[:20]:
            session = Session.replay(scenario, catalog, tree.path(leaf))
            assert session.skill_chances == dict(zip(SKILLS, tree.chances[leaf].tolist())), (seed, leaf)
