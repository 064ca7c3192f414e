"""What a finished conversation teaches: the key moments, the better reply, what held the grade back.

No pygame here: the debrief screen only draws what this module decides, and the same facts
can be printed or tested without a window.

**The better reply** at a turn is judged by where it leads, not by one turn's credit: for
every reply that was on screen, a search from the state at that turn finds the best final
score still reachable after it (the engine's own batch player, `batch_play.PlayTree`, so the
numbers are the ones the trainee would really get). A continuation only counts if it keeps
every skill at the rubric's floor, so the suggestion is never a shortcut that skips a skill
the grade needs. The search is exhaustive when the remaining conversation is small and a
beam (the best prefixes by provisional score at each depth) when it is not.

**Key moments** are the turns that cost the most of the best reachable score (a reply can
lose twenty points of future without the mood moving), the turns whose evidence cost the
most points, and the biggest mood swings. Each shows the scenario's own coaching note for
the reply, the rule it touched (the evidence message), and the better reply with its note.
Generic act lessons are only a fallback, and never one that contradicts the scene: at a
node that `provokes` (the customer insults, threatens, blames...) a lesson such as "the
customer is not attacking you" is not shown.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.engine.batch_play import PlayTree
from simulator.engine.rubric_rules import floor_cap_message
from simulator.scenario.model import SKILLS

MAX_MOMENTS = 5
MAX_SWINGS = 3
MAX_COSTS = 3
MIN_SWING = 0.05  # smaller mood changes are not worth a trainee's attention
MIN_REGRET = 5.0  # points of best reachable score a reply must lose to be a key moment
BEAM = 32  # prefixes kept per depth below one reply (all of them while there are fewer)
DECIMALS = 4  # the JSON form's rounding: the run document's, so every copy reads the same
RECENT = 4  # play-throughs whose key moments are kept (see _Recent)
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BetterReply:
    """A reply that was on screen and leads to a better final score than the one picked."""

    number: int  # as shown at that turn (1-based)
    text: str
    note: str  # the scenario's coaching note for that reply
    best_overall: float  # best final overall reachable after it, every skill at the floor
    chosen_best: float  # the same for the reply that was picked (-1: no continuation keeps the floor)

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "note": self.note,
                "best_overall": _round(self.best_overall), "chosen_best": _round(self.chosen_best)}


@dataclass(frozen=True, slots=True)
class KeyMoment:
    turn: int
    headline: str  # e.g. "Mood dropped sharply (Annoyed → Angry) · -25 points"
    customer_line: str
    said: str
    number: int  # the shown number of the reply picked
    coaching: str  # the scenario's own note for the reply picked
    rule: str  # the rule(s) it touched: evidence messages, or a lesson that fits the scene
    rules: tuple[str, ...]  # the rule ids behind `rule`
    better: BetterReply | None  # None when the reply picked was as good as any on screen
    mood_change: float  # change in pleasure this turn
    points: float  # evidence points this turn (negative = cost)
    regret: float  # best reachable overall lost by this reply (0 when none)
    provokes: tuple[str, ...]  # what the customer did at this node (insult, threat, ...)

    def to_json(self) -> dict[str, Any]:
        """The moment as plain JSON types: what `run --format json` prints under `key_moments`
        and the records keep with a finished attempt (floats to DECIMALS, so all agree)."""
        return {"turn": self.turn, "headline": self.headline, "customer_line": self.customer_line,
                "said": self.said, "number": self.number, "coaching": self.coaching, "rule": self.rule,
                "rules": list(self.rules), "better": None if self.better is None else self.better.to_json(),
                "mood_change": _round(self.mood_change), "points": _round(self.points),
                "regret": _round(self.regret), "provokes": list(self.provokes)}


@dataclass(frozen=True, slots=True)
class SkillStanding:
    skill: str
    label: str
    score: int
    status: str  # "passed" | "below pass mark" | "below floor"


@dataclass(frozen=True, slots=True)
class Debrief:
    moments: tuple[KeyMoment, ...]
    skills: tuple[SkillStanding, ...]
    held_back_by: tuple[str, ...]  # labels of the skills under the floor
    floor: float | None
    pass_mark: float  # lowest overall (and per-skill bar) of the pass grade
    passed: bool  # never True while a skill is under the floor
    floor_cap: str | None = None  # the cap the rubric wrote for the held-back skills (`floor_cap_message`)

    def caps_besides_floor(self, caps: tuple[str, ...]) -> tuple[str, ...]:
        """The result's caps without the floor cap (the debrief names held-back skills itself)."""
        return tuple(c for c in caps if c != self.floor_cap)


# ----------------------------------------------------------------------------- searching ahead


class Lookahead:
    """Best final scores reachable from states of one scenario, sharing one prefix tree."""

    def __init__(self, session: Any) -> None:
        self.tree = PlayTree(session.scenario, session.catalog, getattr(session, "compiled", None))
        rubric = self.tree.compiled.rubric
        self.floor = rubric.floor
        self._best: dict[int, tuple[bool, float]] = {}

    def node_after(self, authored_choices: list[int]) -> int:
        """The tree node reached by these authored-order option indices from the opening."""
        return self.tree.follow(authored_choices)

    def option_of(self, tree_node: int, reply_index: int) -> int:
        """The authored-order option index of `reply_index` at a tree node (-1 if not shown)."""
        tree = self.tree
        count = int(tree.n_options[tree_node])
        row = tree.option_reply[tree_node, :count].tolist()
        return row.index(reply_index) if reply_index in row else -1

    def best(self, tree_node: int) -> tuple[bool, float]:
        """(some continuation keeps every skill at the floor, best overall among those, or
        among all continuations when none does) from this tree node."""
        if tree_node in self._best:
            return self._best[tree_node]
        tree = self.tree
        level = np.array([tree_node], dtype=np.int64)
        leaves: list[int] = [tree_node] if tree.ended[tree_node] else []
        for _ in range(200):  # depth bound; the engine's turn limit ends every path long before
            level = level[~tree.ended[level]]
            if not level.size:
                break
            parents, options = tree.frontier_children(level)
            tree.grow(parents, options)
            kids = tree.children[level].ravel()
            kids = kids[kids >= 0]
            done = kids[tree.ended[kids]]
            leaves.extend(done.tolist())
            level = kids[~tree.ended[kids]]
            if level.size > BEAM:
                scores = np.array([tree.provisional_overall(i) for i in level.tolist()])
                order = np.lexsort((level, -scores))  # best first, ties by id: deterministic
                level = level[order[:BEAM]]
        answer = self._rank(leaves)
        self._best[tree_node] = answer
        return answer

    def _rank(self, leaves: list[int]) -> tuple[bool, float]:
        if not leaves:
            return False, -1.0
        ids = np.array(leaves, dtype=np.int64)
        overall = self.tree.overall[ids].astype(float)
        if self.floor is None:
            return True, float(overall.max())
        keeps = (self.tree.skills[ids] >= self.floor).all(axis=1)
        if keeps.any():
            return True, float(overall[keeps].max())
        return False, float(overall.max())


def _authored_choices(transcript) -> list[int]:
    """Each turn's pick as an authored-order option index (what PlayTree numbers)."""
    out = []
    for record in transcript:
        shown = sorted(o.reply_index for o in record.options)
        out.append(shown.index(record.reply_index))
    return out


def turn_alternatives(look: Lookahead, session: Any, turn: int) -> tuple[float, BetterReply | None]:
    """(best reachable score lost by the reply picked at `turn`, the better reply or None).

    Replies are compared by (a continuation keeps every skill at the floor, best final
    overall). The better reply is the best one when it keeps the floor and the pick does not,
    or when it beats the pick by more than half a point. After an earlier turn cost a skill
    its floor for good, no reply keeps it, and the reply that leads furthest is still the
    lesson for this turn (the headline's "fewer within reach" names that reply's lead).
    """
    transcript = session.transcript
    record = transcript[turn - 1]
    prefix = look.node_after(_authored_choices(transcript[: turn - 1]))
    node = session.scenario.nodes[record.node_id]
    results = []
    for position, option in enumerate(record.options):
        index = look.option_of(prefix, option.reply_index)
        if index < 0:
            continue  # the tree disagrees with the transcript (edited scenario): skip it
        child = int(look.tree.children[prefix, index])
        if child < 0:
            child = int(look.tree.grow(np.array([prefix]), np.array([index]))[0])
        results.append((look.best(child), position, option))
    chosen = next((r for r in results if r[1] == record.choice), None)
    if chosen is None:
        return 0.0, None
    best = max(results, key=lambda r: (r[0], r[1] == record.choice, -r[1]))  # ties keep the pick
    (chosen_keeps, chosen_best), (best_keeps, best_score) = chosen[0], best[0]
    if best is chosen:
        return 0.0, None
    regret = max(0.0, best_score - chosen_best)
    if best_keeps == chosen_keeps and best_score <= chosen_best + 0.5:
        return regret, None
    option = best[2]
    return regret, BetterReply(number=option.number, text=option.text, note=node.replies[option.reply_index].note,
                               best_overall=best_score,
                               chosen_best=chosen_best if chosen_keeps or not best_keeps else -1.0)


# ----------------------------------------------------------------------------- the moments


def _swing(record: Any) -> float:
    return float(record.mood_after.get("pleasure", 0.0)) - float(record.mood_before.get("pleasure", 0.0))


def _lesson(session: Any, record: Any, node: Any, swing: float) -> str:
    """An act lesson that fits the scene, for a turn with no note and no evidence message."""
    acts = session.catalog.acts
    wanted = "negative" if swing < 0 else "positive"
    for act_id in record.acts:
        act = acts.get(act_id)
        if act is None or act.polarity != wanted or not act.lesson:
            continue
        if node.provokes and act.skill == "calm" and act.polarity == "negative":
            continue  # generic calm lessons assume the customer is not attacking; here they are
        return act.lesson
    return ""


def _rule_text(costs: list[Any], gains: list[Any], node: Any, acts: Any) -> tuple[str, tuple[str, ...]]:
    """The turn's costliest evidence message (its best gain when nothing cost), with the rule
    ids of the two costliest.

    At a node that provokes, a calm act's penalty message carries its generic lesson ("the
    customer is not attacking you"), which the scene contradicts: only the act's name is
    kept, and the provocation rule's own message says what the moment needed."""
    items = sorted(costs, key=lambda e: e.points) or sorted(gains, key=lambda e: -e.points)
    messages, rules = [], []
    for evidence in items:
        message = evidence.message
        if node.provokes and evidence.rule.startswith("penalty:"):
            act = acts.get(evidence.rule.split(":", 1)[1])
            if act is not None and act.skill == "calm":
                message = f"{act.label}." if act.label else ""
        if message and message not in messages:
            messages.append(message)
            rules.append(evidence.rule)
    return (messages[0] if messages else ""), tuple(rules[:2])  # the costliest rule says it best


def _headline(record: Any, swing: float, costs: float, regret: float) -> str:
    """One short line: the mood move, the points it cost, the score it put out of reach."""
    from_label, to_label = expression_label(record.expression_before), expression_label(record.expression_after)
    if abs(swing) >= MIN_SWING:
        direction = "rose" if swing > 0 else "dropped"
        text = f"{from_label} → {to_label}" if from_label != to_label else f"Mood {direction}"
    elif costs < 0:
        text = "Mood hardly moved"
    else:
        text = "A better ending slipped away"
    if costs < 0:
        text += f" · cost {-costs:.0f} points"
    if regret >= MIN_REGRET:
        text += f" · {regret:.0f} fewer within reach"
    return text


def expression_label(expression: str) -> str:
    """The words for a mood label id (mood.yaml's `very_annoyed` -> 'Very annoyed'): what the
    debrief's key moments and the game's gauge and transcript show."""
    return expression.replace("_", " ").replace("-", " ").capitalize()


class _Recent:
    """The key moments of the last few play-throughs, by what decides them: the scenario and
    catalog objects, the reply-order seed and the choices. The game asks twice for the same
    play-through (to save the finished attempt, then for the debrief screen) and the
    look-ahead takes a tenth of a second or more; the moments are a function of those inputs
    alone, so the second answer is the first one. Each entry holds its scenario and catalog,
    so their ids cannot be reused while it is kept."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[Any, Any, tuple[KeyMoment, ...]]] = OrderedDict()

    @staticmethod
    def _key(session: Any) -> tuple:
        return id(session.scenario), id(session.catalog), session.seed, tuple(session.choices)

    def get(self, session: Any) -> tuple[KeyMoment, ...] | None:
        key = self._key(session)
        hit = self._items.get(key)
        if hit is None or hit[0] is not session.scenario or hit[1] is not session.catalog:
            return None
        self._items.move_to_end(key)
        return hit[2]

    def put(self, session: Any, moments: tuple[KeyMoment, ...]) -> None:
        self._items[self._key(session)] = (session.scenario, session.catalog, moments)
        self._items.move_to_end(self._key(session))
        while len(self._items) > self.size:
            self._items.popitem(last=False)


_recent = _Recent(RECENT)


def key_moments(session: Any, look: Lookahead | None = None) -> tuple[KeyMoment, ...]:
    """The turns worth discussing, in turn order (at most MAX_MOMENTS): the one list the
    debrief screen, `run --format json` and the records' exports all show."""
    if not session.transcript:
        return ()
    moments = _recent.get(session) if look is None else None
    if moments is None:
        moments = _key_moments(session, look if look is not None else Lookahead(session))
        _recent.put(session, moments)
    return moments


def moments_json(session: Any) -> list[dict[str, Any]] | None:
    """The key moments as JSON (`KeyMoment.to_json`), or None when the look-ahead fails (a
    scenario edited under a resumed attempt, say): saving a finished attempt must never
    depend on it. The failure is logged."""
    try:
        return [moment.to_json() for moment in key_moments(session)]
    except Exception:  # the caller saves the attempt whatever the analysis hits
        log.exception("the key moments could not be worked out; the attempt is saved without them")
        return None


def _key_moments(session: Any, look: Lookahead) -> tuple[KeyMoment, ...]:
    transcript = session.transcript
    result = session.result
    evidence = list(result.evidence) if result is not None else [e for r in transcript for e in r.evidence]
    found = {r.turn: turn_alternatives(look, session, r.turn) for r in transcript}
    cost_of = {r.turn: sum(e.points for e in evidence if e.turn == r.turn and e.points < 0) for r in transcript}

    chosen: set[int] = set()
    by_regret = sorted((t for t, (regret, _) in found.items() if regret >= MIN_REGRET), key=lambda t: -found[t][0])
    chosen.update(by_regret[:MAX_COSTS])
    by_cost = sorted((t for t, c in cost_of.items() if c < 0), key=lambda t: cost_of[t])
    chosen.update(by_cost[:MAX_COSTS])
    swings = sorted((r for r in transcript if abs(_swing(r)) >= MIN_SWING), key=lambda r: -abs(_swing(r)))
    chosen.update(r.turn for r in swings[:MAX_SWINGS])

    moments = []
    for turn in sorted(chosen):
        record = transcript[turn - 1]
        node = session.scenario.nodes[record.node_id]
        swing = _swing(record)
        costs = [e for e in evidence if e.turn == turn and e.points < 0]
        gains = [e for e in evidence if e.turn == turn and e.points > 0]
        rule, rules = _rule_text(costs, gains, node, session.catalog.acts)
        if not rule and not record.note:
            rule = _lesson(session, record, node, swing)
        regret, better = found[turn]
        moments.append(KeyMoment(
            turn=turn, headline=_headline(record, swing, cost_of[turn], regret), customer_line=record.customer_line,
            said=record.reply_text, number=record.choice + 1, coaching=record.note, rule=rule, rules=rules,
            better=better, mood_change=swing, points=sum(e.points for e in evidence if e.turn == turn),
            regret=regret, provokes=tuple(node.provokes)))
    if len(moments) > MAX_MOMENTS:  # keep the most instructive: lost future, then costs, then swings
        ranked = sorted(moments, key=lambda m: (-m.regret, m.points, -abs(m.mood_change)))[:MAX_MOMENTS]
        moments = sorted(ranked, key=lambda m: m.turn)
    return tuple(moments)


# ----------------------------------------------------------------------------- the skills


def skill_standings(session: Any) -> tuple[tuple[SkillStanding, ...], float | None, float]:
    """Each skill with its status against the floor and the pass mark; (standings, floor, pass mark)."""
    rubric = session.compiled.rubric
    result = session.result
    pass_mark = rubric.pass_mark
    floor = rubric.floor
    skills = result.skills if result is not None else session.provisional_score().skills
    out = []
    for skill in [*SKILLS, *(s for s in skills if s not in SKILLS)]:
        if skill not in skills:
            continue
        score = int(skills[skill])
        if floor is not None and score < floor:
            status = "below floor"
        elif score < pass_mark:
            status = "below pass mark"
        else:
            status = "passed"
        out.append(SkillStanding(skill, rubric.labels.get(skill, skill), score, status))
    return tuple(out), floor, float(pass_mark)


def scores_only(session: Any) -> Debrief:
    """The debrief without key moments: the skills, what held the grade back, the verdict."""
    standings, floor, pass_mark = skill_standings(session)
    held = tuple(s.label for s in standings if s.status == "below floor")
    result = session.result
    passed = bool(result is not None and result.passed and not held)
    held_ids = result.held_back_by if result is not None else ()
    floor_cap = floor_cap_message(session.compiled.rubric, held_ids) if held_ids and floor is not None else None
    return Debrief(moments=(), skills=standings, held_back_by=held, floor=floor, pass_mark=pass_mark, passed=passed,
                   floor_cap=floor_cap)


def build_debrief(session: Any) -> Debrief:
    """Everything the debrief shows for a finished (or stopped) session."""
    return dataclasses.replace(scores_only(session), moments=key_moments(session))


def debrief_or_scores(session: Any) -> Debrief:
    """`build_debrief`; if the look-ahead fails (a scenario edited under a resumed attempt,
    say) the scores without key moments, so the debrief always opens. The failure is logged."""
    try:
        return build_debrief(session)
    except Exception:  # the debrief must open whatever the analysis hits
        log.exception("the debrief analysis failed; showing the scores only")
        return scores_only(session)


def _round(value: float) -> float:
    return round(float(value), DECIMALS) + 0.0  # + 0.0: no -0.0 in the JSON
