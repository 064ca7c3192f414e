"""Strategies that read only the screen, played under the game's shuffled reply order.

A new hire who has not learnt anything can still press the same position every turn, pick
the longest reply, or the one that says sorry. If any of those passes a scenario, the grade
measures reading habits, not skill. Each strategy here picks a reply from the texts on
screen alone, in the order the game shows them for an attempt seed (`shuffle.display_order`,
exactly as `Session(..., seed=N)` shows them):

  always first / always middle / always last   by shown position (middle: position n // 2,
                                               0-based, of n replies shown)
  always longest / always shortest             by number of characters; ties go to the
                                               first of them on screen
  second longest / second shortest /           the same ranking by length, one place in from
  middle length                                either end, or its middle (rank n // 2 of n,
                                               longest first): an author who keeps the best
                                               reply from being the longest may still make it
                                               the next one, every time
  second longest, longer of two /              the same, but with two replies shown the one
  second shortest, shorter of two              at that end (the habit "long, not the longest")
  most numbers and times / fewest negatives /  the reply with the most digits, number words,
  most sentences                               days and times (a concrete promise looks
                                               right), the fewest "not" / "n't" / "no" /
                                               "never", or the most sentences; ties go to
                                               the first of them on screen
  says sorry                                   the first reply on screen containing "sorry"
                                               or "apolog" (any case), else the first reply
  asks a question                              the first reply on screen ending in "?",
                                               else the first reply

Each strategy is played once per seed in SEEDS; its result is the median overall score over
those play-throughs and the grade of that median. The play-throughs are walked through the
analyser's scored prefix tree (`batch_play.PlayTree`, proven identical to `Session`), all
seeds of a strategy one turn at a time in one batch, so prefixes shared between seeds and
with the analyser's own search are stepped once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence, TypeVar

import numpy as np

from simulator.engine.batch_play import PlayTree
from simulator.engine.distinct import distinct
from simulator.engine.session import TURN_LIMIT
from simulator.engine.shuffle import display_order
from simulator.scenario.model import OUTCOMES

SEEDS: tuple[int, ...] = tuple(range(1, 51))  # the contract: a median over at least 50 attempt seeds

Pick = Callable[[Sequence[str]], int]  # texts as shown -> 0-based shown position
T = TypeVar("T")


def _first(texts: Sequence[str]) -> int:
    return 0


def _last(texts: Sequence[str]) -> int:
    return len(texts) - 1


def _middle(texts: Sequence[str]) -> int:
    return len(texts) // 2


def _longest(texts: Sequence[str]) -> int:
    return _most(texts, len)


def _shortest(texts: Sequence[str]) -> int:
    return _most(texts, lambda t: -len(t))


def _by_length(texts: Sequence[str]) -> list[int]:
    """Shown positions from the longest reply to the shortest (ties: the first shown first)."""
    return sorted(range(len(texts)), key=lambda k: (-len(texts[k]), k))


def _second_longest(texts: Sequence[str]) -> int:
    return _by_length(texts)[min(1, len(texts) - 1)]


def _second_shortest(texts: Sequence[str]) -> int:
    return _by_length(texts)[max(0, len(texts) - 2)]


def _second_longest_of_more(texts: Sequence[str]) -> int:
    return _by_length(texts)[1 if len(texts) > 2 else 0]


def _second_shortest_of_more(texts: Sequence[str]) -> int:
    return _by_length(texts)[len(texts) - (2 if len(texts) > 2 else 1)]


def _middle_length(texts: Sequence[str]) -> int:
    return _by_length(texts)[len(texts) // 2]


# what a reply says in numbers and times: digits, number words, days, parts of the day, units
_NUMBER_OR_TIME = re.compile(
    r"\d+|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|hundred|half|quarter|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|"
    r"tonight|morning|afternoon|evening|noon|midday|hours?|minutes?|days?|weeks?|o'clock)\b", re.IGNORECASE)
_NEGATIVE = re.compile(r"n't\b|\b(?:not|no|never|nothing|cannot)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")


def _most(texts: Sequence[str], count: Callable[[str], int]) -> int:
    """The first reply shown with the highest count."""
    counts = [count(t) for t in texts]
    return counts.index(max(counts))


# a scenario's replies are a few hundred texts, met again on every seed: each is counted once
@lru_cache(maxsize=4096)
def _numbers(text: str) -> int:
    return len(_NUMBER_OR_TIME.findall(text))


@lru_cache(maxsize=4096)
def _negatives(text: str) -> int:
    return -len(_NEGATIVE.findall(text))


@lru_cache(maxsize=4096)
def _sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(text))


def _most_numbers(texts: Sequence[str]) -> int:
    return _most(texts, _numbers)


def _fewest_negatives(texts: Sequence[str]) -> int:
    return _most(texts, _negatives)


def _most_sentences(texts: Sequence[str]) -> int:
    return _most(texts, _sentences)


def _sorry(texts: Sequence[str]) -> int:
    for k, text in enumerate(texts):
        lower = text.lower()
        if "sorry" in lower or "apolog" in lower:
            return k
    return 0


def _question(texts: Sequence[str]) -> int:
    for k, text in enumerate(texts):
        if text.rstrip().endswith("?"):
            return k
    return 0


@dataclass(frozen=True, slots=True)
class Strategy:
    name: str  # "always first", ... (a gate is named after it)
    pick: Pick
    how: str  # one line for the report


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("always first", _first, "the first reply shown, every turn"),
    Strategy("always middle", _middle, "the middle reply shown (position n // 2 of n, from 0), every turn"),
    Strategy("always last", _last, "the last reply shown, every turn"),
    Strategy("always longest", _longest, "the longest reply on screen (ties: the first shown)"),
    Strategy("always shortest", _shortest, "the shortest reply on screen (ties: the first shown)"),
    Strategy("second longest", _second_longest, "the second longest reply on screen (one shown: that one)"),
    Strategy("second shortest", _second_shortest, "the second shortest reply on screen (one shown: that one)"),
    Strategy("second longest, longer of two", _second_longest_of_more,
             "the second longest reply on screen; of two, the longer"),
    Strategy("second shortest, shorter of two", _second_shortest_of_more,
             "the second shortest reply on screen; of two, the shorter"),
    Strategy("middle length", _middle_length, "the reply in the middle when ranked by length (rank n // 2 of n, "
             "longest first)"),
    Strategy("most numbers and times", _most_numbers,
             "the reply with the most digits, number words, days and times (ties: the first shown)"),
    Strategy("fewest negatives", _fewest_negatives,
             'the reply with the fewest "not", "n\'t", "no", "never" (ties: the first shown)'),
    Strategy("most sentences", _most_sentences, "the reply with the most sentences (ties: the first shown)"),
    Strategy("says sorry", _sorry, 'the first reply containing "sorry" or "apolog", else the first'),
    Strategy("asks a question", _question, 'the first reply ending in "?", else the first'),
)


@dataclass(frozen=True, slots=True)
class StrategyPlay:
    """One strategy played under one attempt seed."""

    seed: int
    choices: tuple[int, ...]  # 1-based SHOWN positions: what `run --seed SEED --choices` takes
    authored: tuple[int, ...]  # 1-based authored-order numbers (what `run` without --seed takes)
    overall: float
    grade: str
    outcome: str
    ending_id: str | None

    @property
    def choices_text(self) -> str:
        return ",".join(map(str, self.choices))


@dataclass(frozen=True, slots=True)
class StrategyResult:
    """A strategy over every seed: the median and whether it passes (it must not)."""

    name: str
    how: str
    median: float
    median_grade: str
    passes: bool  # the median grades at the pass grade or better: the scenario can be gamed
    passed_seeds: int  # seeds whose play-through passes
    plays: tuple[StrategyPlay, ...]  # one per seed, in seed order
    example: StrategyPlay  # the play-through to replay: the median one (a passing one if it passes)

    def replay_command(self, path: str) -> str:
        return f"customer-sim run {path} --seed {self.example.seed} --choices {self.example.choices_text}"

    def as_json(self) -> dict:
        e = self.example
        return {"strategy": self.name, "how": self.how, "median": self.median, "median_grade": self.median_grade,
                "passes": self.passes, "passed_seeds": self.passed_seeds, "seeds": len(self.plays),
                "example": {"seed": e.seed, "choices": list(e.choices), "authored_choices": list(e.authored),
                            "overall": e.overall, "grade": e.grade, "outcome": e.outcome, "ending": e.ending_id}}


def on_growable_tree(tree: PlayTree, work: Callable[[PlayTree], T]) -> T:
    """`work(tree)`; if the analysis tree is at its memory budget (it may not grow the few
    prefixes `work` needs), `work` on a fresh tree sharing the compiled scenario instead,
    which grows only what `work` visits."""
    from simulator.engine.analysis_budget import BudgetExceeded

    try:
        return work(tree)
    except BudgetExceeded:
        return work(PlayTree(tree.scenario, tree.catalog, tree.compiled))


def play_strategies(tree: PlayTree, seeds: Sequence[int] = SEEDS,
                    strategies: Sequence[Strategy] = STRATEGIES) -> list[StrategyResult]:
    """Every strategy under every seed, walked through `tree` (grown where it has to be).

    All strategies walk together, a turn at a time: row i * len(seeds) + j is strategy i
    under seed j, so the prefixes the tree lacks are grown in one batch per turn for all of
    them rather than one small batch per strategy. (A screen's texts are built per row and
    dropped: kept for a 1,000-reply node they would outgrow the analysis's memory bound.)"""
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("play_strategies needs at least one seed")
    n = len(seeds)
    rows_total = len(strategies) * n
    current = np.zeros(rows_total, dtype=np.int64)
    shown: list[list[int]] = [[] for _ in range(rows_total)]
    authored: list[list[int]] = [[] for _ in range(rows_total)]  # the same picks by authored number (the path)
    for _ in range(TURN_LIMIT + 1):
        going = np.nonzero(~tree.ended[current])[0]
        if not going.size:
            break
        here = current[going]
        # each row's screen as Python values at once (one array read per field, not per row)
        rows = zip(going.tolist(), tree.n_options[here].tolist(), tree.depth[here].tolist(),
                   tree.loc[here].tolist(), tree.option_reply[here].tolist())
        picks: list[int] = []
        for row, count, depth, loc, options in rows:
            order = display_order(seeds[row % n], depth + 1, count)
            replies = tree.replies[loc]
            position = strategies[row // n].pick([replies[options[option]].text for option in order])
            shown[row].append(position + 1)
            authored[row].append(order[position] + 1)
            picks.append(order[position])
        picked = np.array(picks, dtype=np.int64)
        child = tree.children[here, picked]
        missing = child < 0
        if missing.any():
            width = tree.max_replies
            keys = distinct(here[missing] * width + picked[missing])
            tree.grow(keys // width, keys % width)
            child = tree.children[here, picked]
        current[going] = child
    leaves = current.tolist()
    return [_summarise(tree, strategy, tuple(
                _play(tree, seed, leaves[i * n + j], tuple(shown[i * n + j]), tuple(authored[i * n + j]))
                for j, seed in enumerate(seeds)))
            for i, strategy in enumerate(strategies)]


def _play(tree: PlayTree, seed: int, leaf: int, positions: tuple[int, ...],
          authored: tuple[int, ...]) -> StrategyPlay:
    ending = int(tree.ending[leaf])
    return StrategyPlay(seed=seed, choices=positions, authored=authored,
                        overall=float(tree.overall[leaf]), grade=tree.grade_letters[int(tree.grade[leaf])],
                        outcome=OUTCOMES[int(tree.outcome[leaf])],
                        ending_id=tree.ending_ids[ending] if ending >= 0 else None)


def _summarise(tree: PlayTree, strategy: Strategy, plays: tuple[StrategyPlay, ...]) -> StrategyResult:
    rubric = tree.compiled.rubric
    passing = set(rubric.passing_letters)
    median = round(float(np.median([p.overall for p in plays])), 2)
    median_grade = rubric.grade_for(median)
    passes = median_grade in passing
    # the example: the play-through closest to the median, a passing one when the strategy
    # passes (so the replay shows the problem), the smallest seed on ties
    pool = [p for p in plays if (p.grade in passing) == passes] or list(plays)
    example = min(pool, key=lambda p: (abs(p.overall - median), p.seed))
    return StrategyResult(name=strategy.name, how=strategy.how, median=median, median_grade=median_grade,
                          passes=passes, passed_seeds=sum(p.grade in passing for p in plays), plays=plays,
                          example=example)
