"""The rubric's order rules, one small function each, registered under their rubric.yaml id.

`RubricTracker.add_turn` runs `TURN_RULES` in order on every reply (after the per-act credits
and penalties, the provocation rule and the persona's rules), and `finish` runs
`FINISH_RULES`; a rule whose id is missing from rubric.yaml's `rules:` is off. Every number,
act list and message comes from the rule's settings (`spec`); the keys each rule accepts are
listed in `rubric_schema.RULE_KEYS`, which checks the file. A new order rule is a function
here, an entry in the registry and its keys in RULE_KEYS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping

from simulator.engine.rubric_facts import Evidence, TurnFacts

if TYPE_CHECKING:
    from simulator.engine.rubric import RubricTracker

Spec = Mapping[str, Any]
TurnRule = Callable[["RubricTracker", list, TurnFacts, set, Spec], None]
FinishRule = Callable[["RubricTracker", list, str, Spec], None]
FIRST_FIX_RULES = ("feel_before_fix", "listen_before_solve")  # judged at the first fix, together


@dataclass(slots=True)
class Pending:
    """A refusal still waiting for its alternative (offer two roads)."""

    turn: int
    deadline: int
    reply_text: str


def _before_fix(rule_id: str, before_key: str) -> TurnRule:
    """feel before fix / listen before solve: at the first fix, was a `before_key` act seen?"""
    def rule(tracker: "RubricTracker", out: list[Evidence], facts: TurnFacts, here: set[str], spec: Spec) -> None:
        if tracker.fix_checked or not here & set(spec.get("fix_acts", ())):
            return
        if (tracker.seen | here) & set(spec.get(before_key, ())):
            tracker._credit(out, facts.turn, spec["skill"], float(spec.get("credit", 0)), rule_id,
                            spec.get("met", rule_id), facts.reply_text, keep_zero="met" in spec)
        else:
            tracker._lose(out, facts.turn, spec["skill"], float(spec.get("points", 0)), rule_id,
                          spec.get("broken", rule_id), facts.reply_text)
    return rule


def mark_first_fix(tracker: "RubricTracker", here: set[str], rules: Mapping[str, Spec]) -> None:
    """After both first-fix rules have looked at this reply: was it the first fix?"""
    if any(here & set(rules.get(r, {}).get("fix_acts", ())) for r in FIRST_FIX_RULES):
        tracker.fix_checked = True


def one_sorry(tracker: "RubricTracker", out: list[Evidence], facts: TurnFacts, here: set[str], spec: Spec) -> None:
    """One sorry, then solve: every apology past `limit` costs."""
    apology_acts = set(spec.get("apology_acts", ()))
    for act_id in facts.acts:
        if act_id in apology_acts and act_id in here:
            tracker.apologies += 1
            if tracker.apologies > int(spec.get("limit", 2)):
                message = spec.get("broken", "Too many apologies.").replace("{count}", str(tracker.apologies))
                tracker._lose(out, facts.turn, spec["skill"], float(spec.get("points", 0)), "one_sorry", message,
                              facts.reply_text)


def two_roads(tracker: "RubricTracker", out: list[Evidence], facts: TurnFacts, here: set[str], spec: Spec) -> None:
    """Offer two roads: a refusal needs an alternative in this reply or within `window` replies."""
    turn, text = facts.turn, facts.reply_text
    alternatives = set(spec.get("alternative_acts", ()))
    if here & alternatives:
        for waiting in tracker.pending:
            tracker._credit(out, waiting.turn, spec["skill"], float(spec.get("credit", 0)), "two_roads",
                            spec.get("met", "two_roads"), waiting.reply_text, keep_zero="met" in spec)
        tracker.pending.clear()
    else:
        still = []
        for waiting in tracker.pending:
            if turn >= waiting.deadline:
                tracker._lose(out, waiting.turn, spec["skill"], float(spec.get("points", 0)), "two_roads",
                              spec.get("broken", "two_roads"), waiting.reply_text)
            else:
                still.append(waiting)
        tracker.pending = still
    if here & set(spec.get("refusal_acts", ())):
        if here & alternatives:
            tracker._credit(out, turn, spec["skill"], float(spec.get("credit", 0)), "two_roads",
                            spec.get("met", "two_roads"), text, keep_zero="met" in spec)
        else:
            tracker.pending.append(Pending(turn, turn + int(spec.get("window", 1)), text))


def recap_check_close(tracker: "RubricTracker", out: list[Evidence], facts: TurnFacts, here: set[str],
                      spec: Spec) -> None:
    """Recap, check, close: judged at the first closing reply."""
    if tracker.close_checked:
        return
    closing = here & set(spec.get("close_acts", ()))
    if facts.ends:
        closing |= here & set(spec.get("final_close_acts", ()))
    if not closing:
        return
    turn, text = facts.turn, facts.reply_text
    tracker.close_checked = True
    so_far = tracker.seen | here
    recapped = bool(so_far & set(spec.get("recap_acts", ())))
    checked = bool(so_far & set(spec.get("check_acts", ())))
    if recapped and checked:
        tracker._credit(out, turn, spec["skill"], float(spec.get("credit", 0)), "recap_check_close",
                        spec.get("met", "recap_check_close"), text, keep_zero="met" in spec)
    if not recapped:
        tracker._lose(out, turn, spec["skill"], float(spec.get("points", 0)), "recap_check_close",
                      spec.get("no_recap", "Closed without a recap."), text)
    if not checked:
        tracker._lose(out, turn, spec["skill"], float(spec.get("points", 0)), "recap_check_close",
                      spec.get("no_check", "Closed without checking for anything else."), text)


def two_roads_at_end(tracker: "RubricTracker", out: list[Evidence], outcome: str, spec: Spec) -> None:
    """A refusal still waiting for its alternative when the conversation ends costs."""
    for waiting in tracker.pending:
        tracker._lose(out, waiting.turn, spec["skill"], float(spec.get("points", 0)), "two_roads",
                      spec.get("broken", "two_roads"), waiting.reply_text)
    tracker.pending.clear()


def recap_before_end(tracker: "RubricTracker", out: list[Evidence], outcome: str, spec: Spec) -> None:
    """Ending in one of `outcomes` without ever recapping costs, at the last reply."""
    if outcome in spec.get("outcomes", ()) and not tracker.seen & set(spec.get("recap_acts", ())):
        tracker._lose(out, tracker.last_turn, spec["skill"], float(spec.get("points", 0)), "recap_before_end",
                      spec.get("broken", "recap_before_end"), tracker.last_text)


# rubric.yaml rule id -> the unit that scores it, in the order they run on a reply
TURN_RULES: tuple[tuple[str, TurnRule], ...] = (
    ("feel_before_fix", _before_fix("feel_before_fix", "feel_acts")),
    ("listen_before_solve", _before_fix("listen_before_solve", "listen_acts")),
    ("one_sorry", one_sorry),
    ("two_roads", two_roads),
    ("recap_check_close", recap_check_close),
)
FINISH_RULES: tuple[tuple[str, FinishRule], ...] = (
    ("two_roads", two_roads_at_end),
    ("recap_before_end", recap_before_end),
)
# rules the tracker applies itself, before the order rules: they decide what a reply earns at all
TRACKER_RULES = ("provocation", "mixed_reply", "hand_off")
