"""The rubric tracker as it was written before the rubric was batch-shaped: one conversation,
plain Python sets and dicts. Kept in the tests only, as an independent oracle: the engine's
batch rule units (simulator/engine/rubric_rules.py) must give the same evidence and totals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping

from simulator.engine.rubric_facts import Evidence, Scorecard, TurnFacts
from simulator.scenario.model import SKILLS

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _round_half_up(value: float, digits: int = 0) -> float:
    scale = 10 ** digits
    return math.floor(value * scale + 0.5) / scale


Spec = Mapping[str, Any]
TurnRule = Callable[..., None]
FinishRule = Callable[..., None]
FIRST_FIX_RULES = ("feel_before_fix", "listen_before_solve")  # judged at the first fix, together


@dataclass(slots=True)
class Pending:
    """A refusal still waiting for its alternative (offer two roads)."""

    turn: int
    deadline: int
    reply_text: str


def _before_fix(rule_id: str, before_key: str) -> TurnRule:
    """feel before fix / listen before solve: at the first fix, was a `before_key` act seen?"""
    def rule(tracker: "OracleTracker", out: list[Evidence], facts: TurnFacts, here: set[str], spec: Spec) -> None:
        if tracker.fix_checked or not here & set(spec.get("fix_acts", ())):
            return
        if (tracker.seen | here) & set(spec.get(before_key, ())):
            tracker._credit(out, facts.turn, spec["skill"], float(spec.get("credit", 0)), rule_id,
                            spec.get("met", rule_id), facts.reply_text, keep_zero="met" in spec)
        else:
            tracker._lose(out, facts.turn, spec["skill"], float(spec.get("points", 0)), rule_id,
                          spec.get("broken", rule_id), facts.reply_text)
    return rule


def mark_first_fix(tracker: "OracleTracker", here: set[str], rules: Mapping[str, Spec]) -> None:
    """After both first-fix rules have looked at this reply: was it the first fix?"""
    if any(here & set(rules.get(r, {}).get("fix_acts", ())) for r in FIRST_FIX_RULES):
        tracker.fix_checked = True


def one_sorry(tracker: "OracleTracker", out: list[Evidence], facts: TurnFacts, here: set[str], spec: Spec) -> None:
    """One sorry, then solve: every apology past `limit` costs."""
    apology_acts = set(spec.get("apology_acts", ()))
    for act_id in facts.acts:
        if act_id in apology_acts and act_id in here:
            tracker.apologies += 1
            if tracker.apologies > int(spec.get("limit", 2)):
                message = spec.get("broken", "Too many apologies.").replace("{count}", str(tracker.apologies))
                tracker._lose(out, facts.turn, spec["skill"], float(spec.get("points", 0)), "one_sorry", message,
                              facts.reply_text)


def two_roads(tracker: "OracleTracker", out: list[Evidence], facts: TurnFacts, here: set[str], spec: Spec) -> None:
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


def recap_check_close(tracker: "OracleTracker", out: list[Evidence], facts: TurnFacts, here: set[str],
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


def two_roads_at_end(tracker: "OracleTracker", out: list[Evidence], outcome: str, spec: Spec) -> None:
    """A refusal still waiting for its alternative when the conversation ends costs."""
    for waiting in tracker.pending:
        tracker._lose(out, waiting.turn, spec["skill"], float(spec.get("points", 0)), "two_roads",
                      spec.get("broken", "two_roads"), waiting.reply_text)
    tracker.pending.clear()


def recap_before_end(tracker: "OracleTracker", out: list[Evidence], outcome: str, spec: Spec) -> None:
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


@dataclass(slots=True)
class OracleTracker:
    """Scores one conversation turn by turn. Feed `add_turn` in order, then `finish`."""

    rubric: Rubric
    evidence: list[Evidence] = field(default_factory=list)
    credited: set[str] = field(default_factory=set)  # acts whose credit was already given
    seen: set[str] = field(default_factory=set)  # every act used so far
    gained: dict[str, float] = field(default_factory=dict)  # credit points counted per skill
    apologies: int = 0
    fix_checked: bool = False
    close_checked: bool = False
    pending: list[Pending] = field(default_factory=list)
    critical: list[tuple[int, str]] = field(default_factory=list)  # (turn, act)
    provocations: list[float] = field(default_factory=list)  # share of calm kept at each provocation met
    empathy_turns: int = 0  # persona empathy_loop: empathy turns before the first solution
    solution_seen: bool = False
    last_turn: int = 0
    last_text: str = ""
    finished: bool = False
    raw: dict[str, float] = field(default_factory=dict)  # start + evidence points so far, per skill touched

    def copy(self) -> "OracleTracker":
        """A copy that can go on scoring without touching this one (the analyser's prefix tree
        copies a parent's tracker for each child). Containers are copied one level: their items
        (Evidence, Pending, tuples) are never changed in place. `tests/engine/test_rubric.py`
        checks every field is named here."""
        return OracleTracker(
            self.rubric, self.evidence.copy(), self.credited.copy(), self.seen.copy(), self.gained.copy(),
            self.apologies, self.fix_checked, self.close_checked, self.pending.copy(), self.critical.copy(),
            self.provocations.copy(), self.empathy_turns, self.solution_seen, self.last_turn, self.last_text,
            self.finished, self.raw.copy())

    def _record(self, out: list[Evidence]) -> None:
        """Keep the evidence and the running skill totals (summed in evidence order, from the
        skill's start, exactly as a sum over the whole list would be)."""
        self.evidence.extend(out)
        raw, starts = self.raw, self.rubric.starts
        for item in out:
            raw[item.skill] = raw.get(item.skill, starts[item.skill]) + item.points

    # -- evidence helpers
    def _credit(self, out: list[Evidence], turn: int, skill: str, units: float, rule: str,
                message: str, text: str, keep_zero: bool = False) -> None:
        target = self.rubric.targets[skill]
        if target is None or units <= 0:
            if keep_zero:
                out.append(Evidence(turn, skill, 0.0, rule, message, text))
            return
        self._gain(out, turn, skill, 100.0 * units / target, rule, message, text, keep_zero)

    def _gain(self, out: list[Evidence], turn: int, skill: str, points: float, rule: str,
              message: str, text: str, keep_zero: bool = False) -> None:
        room = 100.0 - self.rubric.starts[skill] - self.gained.get(skill, 0.0)
        counted = min(points, max(room, 0.0))
        if counted <= 0:
            # the skill is already full; a kept order rule is still worth showing in the debrief
            if keep_zero:
                out.append(Evidence(turn, skill, 0.0, rule, message, text))
            return
        self.gained[skill] = self.gained.get(skill, 0.0) + counted
        out.append(Evidence(turn, skill, counted, rule, message, text))

    @staticmethod
    def _lose(out: list[Evidence], turn: int, skill: str, points: float, rule: str, message: str,
              text: str) -> None:
        if points < 0:
            out.append(Evidence(turn, skill, float(points), rule, message, text))

    def add_turn(self, facts: TurnFacts) -> list[Evidence]:
        """Score one reply; returns the evidence this turn produced (some may name earlier turns)."""
        if self.finished:
            raise RuntimeError("add_turn() after finish(): the conversation was already scored")
        out: list[Evidence] = []
        rubric, rules = self.rubric, self.rubric.rules
        turn, text, acts = facts.turn, facts.reply_text, facts.acts
        here = set(acts)

        # a hand-off the scenario marks right is not a mistake; every other negative act is
        hand_off = rules.get("hand_off")
        free = set(hand_off.get("acts", ())) if hand_off is not None and facts.hand_off_right else set()
        negatives = [a for a in acts if a in rubric.penalties and a not in free]
        # a reply that does anything negative earns nothing from its positive acts: the order
        # rules below see only what the reply really did (`effective`)
        mixed = rules.get("mixed_reply") if negatives else None
        if mixed is not None:
            effective = {a for a in here if a not in rubric.credits}
        else:
            effective = here

        # the persona's empathy loop: sympathy beyond what this customer wants earns nothing
        loop = self._empathy_loop(here)
        withheld = set(loop.get("empathy_acts", ())) if loop is not None else set()

        # acts: credit once per positive act, every negative act costs
        for act_id in acts:
            act = rubric.acts.get(act_id)
            if act is None or act.skill is None:
                continue
            if act.polarity == "positive" and act_id not in self.credited:
                if act_id in withheld:
                    continue  # the empathy_loop evidence below says why
                if mixed is not None:
                    if rubric.targets[act.skill] is not None:  # it would have earned points
                        worst = rubric.acts[negatives[0]].label
                        out.append(Evidence(turn, act.skill, 0.0, "mixed_reply", str(
                            mixed.get("message", "No credit for {act}.")).replace("{act}", act.label)
                            .replace("{negative}", worst), text))
                    continue
                self.credited.add(act_id)
                self._credit(out, turn, act.skill, rubric.credits.get(act_id, 0.0), f"credit:{act_id}",
                             f"{act.label}.", text)
            elif act.polarity == "negative":
                if act_id in free:
                    out.append(Evidence(turn, act.skill, 0.0, "hand_off_right",
                                        str(hand_off.get("right", "A hand-off the scenario marks as right.")), text))
                else:
                    self._lose(out, turn, act.skill, rubric.penalties.get(act_id, 0.0), f"penalty:{act_id}",
                               f"{act.label}: {act.lesson}", text)
            if act.critical:
                self.critical.append((turn, act_id))

        self._provocation(out, facts, here, effective, bool(negatives))
        self._persona_rules(out, facts, here, loop)

        # the reply's explicit skill points
        for skill, points in facts.skills:
            message = facts.note or "Extra points the scenario gives for this reply."
            if points > 0:
                self._gain(out, turn, skill, float(points), "reply_skills", message, text)
            else:
                self._lose(out, turn, skill, float(points), "reply_skills", message, text)

        here = effective  # from here on, the order rules (rubric_rules.TURN_RULES, in order)
        for rule_id, rule in TURN_RULES:
            spec = rules.get(rule_id)
            if spec is not None:
                rule(self, out, facts, here, spec)
        mark_first_fix(self, here, rules)

        self.seen |= here
        self.last_turn, self.last_text = turn, text
        self._record(out)
        return out

    def _provocation(self, out: list[Evidence], facts: TurnFacts, here: set[str], effective: set[str],
                     negative: bool) -> None:
        """Calm by opportunity: a provoking node is answered, let pass or mirrored.

        Calm's credit part is 100 x the mean share kept over the provocations met (100 while
        untested); the evidence carries the change this turn made to it, so the points still
        add up to the score (see rubric.yaml, rules.provocation).
        """
        spec = self.rubric.rules.get("provocation")
        if spec is None or not facts.provokes:
            return
        persona = self.rubric.persona_rules.get("provocation", _EMPTY)
        kinds = " and ".join(facts.provokes)
        extra = 0.0
        if here & set(spec.get("mirror_acts", ())):
            kept, rule, message = 0.0, "provocation_mirrored", spec.get("mirrored", "Answered in kind.")
            extra = -abs(float(persona.get("mirror_points", spec.get("mirror_points", 0))))
        elif effective & set(spec.get("answer_acts", ())) and not negative:
            kept, rule, message = 1.0, "provocation_answered", spec.get("met", "Stayed composed.")
        else:
            kept = float(persona.get("let_pass_keeps", spec["let_pass_keeps"]))
            rule, message = "provocation_let_pass", spec.get("let_pass", "Let the provocation pass.")
        before = sum(self.provocations) / len(self.provocations) if self.provocations else 1.0
        self.provocations.append(kept)
        after = sum(self.provocations) / len(self.provocations)
        points = round(100.0 * (after - before), 9) + extra
        message = str(message).replace("{kinds}", kinds)
        if persona.get("message") and rule != "provocation_answered":
            message += " " + str(persona["message"])
        out.append(Evidence(facts.turn, spec["skill"], points, rule, message, facts.reply_text))

    def _empathy_loop(self, here: set[str]) -> Mapping[str, Any] | None:
        """The persona's empathy_loop rule when this reply is one empathy turn too many before
        the first solution (counting it), else None."""
        spec = self.rubric.persona_rules.get("empathy_loop")
        if spec is None or self.solution_seen:
            return None
        if here & set(spec.get("solution_acts", ())):
            self.solution_seen = True
            return None
        if here & set(spec.get("empathy_acts", ())):
            self.empathy_turns += 1
            if self.empathy_turns > int(spec.get("allowed", 1)):
                return spec
        return None

    def _persona_rules(self, out: list[Evidence], facts: TurnFacts, here: set[str],
                       loop: Mapping[str, Any] | None) -> None:
        """The customer's persona's own scoring rules (personas.yaml `scoring:`)."""
        rules = self.rubric.persona_rules
        if not rules:
            return
        turn, text = facts.turn, facts.reply_text
        if loop is not None:
            self._lose(out, turn, loop["skill"], -abs(float(loop["points"])), "empathy_loop",
                       str(loop.get("message", "empathy_loop")), text)
        spec = rules.get("act_penalties")
        if spec is not None:
            for act_id in facts.acts:
                for skill, points in spec.get("acts", {}).get(act_id, {}).items():
                    label = self.rubric.acts[act_id].label if act_id in self.rubric.acts else act_id
                    self._lose(out, turn, skill, -abs(float(points)), f"persona_penalty:{act_id}",
                               f"{label}: {spec.get('message', '')}".strip(), text)
        spec = rules.get("promise_needs_proof")
        if spec is not None and here & set(spec.get("promise_acts", ())) \
                and not here & set(spec.get("proof_acts", ())):
            self._lose(out, turn, spec["skill"], -abs(float(spec["points"])), "promise_needs_proof",
                       str(spec.get("message", "promise_needs_proof")), text)
        spec = rules.get("unprovoked")
        if spec is not None and not facts.provokes and here & set(spec.get("acts", ())):
            self._lose(out, turn, spec["skill"], -abs(float(spec["points"])), "unprovoked",
                       str(spec.get("message", "unprovoked")), text)

    def finish(self, outcome: str) -> list[Evidence]:
        """Apply the rules that need the ending; returns the evidence they produced."""
        if self.finished:
            return []
        self.finished = True
        out: list[Evidence] = []
        rules = self.rubric.rules
        for rule_id, rule in FINISH_RULES:
            spec = rules.get(rule_id)
            if spec is not None:
                rule(self, out, outcome, spec)
        self._record(out)
        return out

    def _skills(self) -> dict[str, int]:
        starts, raw = self.rubric.starts, self.raw
        return {s: int(_round_half_up(min(100.0, max(0.0, raw.get(s, starts[s]))))) for s in SKILLS}

    def _capped(self, skills: Mapping[str, int], outcome: str | None,
                caps: list[str] | None) -> tuple[float, float, tuple[str, ...]]:
        """(overall after caps, overall before caps, skills held under the floor); the caps'
        messages go to `caps` unless it is None (the analyser only needs the numbers)."""
        rubric = self.rubric
        total_weight = sum(rubric.weights.values())
        weighted = sum(rubric.weights[s] * skills[s] for s in SKILLS) / total_weight
        uncapped = _round_half_up(weighted, 1)
        overall = uncapped
        held: tuple[str, ...] = ()
        if outcome is not None and rubric.floor is not None:  # in progress, follow-up has not had its turn
            held = tuple(s for s in SKILLS if skills[s] < rubric.floor)
        if held:
            spec = rubric.floor_cap or {}
            if caps is not None:
                names = [rubric.labels[s] for s in held]
                listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
                caps.append(str(spec.get("message", "{skills} below the floor of {floor}: no pass."))
                            .replace("{skills}", listed).replace("{floor}", f"{rubric.floor:g}"))
            if "max_overall" in spec:
                overall = min(overall, float(spec["max_overall"]))
        if outcome == "escalated" and rubric.resolution_reachable and rubric.escalation_cap is not None:
            spec = rubric.escalation_cap
            limit = float(spec["max_overall"])
            if caps is not None:
                caps.append(str(spec.get("message", "An avoidable escalation caps the overall at {max}."))
                            .replace("{max}", f"{limit:g}"))
            overall = min(overall, limit)
        if self.critical and rubric.critical_cap is not None:
            turn, act_id = self.critical[0]
            limit = float(rubric.critical_cap["max_overall"])
            if caps is not None:
                label = rubric.acts[act_id].label if act_id in rubric.acts else act_id
                caps.append(str(rubric.critical_cap.get("message", "Critical act caps the overall at {max}."))
                            .replace("{act}", label).replace("{turn}", str(turn)).replace("{max}", f"{limit:g}"))
            overall = min(overall, limit)
        if outcome is not None and outcome in rubric.outcome_caps:
            spec = rubric.outcome_caps[outcome]
            limit = float(spec["max_overall"])
            if caps is not None:
                caps.append(str(spec.get("message", "The outcome caps the overall at {max}."))
                            .replace("{max}", f"{limit:g}"))
            overall = min(overall, limit)
        return overall, uncapped, held

    def totals(self, outcome: str | None) -> tuple[float, str, dict[str, int]]:
        """(overall, grade, skills) exactly as `scorecard(outcome)` has them, without building
        the evidence list and the caps' messages (the analyser scores every prefix)."""
        skills = self._skills()
        overall, _, _ = self._capped(skills, outcome, None)
        return overall, self.rubric.grade_for(overall), skills

    def scorecard(self, outcome: str | None) -> Scorecard:
        """Skills, overall, grade and caps from the evidence so far (outcome None: in progress)."""
        rubric = self.rubric
        skills = self._skills()
        caps: list[str] = []
        overall, uncapped, held = self._capped(skills, outcome, caps)
        ordered = tuple(sorted(self.evidence, key=lambda e: e.turn))  # stable: emission order within a turn
        return Scorecard(skills=skills, overall=overall, grade=rubric.grade_for(overall),
                         passed=rubric.passes(overall) and not held, evidence=ordered, caps=tuple(caps),
                         uncapped_overall=uncapped, held_back_by=held)


