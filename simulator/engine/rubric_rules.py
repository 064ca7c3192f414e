"""The rubric's rules, one small unit each, registered under their rubric.yaml id; every unit
scores n conversations at once.

A turn is scored by `score_turn`: what the reply earns at all (hand_off, mixed_reply, the
persona's empathy loop), then the per-act credits and penalties, the provocation rule, the
persona's rules, the reply's explicit points, and `TURN_RULES` in order; `score_finish` runs
`FINISH_RULES` at the end. A rule whose id is missing from rubric.yaml's `rules:` is off.
hand_off and mixed_reply read only the reply, so they run once per reply table and rubric
(`ReplyPart`, with the act slots' facts and the rule lists each reply meets) and a turn looks
their results up; a rule skips its work when its mask is false in every row (`_some`).
Every number, act list and message comes from the rule's settings (`spec`); the keys each
rule accepts are listed in `rubric_schema.RULE_KEYS`, which checks the file. A new rule is a
function here, an entry in a registry and its keys in RULE_KEYS.

The state is `rubric_rows.RubricRows` (one row per conversation). The session is the n = 1
case: it passes an evidence list (`log`) and every unit writes the evidence its points came
from, with the message; the analyser passes none and only the numbers move. Points are added
in the order the evidence is produced, so both give the same totals to the last bit.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

from simulator.engine.rubric_facts import Evidence
from simulator.engine.rubric_rows import NO_OUTCOME, ReplyTable, RubricArrays, RubricRows
from simulator.scenario.model import OUTCOMES, SKILLS

Spec = Mapping[str, Any]
FIRST_FIX_RULES = ("feel_before_fix", "listen_before_solve")  # judged at the first fix, together
_EMPTY: Spec = {}


class ReplyPart:
    """What a rubric makes of each row of a reply table before any conversation state is
    read: the `hand_off` and `mixed_reply` rules (they look only at the reply), the negative
    flag between them, each act slot's facts, and which rule lists each reply meets.

    Worked out once per (table, rubric) by the same rule units, run over all the table's rows
    (row i = reply i), and then gathered per turn: a session meets the same replies again and
    again, and the analyser scores every row of a turn against one table. The arrays are
    read-only, so no rule can change what the next turn gathers."""

    def __init__(self, rubric: Any, table: ReplyTable) -> None:
        a = self.arrays = rubric.arrays
        self.rubric, self.table, self.n = rubric, table, len(table)
        self.reply = np.arange(self.n)
        self.here = table.here
        self.free = np.zeros_like(self.here)  # negative acts that cost nothing (a right hand-off)
        self.mixed = np.zeros(self.n, dtype=bool)  # rows where mixed_reply took the credit acts out
        self.effective = self.here  # what the reply really did (mixed_reply may take credit acts out)
        rules = rubric.rules
        if rules.get("hand_off") is not None:
            hand_off(self, rules["hand_off"])
        # the reply did something negative (not a right hand-off)
        self.negative = np.logical_or.reduce(self.here & a.penalty_mask & ~self.free, axis=1)
        if rules.get("mixed_reply") is not None:
            mixed_reply(self, rules["mixed_reply"])
        # each act slot (the reply's acts in order, duplicates kept): the act, its skill and
        # polarity, whether it is a right hand-off's free act or costs its penalty
        acts = table.acts
        safe = np.maximum(acts, 0)
        skills = a.skill_of[safe]
        valid = (acts >= 0) & (skills >= 0)
        self.slot_act, self.slot_skill = safe, np.maximum(skills, 0)
        self.slot_positive = valid & a.positive[safe]
        negative = valid & a.negative[safe]
        self.slot_critical = valid & a.critical[safe]
        self.slot_free = negative & np.take_along_axis(self.free, safe, axis=1)
        self.slot_costs = negative & ~self.slot_free
        # what each slot's act credit is worth (the rubric's numbers only: whether it is
        # fresh is the state's)
        self.slot_earns, self.slot_points = credit_points(a, self.slot_skill, a.credit_units[safe])
        self.slot_valid = valid
        self.slot_lists = [np.flatnonzero(row).tolist() for row in valid]  # per reply, its scored slots
        self.skill_lists = [np.flatnonzero(row >= 0).tolist() for row in table.skill_index]  # its `skills:` entries
        # a one-reply table's slot facts as plain lists: the rows of a turn that all picked it
        # read one value per slot (act, skill, credit earned and worth, polarity flags)
        self.row_facts = None if self.n != 1 else (*(
            getattr(self, name)[0].tolist() for name in ("slot_act", "slot_skill", "slot_earns", "slot_points",
                                                         "slot_positive", "slot_critical", "slot_free", "slot_costs")),
            a.penalty[safe[0]].tolist(), bool(self.mixed[0]))  # each slot's penalty; whether the reply is mixed
        self.messages: dict[tuple[str, int], str] = {}  # (pattern, act) -> its evidence message
        self.act_costs: dict[int, list] = {}  # id(act_penalties spec) -> a one-reply table's losses
        for name in _PART_ARRAYS:
            getattr(self, name).flags.writeable = False
        self._meets: dict[tuple[int, str, bool], np.ndarray] = {}
        self._meets_one: dict[tuple[int, str, bool], bool] = {}  # a one-reply table's `meets`, as a bool
        # the rules this rubric runs on every turn, with their settings, in their order
        persona = rubric.persona_rules
        self.empathy_loop = persona.get("empathy_loop")
        self.persona_rules = [(rule, persona[rule_id]) for rule_id, rule in PERSONA_RULES
                              if persona.get(rule_id) is not None]
        self.provocation = rules.get("provocation")
        self.turn_rules = [(rule, rules[rule_id]) for rule_id, rule in TURN_RULES if rules.get(rule_id) is not None]
        self.first_fix = [rules[rule_id] for rule_id in FIRST_FIX_RULES if rules.get(rule_id) is not None]

    def mask(self, spec: Spec, key: str) -> np.ndarray:
        return self.arrays.rule_mask(spec, key)

    def meets(self, spec: Spec, key: str, really: bool) -> np.ndarray:
        """(m,) whether each reply does an act of the spec's list `key` (really: counting only
        what it really did, `effective`), worked out once per list."""
        found = self._meets.get((id(spec), key, really))
        if found is None:
            mask = self.mask(spec, key)
            found = (np.logical_or.reduce(self.effective & mask, axis=1) if really
                     else self.table.meets(mask))
            found.flags.writeable = False
            self._meets[(id(spec), key, really)] = found
        return found


def _none_and_all(n: int) -> tuple[np.ndarray, np.ndarray]:
    nothing, every = np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
    nothing.flags.writeable = every.flags.writeable = False
    return nothing, every


_NO_ROW, _ONE_ROW = _none_and_all(1)
_PART_ARRAYS = ("free", "mixed", "effective", "negative", "slot_act", "slot_skill", "slot_positive", "slot_critical",
                "slot_free", "slot_costs", "slot_valid", "slot_earns", "slot_points")


def reply_part(rubric: Any, table: ReplyTable) -> ReplyPart:
    """The table's `ReplyPart` for this rubric, built on first use."""
    found = table.parts.get(id(rubric))
    if found is None or found.rubric is not rubric:
        found = table.parts[id(rubric)] = ReplyPart(rubric, table)
    return found


class Turn:
    """One reply scored for rows of a `RubricRows`: the facts as arrays, and the three ways a
    rule moves points (credit units, gain points, lose points), each writing its evidence
    when a log is kept."""

    def __init__(self, rubric: Any, rows: RubricRows, table: ReplyTable, reply: np.ndarray, turn: np.ndarray,
                 ends: np.ndarray, log: list[Evidence] | None) -> None:
        self.rubric, self.arrays = rubric, rubric.arrays
        self.st, self.table, self.reply, self.turn, self.ends, self.log = rows, table, reply, turn, ends, log
        self.n = n = len(reply)
        if log is not None and n != 1:
            raise ValueError("evidence is written for one conversation at a time")
        self.part = part = reply_part(rubric, table)
        # one row of a one-row table (a session's turn) is the table's row itself: no gather
        self.same = n == 1 and part.n == 1
        # every row picked the table's one reply (a session's turn): a slot's act, skill and
        # points are one value for all rows, so the state is read and written by column
        self.one_reply = part.n == 1
        if self.same:  # the table's own rows (read-only), no gather
            self.here, self.free, self.effective = part.here, part.free, part.effective
            self.negative, self.mixed = part.negative, part.mixed
        else:
            pick = self.pick
            self.here, self.free, self.effective = pick(part.here), pick(part.free), pick(part.effective)
            self.negative, self.mixed = pick(part.negative), pick(part.mixed)
        self._text: str | None = None  # row 0's reply text, for evidence (made once, when asked)
        # no row / every row (read-only: rules hand them on as masks, never write into them)
        self.nothing, self.every = (_NO_ROW, _ONE_ROW) if n == 1 else _none_and_all(n)
        self.looping = self.nothing  # empathy turns beyond the persona's allowance
        self.withheld: np.ndarray | None = None  # positive acts that earn nothing this turn (empathy loop); None: none

    # -- reading
    def pick(self, per_reply: np.ndarray) -> np.ndarray:
        """The rows' values of a per-reply-table-row array (read-only when not gathered)."""
        return per_reply if self.same else per_reply.take(self.reply, axis=0)

    def mask(self, spec: Spec, key: str) -> np.ndarray:
        return self.arrays.rule_mask(spec, key)

    def any_of(self, acts: np.ndarray, spec: Spec, key: str) -> np.ndarray:
        """(n,) rows whose act set (n, width) meets the spec's act list `key`."""
        return np.logical_or.reduce(acts & self.mask(spec, key), axis=1)

    def does(self, spec: Spec, key: str) -> np.ndarray:
        """`any_of(here, ...)`: whether the reply does an act of the list (looked up per reply)."""
        # (the part's memo read here first: the rules ask several times a turn)
        found = self.part._meets.get((id(spec), key, False))
        if found is None:
            found = self.part.meets(spec, key, False)
        return found if self.same else found.take(self.reply, axis=0)

    def really_does(self, spec: Spec, key: str) -> np.ndarray:
        """`any_of(effective, ...)`, looked up per reply: a mixed reply's credit acts do not count."""
        found = self.part._meets.get((id(spec), key, True))
        if found is None:
            found = self.part.meets(spec, key, True)
        return found if self.same else found.take(self.reply, axis=0)

    def some_does(self, spec: Spec, key: str, really: bool = False) -> bool:
        """Whether some row's reply does an act of the list (`_some` of `really_does`, or of
        `does`): the check most rules return on. A turn on a one-reply table's own row (a
        session's) reads it as the bool the part keeps, without a mask."""
        if self.same:
            memo = (id(spec), key, really)
            found = self.part._meets_one.get(memo)
            if found is None:
                found = self.part._meets_one[memo] = bool(self.part.meets(spec, key, really)[0])
            return found
        return _some(self.really_does(spec, key) if really else self.does(spec, key))

    def text(self) -> str:
        if self._text is None:
            self._text = self.arrays.texts[self.table.text_ids[self.reply[0]]]
        return self._text

    # -- moving points (mask: the rows it applies to; skill and points: one value or one per row)
    def credit(self, mask: np.ndarray, skill: int | np.ndarray, units: float | np.ndarray, rule: str, message: Any,
               *, turn: np.ndarray | None = None, text: str | None = None, keep_zero: bool = False) -> None:
        """Credit units towards a skill's target (a skill without one earns nothing)."""
        rows = _rows(mask)
        if not rows.size:
            return
        skill_rows = _at(skill, rows)
        earn, points = credit_points(self.arrays, skill_rows, _at(units, rows))  # one value for all rows, or one each
        if _ndim(earn) == 0:
            every = some = first = bool(earn)
        else:
            every, some, first = _all(earn), _some(earn), bool(earn[0])
        if self.log is not None and not first and keep_zero:
            self._write(turn, int(skill_rows if _ndim(skill_rows) == 0 else skill_rows[0]), 0.0, rule, message,
                        text)
        if every:
            self._gain(rows, skill_rows, points, rule, message, turn, text, keep_zero)
        elif some:
            keep = _rows(earn)
            self._gain(rows[keep], _at(skill_rows, keep), _at(points, keep), rule, message, turn, text, keep_zero)

    def gain(self, mask: np.ndarray, skill: int | np.ndarray, points: float | np.ndarray, rule: str, message: Any,
             *, turn: np.ndarray | None = None, text: str | None = None, keep_zero: bool = False) -> None:
        """Points towards a skill, counted only up to its 100 (credits never buy back a loss)."""
        rows = _rows(mask)
        if rows.size:
            self._gain(rows, _at(skill, rows), _at(points, rows), rule, message, turn, text, keep_zero)

    def _gain(self, rows: np.ndarray, skill: int | np.ndarray, points: float | np.ndarray, rule: str, message: Any,
              turn: np.ndarray | None, text: str | None, keep_zero: bool) -> None:
        st = self.st
        column = len(rows) == self.n and _ndim(skill) == 0  # every row, one skill: a column, no gather
        gained = st.gained[:, skill] if column else st.gained[rows, skill]
        room = 100.0 - self.arrays.starts[skill] - gained
        counted = np.minimum(points, np.maximum(room, 0.0))
        ok = counted > 0
        if column and _all(ok):
            st.gained[:, skill] = gained + counted
            st.raw[:, skill] += counted
        elif _all(ok):
            st.gained[rows, skill] = gained + counted
            st.raw[rows, skill] += counted
        elif _some(ok):
            keep = _rows(ok)
            st.gained[rows[keep], _at(skill, keep)] = gained[keep] + counted[keep]
            st.raw[rows[keep], _at(skill, keep)] += counted[keep]
        if self.log is not None and (ok[0] or keep_zero):
            first = int(skill if _ndim(skill) == 0 else skill[0])
            self._write(turn, first, float(counted[0]) if ok[0] else 0.0, rule, message, text)

    def lose(self, mask: np.ndarray, skill: int | np.ndarray, points: float | np.ndarray, rule: str, message: Any,
             *, turn: np.ndarray | None = None, text: str | None = None) -> None:
        """Points off a skill (only negative points count)."""
        if _ndim(points) == 0:
            if points >= 0:
                return
            on = mask
        else:
            on = mask & (points < 0)
        if _ndim(skill) == 0 and _all(on):  # every row, one skill: a column, no gather
            skill_rows, points_rows = skill, points
            if self.n == 1:  # (a session's row: one element, without the column view's ufunc call)
                self.st.raw[0, skill] += points
            else:
                self.st.raw[:, skill] += points
        else:
            rows = _rows(on)
            if not rows.size:
                return
            skill_rows, points_rows = _at(skill, rows), _at(points, rows)
            self.st.raw[rows, skill_rows] += points_rows
        if self.log is not None:
            first = int(skill_rows if _ndim(skill_rows) == 0 else skill_rows[0])
            self._write(turn, first, float(points_rows if _ndim(points_rows) == 0 else points_rows[0]), rule,
                        message, text)

    def note(self, mask: np.ndarray, skill: int, rule: str, message: Any) -> None:
        """Evidence worth 0 points: a rule that touched the reply without moving the score."""
        if self.log is not None and mask[0]:
            self._write(None, skill, 0.0, rule, message, None)

    def _write(self, turn: np.ndarray | None, skill: int, points: float, rule: str, message: Any,
               text: str | None) -> None:
        """One evidence line (n = 1 only). `message` may be a callable, built only here."""
        turn_no = int(self.turn[0] if turn is None else turn[0])
        self.log.append(Evidence(turn_no, SKILLS[skill], points, rule, str(message() if callable(message)
                                                                            else message),
                                 self.text() if text is None else text))


def credit_points(arrays: RubricArrays, skill: int | np.ndarray, units: float | np.ndarray) -> tuple[Any, Any]:
    """(earns, points) of credit units towards skills: 100 x units / the skill's target,
    earned only with units > 0 and a target (a skill without one is NaN and earns nothing)."""
    target = arrays.targets[skill]
    return (units > 0) & ~np.isnan(target), 100.0 * units / target


def _at(value: Any, rows: np.ndarray) -> Any:
    """A per-row array's values at `rows`; a single value as it is."""
    return value[rows] if isinstance(value, np.ndarray) and value.ndim else value


def _rows(mask: np.ndarray) -> np.ndarray:
    """The indices where a 1-d mask is true (np.flatnonzero without its wrapper)."""
    return mask.nonzero()[0]


def _ndim(value: Any) -> int:
    return value.ndim if isinstance(value, np.ndarray) else 0


def _some(mask: np.ndarray) -> bool:
    """Whether any row of a 1-d mask is true: one row is read as it is, more take one
    reduction (`ndarray.any`'s Python wrapper costs more than a session's whole check)."""
    return bool(mask[0]) if len(mask) == 1 else bool(np.logical_or.reduce(mask))


def _all(mask: np.ndarray) -> bool:
    """Whether every row of a 1-d mask is true (see `_some`)."""
    return bool(mask[0]) if len(mask) == 1 else bool(np.logical_and.reduce(mask))


def skill_index(spec: Spec) -> int:
    return SKILLS.index(spec["skill"])


# ----------------------------------------------------------------------------- what a reply earns at all


def hand_off(t: Turn, spec: Spec) -> None:
    """A hand-off the scenario marks right is not a mistake; every other negative act is."""
    t.free = t.mask(spec, "acts")[None, :] & t.table.hand_off_right[t.reply][:, None]


def mixed_reply(t: Turn, spec: Spec) -> None:
    """A reply that does anything negative earns nothing from its positive acts: the rules
    after this see only what the reply really did."""
    t.mixed = t.negative
    t.effective = np.where(t.negative[:, None], t.here & ~t.arrays.credit_mask, t.here)


def empathy_loop(t: Turn, spec: Spec) -> None:
    """Persona: empathy turns before the first solution, beyond `allowed`, earn nothing for
    their empathy acts (the loss is scored with the persona's rules)."""
    st = t.st
    if not (t.some_does(spec, "solution_acts") or t.some_does(spec, "empathy_acts")):  # no row's reply is either
        return
    solution, empathy = t.does(spec, "solution_acts"), t.does(spec, "empathy_acts")
    open_ = ~st.solution_seen
    solved = open_ & solution
    st.solution_seen |= solved
    sympathy = open_ & ~solved & empathy
    st.empathy_turns += sympathy
    t.looping = sympathy & (st.empathy_turns > int(spec.get("allowed", 1)))
    if _some(t.looping):  # else nothing is withheld (Turn.withheld None)
        t.withheld = t.mask(spec, "empathy_acts")[None, :] & t.looping[:, None]


# ----------------------------------------------------------------------------- acts, provocation, persona


def acts_credit_and_penalty(t: Turn) -> None:
    """Credit once per positive act, every negative act costs, in the reply's act order."""
    a, st, rubric, part = t.arrays, t.st, t.rubric, t.part
    one = t.one_reply
    # the slots' facts do not depend on the state: looked up per reply (`ReplyPart`)
    slots = part.slot_lists[0] if one else \
        np.nonzero(np.logical_or.reduce(t.pick(part.slot_valid), axis=0))[0].tolist()
    if not slots:
        return
    if one:  # one reply for every row: a slot's facts are one value each, its flags all rows or none
        acts, skills, earnable, worth, positive, critical, free, costs, penalties, mixed = part.row_facts
        every, nothing = t.every, t.nothing
        withheld_acts = None
    else:
        everyone = np.arange(t.n)
        safe, skill_of = t.pick(part.slot_act), t.pick(part.slot_skill)
        slot_positive, slot_critical = t.pick(part.slot_positive), t.pick(part.slot_critical)
        slot_free, slot_costs = t.pick(part.slot_free), t.pick(part.slot_costs)
        slot_earns, slot_points = t.pick(part.slot_earns), t.pick(part.slot_points)
        withheld_acts = None if t.withheld is None else np.take_along_axis(t.withheld, safe, axis=1)
    for slot in slots:
        if one:
            act, skill = acts[slot], skills[slot]
            first_act, first_skill = act, skill
            is_positive, is_critical = (every if positive[slot] else nothing), (every if critical[slot] else nothing)
            is_free, is_cost = (every if free[slot] else nothing), (every if costs[slot] else nothing)
            credited = st.credited[:, act] if positive[slot] else None  # (read only for a positive act)
            withheld_slot = None if t.withheld is None else t.withheld[:, act]
            earnable_slot, worth_slot = every if earnable[slot] else nothing, worth[slot]
        else:
            act, skill = safe[:, slot], skill_of[:, slot]
            first_act, first_skill = int(act[0]), int(skill[0])
            is_positive, is_critical = slot_positive[:, slot], slot_critical[:, slot]
            is_free, is_cost = slot_free[:, slot], slot_costs[:, slot]
            credited = st.credited[everyone, act]
            withheld_slot = None if withheld_acts is None else withheld_acts[:, slot]
            earnable_slot, worth_slot = slot_earns[:, slot], slot_points[:, slot]
        held = None  # rows whose fresh credit this slot holds back (empathy loop, mixed reply)
        if _some(is_positive):  # (else nothing is fresh, withheld or without credit)
            fresh = ~credited if one else is_positive & ~credited  # (one reply: positive in every row)
            if withheld_slot is None:
                withheld, open_ = t.nothing, fresh
            else:
                withheld = fresh & withheld_slot
                open_ = fresh & ~withheld
            if one:  # the reply is mixed in every row or in none
                no_credit, earns = (open_, t.nothing) if mixed else (t.nothing, open_)
            else:
                no_credit = open_ & t.mixed
                earns = open_ & ~t.mixed
            held = withheld | no_credit
            if t.log is not None and no_credit[0] and not a.no_target[first_skill]:
                t.note(no_credit, first_skill, "mixed_reply", _message(t, "{mixed}", first_act))
            if _some(earns):
                if one:
                    st.credited[:, act] |= earns
                else:
                    st.credited[everyone[earns], act[earns]] = True
                # `credit` of the act's units, with their worth looked up per slot
                t.gain(earns & earnable_slot, skill, worth_slot, _rule("credit:", t, first_act),
                       _label(t, first_act, "{label}."))
        if t.log is not None and is_free[0]:
            spec = rubric.rules["hand_off"]
            t.note(is_free, first_skill, "hand_off_right",
                   str(spec.get("right", "A hand-off the scenario marks as right.")))
        if _some(is_cost):
            t.lose(is_cost, skill, penalties[slot] if one else a.penalty[act], _rule("penalty:", t, first_act),
                   _label(t, first_act, "{label}: {lesson}"))
        if _some(is_critical):
            first = is_critical & (st.critical_turn == 0)
            if held is not None:
                first &= ~held
            if _some(first):
                st.critical_turn[first] = t.turn[first]
                st.critical_act[first] = _at(act, first)


def _message(t: Turn, pattern: str, act: int) -> str:
    """Row 0's evidence message about act `act`: "{mixed}" the mixed_reply note (the reply's
    first negative act named), else `pattern` with the act's {label} and {lesson}. A pure
    function of the reply, the act and the rubric, so a one-reply table keeps it."""
    messages = t.part.messages if t.one_reply else None
    found = None if messages is None else messages.get((pattern, act))
    if found is None:
        rubric, a = t.rubric, t.arrays
        found_act = rubric.acts[a.act_ids[act]]
        if pattern == "{mixed}":
            worst = rubric.acts[a.act_ids[_first_negative(t)]].label
            spec = rubric.rules["mixed_reply"]
            found = str(spec.get("message", "No credit for {act}.")).replace("{act}", found_act.label) \
                .replace("{negative}", worst)
        else:
            found = pattern.replace("{label}", found_act.label).replace("{lesson}", str(found_act.lesson))
        if messages is not None:
            messages[(pattern, act)] = found
    return found


def _first_negative(t: Turn) -> int:
    """Row 0's first negative act (not a right hand-off) in the reply's order."""
    a = t.arrays
    for act in t.table.acts[t.reply[0]].tolist():
        if act >= 0 and a.penalty_mask[act] and not t.free[0, act]:
            return act
    raise ValueError("mixed_reply without a negative act")


def _rule(prefix: str, t: Turn, act: int) -> str:
    """The rule id of row 0's act `act` (the analyser, which writes no evidence, needs none)."""
    return prefix + t.arrays.act_ids[act] if t.log is not None else prefix


def _label(t: Turn, act: int, pattern: str) -> Callable[[], str]:
    """The message about act `act`, made only when evidence is written."""
    return lambda: _message(t, pattern, act)


def provocation(t: Turn, spec: Spec) -> None:
    """Calm by opportunity: a provoking node is answered, let pass or mirrored.

    Calm's credit part is 100 x the mean share kept over the provocations met (100 while
    untested); the evidence carries the change this turn made to it, so the points still
    add up to the score (see rubric.yaml, rules.provocation)."""
    met = t.pick(t.table.provokes)
    if not _some(met):
        return
    st = t.st
    persona = t.rubric.persona_rules.get("provocation", _EMPTY)
    mirrored = met & t.does(spec, "mirror_acts")
    answered = met & ~mirrored & t.really_does(spec, "answer_acts") & ~t.negative
    let_pass = float(persona.get("let_pass_keeps", spec["let_pass_keeps"]))
    kept = np.where(mirrored, 0.0, np.where(answered, 1.0, let_pass))
    extra = np.where(mirrored, -abs(float(persona.get("mirror_points", spec.get("mirror_points", 0)))), 0.0)
    before = np.where(st.provoked > 0, st.kept / np.maximum(st.provoked, 1), 1.0)
    st.kept[met] += kept[met]
    st.provoked[met] += 1
    after = st.kept / np.maximum(st.provoked, 1)
    change = 100.0 * (after - before)
    # Python's round to 9 places (not numpy's, which rounds a scaled copy) on each distinct change
    rounded = np.zeros(t.n)
    if t.n <= 16:
        rounded[met] = [round(v, 9) for v in change[met].tolist()]
    else:
        values, inverse = np.unique(change[met], return_inverse=True)
        rounded[met] = np.array([round(v, 9) for v in values.tolist()])[inverse.ravel()]
    points = rounded + extra
    skill = skill_index(spec)
    t.st.raw[met, skill] += points[met]
    if t.log is not None and met[0]:
        kinds = " and ".join(t.table.kinds[t.reply[0]])
        if mirrored[0]:
            rule, message = "provocation_mirrored", spec.get("mirrored", "Answered in kind.")
        elif answered[0]:
            rule, message = "provocation_answered", spec.get("met", "Stayed composed.")
        else:
            rule, message = "provocation_let_pass", spec.get("let_pass", "Let the provocation pass.")
        message = str(message).replace("{kinds}", kinds)
        if persona.get("message") and rule != "provocation_answered":
            message += " " + str(persona["message"])
        t._write(None, skill, float(points[0]), rule, message, None)


def persona_empathy_loop(t: Turn, spec: Spec) -> None:
    t.lose(t.looping, skill_index(spec), -abs(float(spec["points"])), "empathy_loop",
           str(spec.get("message", "empathy_loop")))


def act_penalties(t: Turn, spec: Spec) -> None:
    """These acts also cost these skills, on top of their own penalty (every use counts)."""
    a = t.arrays
    table = spec.get("acts", {})
    if not t.some_does(spec, "acts"):  # no row's reply has one of these acts (the list is the table's keys)
        return
    one = t.one_reply  # one reply for every row: its acts one value a slot, a match all rows or none
    if one:
        for skill, points, rule, message in _one_reply_act_costs(t, spec):
            t.lose(t.every, skill, points, rule, message)
        return
    acts = t.pick(t.table.acts)
    for slot in range(acts.shape[1]):
        act = acts[:, slot]
        for act_id, costs in table.items():
            if act_id not in a.act_index:
                continue
            on = act == a.act_index[act_id]
            if not _some(on):
                continue
            label = t.rubric.acts[act_id].label
            for skill, points in costs.items():
                t.lose(on, SKILLS.index(skill), -abs(float(points)), f"persona_penalty:{act_id}",
                       f"{label}: {spec.get('message', '')}".strip())


def _one_reply_act_costs(t: Turn, spec: Spec) -> list[tuple[int, float, str, str]]:
    """`act_penalties` of a one-reply table's reply, as the (skill, points, rule, message) of
    each loss in the order the rule takes them (slot by slot, then the spec's acts and skills):
    a pure function of the reply and the spec, so the part keeps it (a session meets the same
    replies again and again)."""
    found = t.part.act_costs.get(id(spec))
    if found is None:
        a, found = t.arrays, []
        for act in t.table.acts[0].tolist():
            for act_id, costs in spec.get("acts", {}).items():
                if act_id not in a.act_index or act != a.act_index[act_id]:
                    continue
                label = t.rubric.acts[act_id].label
                for skill, points in costs.items():
                    found.append((SKILLS.index(skill), -abs(float(points)), f"persona_penalty:{act_id}",
                                  f"{label}: {spec.get('message', '')}".strip()))
        t.part.act_costs[id(spec)] = found
    return found


def promise_needs_proof(t: Turn, spec: Spec) -> None:
    on = t.does(spec, "promise_acts") & ~t.does(spec, "proof_acts")
    t.lose(on, skill_index(spec), -abs(float(spec["points"])), "promise_needs_proof",
           str(spec.get("message", "promise_needs_proof")))


def unprovoked(t: Turn, spec: Spec) -> None:
    on = ~t.pick(t.table.provokes) & t.does(spec, "acts")
    t.lose(on, skill_index(spec), -abs(float(spec["points"])), "unprovoked", str(spec.get("message", "unprovoked")))


def reply_skills(t: Turn) -> None:
    """The reply's explicit `skills:` points, in the order the scenario lists them."""
    default = "Extra points the scenario gives for this reply."
    if t.same and not t.part.skill_lists[0]:  # (most replies name no skills)
        return
    skills, all_points = t.pick(t.table.skill_index), t.pick(t.table.skill_points)
    for slot in range(skills.shape[1]):
        skill, points = skills[:, slot], all_points[:, slot]
        valid = skill >= 0
        if not _some(valid):
            continue
        message = (lambda: t.table.notes[t.reply[0]] or default)
        skill = np.maximum(skill, 0)
        t.gain(valid & (points > 0), skill, points, "reply_skills", message)
        t.lose(valid & (points <= 0), skill, points, "reply_skills", message)


# ----------------------------------------------------------------------------- the order rules


def _before_fix(rule_id: str, before_key: str) -> Callable[[Turn, Spec], None]:
    """feel before fix / listen before solve: at the first fix, was a `before_key` act seen?"""
    def rule(t: Turn, spec: Spec) -> None:
        if not t.some_does(spec, "fix_acts", True):
            return
        fixes = t.really_does(spec, "fix_acts")
        at_fix = ~t.st.fix_checked & fixes
        if not _some(at_fix):
            return
        ready = at_fix & t.any_of(t.st.seen | t.effective, spec, before_key)
        skill = skill_index(spec)
        t.credit(ready, skill, float(spec.get("credit", 0)), rule_id, spec.get("met", rule_id),
                 keep_zero="met" in spec)
        t.lose(at_fix & ~ready, skill, float(spec.get("points", 0)), rule_id, spec.get("broken", rule_id))
    return rule


def one_sorry(t: Turn, spec: Spec) -> None:
    """One sorry, then solve: every apology past `limit` costs."""
    if not t.some_does(spec, "apology_acts", True):  # no row's reply really apologises: no slot is a sorry
        return
    st, apology = t.st, t.mask(spec, "apology_acts")
    everyone = np.arange(t.n)
    acts = t.pick(t.table.acts)
    for slot in range(acts.shape[1]):
        act = acts[:, slot]
        valid = act >= 0
        act = np.maximum(act, 0)
        sorry = valid & apology[act] & t.effective[everyone, act]
        if not _some(sorry):
            continue
        st.apologies += sorry
        over = sorry & (st.apologies > int(spec.get("limit", 2)))
        count = int(st.apologies[0])
        t.lose(over, skill_index(spec), float(spec.get("points", 0)), "one_sorry",
               lambda: spec.get("broken", "Too many apologies.").replace("{count}", str(count)))


def two_roads(t: Turn, spec: Spec) -> None:
    """Offer two roads: a refusal needs an alternative in this reply or within `window` replies."""
    st, turn = t.st, t.turn
    waiting_any = _some(st.pending_turn[:, 0])  # waiting refusals sit at the front: none in slot 0, none at all
    refusing = t.some_does(spec, "refusal_acts", True)
    if not (waiting_any or refusing):  # none waits, none starts
        return
    refusal = t.really_does(spec, "refusal_acts")
    skill, credit, points = skill_index(spec), float(spec.get("credit", 0)), float(spec.get("points", 0))
    met, broken = spec.get("met", "two_roads"), spec.get("broken", "two_roads")
    alternative = t.really_does(spec, "alternative_acts")
    slots = st.pending_turn.shape[1]
    if waiting_any:
        cleared = False
        for slot in range(slots):  # oldest first
            waiting = st.pending_turn[:, slot] > 0
            if not _some(waiting):
                break
            text = _pending_text(t, slot)
            t.credit(waiting & alternative, skill, credit, "two_roads", met, turn=st.pending_turn[:, slot],
                     text=text, keep_zero="met" in spec)
            late = waiting & ~alternative & (turn >= st.pending_deadline[:, slot])
            t.lose(late, skill, points, "two_roads", broken, turn=st.pending_turn[:, slot], text=text)
            done = late | (waiting & alternative)
            if _some(done):
                st.pending_turn[done, slot] = 0
                cleared = True
        if cleared:
            _compact_pending(st)
    if not refusing:  # nothing to credit, nothing starts waiting
        return
    t.credit(refusal & alternative, skill, credit, "two_roads", met, keep_zero="met" in spec)
    waits = np.nonzero(refusal & ~alternative)[0]
    if waits.size:
        free = (st.pending_turn[waits] > 0).sum(axis=1)
        if _some(free >= slots):  # cannot happen with the slots `pending_slots` sizes; kept as a guard
            raise RuntimeError("two_roads: more refusals waiting than the rubric state has room for")
        st.pending_turn[waits, free] = turn[waits]
        st.pending_deadline[waits, free] = turn[waits] + int(spec.get("window", 1))
        st.pending_reply[waits, free] = t.pick(t.table.text_ids)[waits]


def _pending_text(t: Turn, slot: int) -> str | None:
    if t.log is None or t.st.pending_turn[0, slot] <= 0:
        return None
    return t.arrays.texts[int(t.st.pending_reply[0, slot])]


def _compact_pending(st: RubricRows) -> None:
    """Waiting refusals to the front of their rows, oldest first (free slots hold turn 0)."""
    order = np.argsort(st.pending_turn <= 0, axis=1, kind="stable")
    for name in ("pending_turn", "pending_deadline", "pending_reply"):
        setattr(st, name, np.take_along_axis(getattr(st, name), order, axis=1))


def recap_check_close(t: Turn, spec: Spec) -> None:
    """Recap, check, close: judged at the first closing reply."""
    st = t.st
    if not (t.some_does(spec, "close_acts", True) or t.some_does(spec, "final_close_acts", True)):
        return  # no row's reply closes, at the end or before
    close, final = t.really_does(spec, "close_acts"), t.really_does(spec, "final_close_acts")
    closing = close | (t.ends & final)
    closing &= ~st.close_checked
    if not _some(closing):
        return
    st.close_checked |= closing
    so_far = st.seen | t.effective
    recapped = t.any_of(so_far, spec, "recap_acts")
    checked = t.any_of(so_far, spec, "check_acts")
    skill, points = skill_index(spec), float(spec.get("points", 0))
    t.credit(closing & recapped & checked, skill, float(spec.get("credit", 0)), "recap_check_close",
             spec.get("met", "recap_check_close"), keep_zero="met" in spec)
    t.lose(closing & ~recapped, skill, points, "recap_check_close", spec.get("no_recap", "Closed without a recap."))
    t.lose(closing & ~checked, skill, points, "recap_check_close",
           spec.get("no_check", "Closed without checking for anything else."))


def mark_first_fix(t: Turn) -> None:
    """After both first-fix rules have looked at this reply: was it the first fix?"""
    for spec in t.part.first_fix:
        if t.some_does(spec, "fix_acts", True):
            t.st.fix_checked |= t.really_does(spec, "fix_acts")


# ----------------------------------------------------------------------------- at the end


class Finish:
    """The end of rows' conversations, for the rules that need the outcome."""

    def __init__(self, rubric: Any, rows: RubricRows, outcome: np.ndarray, log: list[Evidence] | None) -> None:
        self.rubric, self.arrays, self.st, self.outcome, self.log = rubric, rubric.arrays, rows, outcome, log
        self.n = len(outcome)

    def lose(self, mask: np.ndarray, skill: int, points: float, rule: str, message: str, turn: np.ndarray,
             text_ids: np.ndarray) -> None:
        if points >= 0 or not _some(mask):
            return
        if self.n == 1:  # (a session's row, true: one element, without the boolean gather and scatter)
            self.st.raw[0, skill] += points
        else:
            self.st.raw[mask, skill] += points
        if self.log is not None and mask[0]:
            text = self.arrays.texts[int(text_ids[0])] if text_ids[0] >= 0 else ""
            self.log.append(Evidence(int(turn[0]), SKILLS[skill], points, rule, message, text))


def two_roads_at_end(f: Finish, spec: Spec) -> None:
    """A refusal still waiting for its alternative when the conversation ends costs."""
    st = f.st
    if _some(st.pending_turn[:, 0]):  # waiting refusals sit at the front: none in slot 0, none at all
        for slot in range(st.pending_turn.shape[1]):
            f.lose(st.pending_turn[:, slot] > 0, skill_index(spec), float(spec.get("points", 0)), "two_roads",
                   spec.get("broken", "two_roads"), st.pending_turn[:, slot], st.pending_reply[:, slot])
    st.pending_turn[:] = 0


def recap_before_end(f: Finish, spec: Spec) -> None:
    """Ending in one of `outcomes` without ever recapping costs, at the last reply."""
    wanted = f.arrays.outcome_mask(spec, "outcomes")
    on = wanted[f.outcome] & ~np.logical_or.reduce(f.st.seen & f.arrays.rule_mask(spec, "recap_acts"), axis=1)
    f.lose(on, skill_index(spec), float(spec.get("points", 0)), "recap_before_end",
           spec.get("broken", "recap_before_end"), f.st.last_turn, f.st.last_reply)


# ----------------------------------------------------------------------------- the registries and the turn

# rubric.yaml rule id -> the unit that scores it, in the order they run on a reply
TURN_RULES: tuple[tuple[str, Callable[[Turn, Spec], None]], ...] = (
    ("feel_before_fix", _before_fix("feel_before_fix", "feel_acts")),
    ("listen_before_solve", _before_fix("listen_before_solve", "listen_acts")),
    ("one_sorry", one_sorry),
    ("two_roads", two_roads),
    ("recap_check_close", recap_check_close),
)
FINISH_RULES: tuple[tuple[str, Callable[[Finish, Spec], None]], ...] = (
    ("two_roads", two_roads_at_end),
    ("recap_before_end", recap_before_end),
)
# rules that decide what a reply earns at all, before the acts are scored
TRACKER_RULES = ("provocation", "mixed_reply", "hand_off")
# the persona's rules (personas.yaml `scoring:`), after the provocation rule
PERSONA_RULES: tuple[tuple[str, Callable[[Turn, Spec], None]], ...] = (
    ("empathy_loop", persona_empathy_loop),
    ("act_penalties", act_penalties),
    ("promise_needs_proof", promise_needs_proof),
    ("unprovoked", unprovoked),
)


def score_turn(rubric: Any, rows: RubricRows, table: ReplyTable, reply: np.ndarray, turn: np.ndarray,
               ends: np.ndarray, log: list[Evidence] | None = None) -> None:
    """Score one reply in every row: row i picked table row reply[i] at turn[i] (ends[i]: the
    reply ended the conversation). `log` (n = 1 only) receives the evidence."""
    t = Turn(rubric, rows, table, reply, turn, ends, log)  # hand_off, mixed_reply: looked up per reply
    part = t.part
    if part.empathy_loop is not None:
        empathy_loop(t, part.empathy_loop)
    acts_credit_and_penalty(t)
    if part.provocation is not None:
        provocation(t, part.provocation)
    for rule, spec in part.persona_rules:
        rule(t, spec)
    reply_skills(t)
    for rule, spec in part.turn_rules:
        rule(t, spec)
    mark_first_fix(t)
    rows.seen |= t.effective
    rows.last_turn[:] = turn
    rows.last_reply[:] = t.pick(table.text_ids)


def score_finish(rubric: Any, rows: RubricRows, outcome: np.ndarray, log: list[Evidence] | None = None) -> None:
    """Apply the rules that need the ending (outcome: OUTCOMES indices) to every row."""
    f = Finish(rubric, rows, outcome, log)
    for rule_id, rule in FINISH_RULES:
        spec = rubric.rules.get(rule_id)
        if spec is not None:
            rule(f, spec)
    rows.finished[:] = True


def round_half_up(values: np.ndarray, digits: int = 0) -> np.ndarray:
    scale = 10 ** digits
    return np.floor(values * scale + 0.5) / scale


def floor_cap_message(rubric: Any, held: Sequence[str]) -> str:
    """The cap a result gets for skills `held` (ids, in SKILLS order) under the rubric's floor:
    rubric.yaml's `floor_cap.message` with the skills' labels and the floor filled in. The one
    wording; the debrief finds this cap by it (`Debrief.caps_besides_floor`)."""
    names = [rubric.labels[s] for s in held]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    spec = rubric.floor_cap or {}
    return (str(spec.get("message", "{skills} below the floor of {floor}: no pass."))
            .replace("{skills}", listed).replace("{floor}", f"{rubric.floor:g}"))


def totals(rubric: Any, rows: RubricRows, outcome: np.ndarray,
           caps: list[str] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(overall after caps, overall before caps, grade index, skills (n, 5) int, held (n, 5)
    bool: under the floor) for every row; outcome NO_OUTCOME = in progress (no floor, no
    outcome caps). The caps' messages go to `caps` (n = 1) unless it is None."""
    a = rubric.arrays
    skills = round_half_up(np.minimum(100.0, np.maximum(0.0, rows.raw))).astype(np.int64)
    weighted = np.zeros(len(outcome))
    for i, weight in enumerate(a.weights):  # summed in skill order, as a sum over SKILLS would be
        weighted = weighted + weight * skills[:, i]
    uncapped = round_half_up(weighted / a.total_weight, 1)
    overall = uncapped.copy()
    finished = outcome != NO_OUTCOME
    held = np.zeros_like(skills, dtype=bool)
    if rubric.floor is not None:
        held = (skills < rubric.floor) & finished[:, None]
        below = held.any(axis=1)
        spec = rubric.floor_cap or {}
        if caps is not None and below[0]:
            caps.append(floor_cap_message(rubric, [s for s, on in zip(SKILLS, held[0]) if on]))
        if "max_overall" in spec:
            overall = np.where(below, np.minimum(overall, float(spec["max_overall"])), overall)
    if rubric.resolution_reachable and rubric.escalation_cap is not None:
        spec = rubric.escalation_cap
        limit = float(spec["max_overall"])
        escalated = outcome == OUTCOMES.index("escalated")
        if caps is not None and escalated[0]:
            caps.append(str(spec.get("message", "An avoidable escalation caps the overall at {max}."))
                        .replace("{max}", f"{limit:g}"))
        overall = np.where(escalated, np.minimum(overall, limit), overall)
    if rubric.critical_cap is not None:
        limit = float(rubric.critical_cap["max_overall"])
        critical = rows.critical_turn > 0
        if caps is not None and critical[0]:
            act_id = a.act_ids[int(rows.critical_act[0])]
            label = rubric.acts[act_id].label if act_id in rubric.acts else act_id
            caps.append(str(rubric.critical_cap.get("message", "Critical act caps the overall at {max}."))
                        .replace("{act}", label).replace("{turn}", str(int(rows.critical_turn[0])))
                        .replace("{max}", f"{limit:g}"))
        overall = np.where(critical, np.minimum(overall, limit), overall)
    for name, spec in rubric.outcome_caps.items():
        if name not in OUTCOMES:
            continue
        limit = float(spec["max_overall"])
        hit = outcome == OUTCOMES.index(name)
        if caps is not None and hit[0]:
            caps.append(str(spec.get("message", "The outcome caps the overall at {max}.")).replace("{max}", f"{limit:g}"))
        overall = np.where(hit, np.minimum(overall, limit), overall)
    return overall, uncapped, grade_index(rubric, overall), skills, held


def grade_index(rubric: Any, overall: np.ndarray) -> np.ndarray:
    """Per row, the index into `rubric.grades` of the first (best) grade whose lowest overall
    is met (the last grade when none is)."""
    lowest = np.array([low for _, low in rubric.grades])
    grade = np.full(len(overall), len(lowest) - 1, dtype=np.int64)
    for i in range(len(lowest) - 1, -1, -1):
        grade = np.where(overall >= lowest[i], i, grade)
    return grade
