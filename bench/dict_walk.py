"""The baseline of issue 9's budget: a bare plain-Python dict walk of the bench's generated
40-node scenario that keeps only counters.

No mood, no conditions, no triggers, no rubric: the graph as {node: [next, ...]} and
{ending: outcome}, RUNS seeded random play-throughs (option floor(u * n) with u from
`random.Random(SEED)`, the same rule the analyser's random play uses) and a count per
outcome. It is what "as fast as walking the file by hand" means; bench/play_budget.py runs
it as a whole process, next to the analyser's random play and the Session loop.

    .venv/bin/python -m bench.dict_walk   # prints the outcome counts as JSON
"""

from __future__ import annotations

import json
import random

import yaml

from bench.generate import generate_scenario

NODES = 40
RUNS = 10_000
SEED = 0
TURN_LIMIT = 60  # the engine's (scenario/limits.py); a plain walk keeps its own copy on purpose


def graph(n_nodes: int = NODES) -> tuple[str, dict[str, list[str]], dict[str, str]]:
    """(start, node -> each reply's next, ending -> outcome) of the generated scenario."""
    data = yaml.safe_load(generate_scenario(n_nodes))
    nexts = {node_id: [reply["next"] for reply in node["replies"]] for node_id, node in data["nodes"].items()}
    outcomes = {ending_id: ending["outcome"] for ending_id, ending in data["endings"].items()}
    return data["start"], nexts, outcomes


def walk(start: str, nexts: dict[str, list[str]], outcomes: dict[str, str], runs: int = RUNS,
         seed: int = SEED) -> dict[str, int]:
    """Outcome counts of `runs` random walks from `start` (a walk past TURN_LIMIT is unresolved)."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    for _ in range(runs):
        at = start
        for _ in range(TURN_LIMIT):
            replies = nexts[at]
            at = replies[int(rng.random() * len(replies))]
            if at in outcomes:
                break
        outcome = outcomes.get(at, "unresolved")
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def main() -> None:
    print(json.dumps(walk(*graph()), sort_keys=True))


if __name__ == "__main__":
    main()
