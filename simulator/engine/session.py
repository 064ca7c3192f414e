"""The session: the state machine one play-through runs on.

The game, `customer-sim run`, the analyser and the records all drive a conversation through
this one object: its `phase`, what the customer says now (`customer_line`), the replies on
screen (`options`), `choose(i)`, the running `transcript`, the `result`, and
`snapshot()` / `restore()` to a versioned JSON-able dict that names nodes by id (so a save
survives edits to the scenario, as Ren'Py's and ink's do).

Content (`Scenario`, `Catalog`) is frozen. What changes is a one-row `ConversationState`
(engine/state.py) moved on by the one step function, `batch_step.Stepper.step`, that the
analyser uses for many rows at once: every rule of a turn (triggers, conditions, visited, the
turn limit, skill chances) is written there and only there. The session adds what a person
playing needs: the reply order, the transcript, the rubric tracker and the messages. Nothing is
random: the same scenario, seed and choices give the same transcript, byte for byte. The
`seed` only decides the order replies are shown in (see shuffle.py); None shows authored order.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from simulator.engine import mood as mood_model
from simulator.engine.batch_step import session_stepper
from simulator.engine.compiled import CompiledScenario, compile_scenario
from simulator.engine.rubric import Evidence, RubricTracker, Scorecard, TurnFacts, reply_facts
from simulator.engine.shuffle import check_seed, display_order
from simulator.engine.state import BY_ENDING, NOT_SEEN, NO_REPLY, UNRESOLVED, ConversationState
from simulator.engine.turn_record import ReplyOption, SnapshotError, TurnRecord  # SnapshotError: re-exported
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.limits import TURN_LIMIT  # re-exported: the engine's callers import it from here
from simulator.scenario.model import SKILLS, Ending, Node, Scenario

if TYPE_CHECKING:
    from simulator.engine.snapshot import SavedSession


class Phase(str, Enum):
    """Where the session is: waiting for the trainee's reply, or over."""

    AWAITING_REPLY = "awaiting_reply"
    ENDED = "ended"


class ChoiceError(ValueError):
    """`choose()` was called with an index not on screen, or after the conversation ended."""


@dataclass(frozen=True, slots=True)
class Result:
    """How the conversation ended and how it was scored. The outcome sits beside the grade."""

    outcome: str
    ending_id: str | None  # None when the engine ended it (turn limit, no reply available)
    ending_text: str
    skills: Mapping[str, int]
    overall: float
    grade: str
    passed: bool
    evidence: tuple[Evidence, ...]
    caps: tuple[str, ...]
    note: str = ""  # why the engine ended it, when it did
    held_back_by: tuple[str, ...] = ()  # skills under the rubric's floor: why it did not pass


class Session:
    """One play-through of a scenario: the n = 1 view of `ConversationState` (see the module docstring)."""

    def __init__(self, scenario: Scenario, catalog: Catalog, *, compiled: CompiledScenario | None = None,
                 seed: int | None = None) -> None:
        """Start at the scenario's start node. `compiled` may be shared between sessions.

        `seed` decides the order replies are shown in (None: authored order); ValueError if it
        is not None or an int from 0 to 2**63 - 1.
        """
        self._seed = check_seed(seed)
        self._scenario = scenario
        self._catalog = catalog
        self._compiled = compiled if compiled is not None else compile_scenario(scenario, catalog)
        self._stepper = session_stepper(scenario, catalog, self._compiled)
        self._shared = _shared(self._stepper)
        self._state: ConversationState = self._stepper.root()
        self._choices: list[int] = []
        self._transcript: list[TurnRecord] = []
        self._tracker: RubricTracker = self._compiled.rubric.tracker()
        self._options: tuple[ReplyOption, ...] | None = None
        self._picks: tuple[int, ...] = ()  # shown position -> option index of the state row
        self._result: Result | None = None
        self._restore_note = ""
        self._expression_of: np.ndarray | None = None  # the mood array `_expression` was computed for
        self._expression = ""
        self._settle()
        if self._phase is Phase.ENDED:
            self._tracker.finish(UNRESOLVED)

    # ------------------------------------------------------------------ what is on screen
    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    @property
    def compiled(self) -> CompiledScenario:
        return self._compiled

    @property
    def seed(self) -> int | None:
        """The reply-order seed of this attempt (None: replies shown in authored order)."""
        return self._seed

    @property
    def restore_note(self) -> str:
        """After `restore`: what changed since the snapshot was taken ('' when nothing did)."""
        return self._restore_note

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def turn(self) -> int:
        """Turns taken so far."""
        return int(self._state.depth[0])

    @property
    def node_id(self) -> str:
        """The node on screen; after an ending, the ending's id."""
        ending = int(self._state.ending[0])
        return self._stepper.ending_ids[ending] if ending >= 0 else self._stepper.node_ids[int(self._state.loc[0])]

    @property
    def choices(self) -> tuple[int, ...]:
        """The 0-based choices made so far (what `replay` takes)."""
        return tuple(self._choices)

    @property
    def visited(self) -> tuple[str, ...]:
        """Node ids seen so far, in first-seen order (includes the node on screen)."""
        turns = self._state.visited[0]
        seen = np.flatnonzero(turns != NOT_SEEN)
        return tuple(self._stepper.layout.watched[k] for k in seen[np.argsort(turns[seen], kind="stable")].tolist())

    @property
    def acts_used(self) -> frozenset[str]:
        acts = self._compiled.mood.acts
        return frozenset(acts[row] for row in np.flatnonzero(self._state.uses[0, :len(acts)]).tolist())

    @property
    def skill_chances(self) -> dict[str, int]:
        """Per skill, how many turns so far gave a chance to show it (what the analyser counts)."""
        return dict(zip(SKILLS, self._state.chances[0].tolist()))

    @property
    def conversation(self) -> ConversationState:
        """A copy of the one-row conversation state this session is a view of."""
        return self._state.copy()

    @property
    def stepper(self):
        """The step function (and layout) this session plays through: `batch_step.Stepper`."""
        return self._stepper

    @property
    def mood(self) -> dict[str, float]:
        return self._compiled.mood.as_dict(self._state.mood[0])

    @property
    def expression(self) -> str:
        # cached per mood array: the line, the options and the record all ask for it
        if self._expression_of is not self._state.mood:
            self._expression = mood_model.expression(self._compiled.mood, self._state.mood[0])
            self._expression_of = self._state.mood
        return self._expression

    @property
    def customer_line(self) -> str:
        """What the customer says now, in the variant for the current mood.

        After an ending this is the ending's text; when the engine ended the conversation
        it is the line of the node it stopped at.
        """
        return self._line(self.node_id)

    def _line(self, node_id: str) -> str:
        """`customer_line` at node (or ending) `node_id`."""
        # a node's line is a pure function of (node, expression): worked out once per pair, shared
        # by the sessions (and looked up first: only nodes' lines are kept, so a hit is a node's)
        lines, expression = self._shared.lines, self.expression
        line = lines.get((node_id, expression))
        if line is not None:
            return line
        target = self._scenario.target(node_id)
        if isinstance(target, Ending):
            return target.text
        if isinstance(target, Node):
            line = lines[(node_id, expression)] = pick_line(target, expression, self._compiled.mood.expressions)
            return line
        return ""

    @property
    def options(self) -> tuple[ReplyOption, ...]:
        """The replies on screen now (conditions applied) in shown order, numbered from 1. Empty once ended."""
        if self._phase is Phase.ENDED:
            return ()
        if self._options is None:
            state = self._state
            loc = int(state.loc[0])
            shown = tuple(state.option_reply[0, :int(state.n_options[0])].tolist())
            self._picks = display_order(self._seed, self.turn + 1, len(shown))
            # the options follow from (node, replies shown, order): made once per screen and
            # order, and shared (they are frozen) by every session of this scenario
            key = (loc, shown, self._picks)
            screens = self._shared.screens
            options = screens.get(key)
            if options is None:
                replies = self._stepper.replies[loc]
                options = tuple(ReplyOption(position + 1, replies[shown[k]].text, replies[shown[k]].acts, shown[k])
                                for position, k in enumerate(self._picks))
                if len(screens) >= _SCREENS_KEPT:
                    screens.clear()
                screens[key] = options
            self._options = options
        return self._options

    @property
    def transcript(self) -> tuple[TurnRecord, ...]:
        return tuple(self._transcript)

    @property
    def result(self) -> Result | None:
        """The outcome and score once the conversation has ended, else None."""
        if self._phase is not Phase.ENDED:
            return None
        if self._result is None:
            card = self._tracker.scorecard(self._outcome)
            ending = self._scenario.endings.get(self._ending_id or "")
            self._result = Result(
                outcome=self._outcome or UNRESOLVED, ending_id=self._ending_id,
                ending_text=ending.text if ending else "", skills=dict(card.skills), overall=card.overall,
                grade=card.grade, passed=card.passed, evidence=card.evidence, caps=card.caps, note=self._note,
                held_back_by=card.held_back_by)
        return self._result

    def provisional_score(self) -> Scorecard:
        """The scorecard so far for an unfinished conversation (no ending rules applied)."""
        return self._tracker.scorecard(self._outcome)

    # ------------------------------------------------------------------ playing
    def choose(self, i: int) -> TurnRecord:
        """Pick reply `i` (0-based index into `options`) and play the turn it starts."""
        if self._phase is Phase.ENDED:
            raise ChoiceError(
                f"choose({i!r}): the conversation has already ended (outcome {self._outcome}) after "
                f"{self.turn} turn(s); start a new Session or restore an earlier snapshot")
        options = self.options
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise ChoiceError(f"choose() takes a 0-based int index into .options, got {i!r}")
        if not 0 <= i < len(options):
            raise ChoiceError(
                f"choose({i}): turn {self.turn + 1} at node {self.node_id!r} shows {len(options)} "
                f"repl{'y' if len(options) == 1 else 'ies'}; pick an index from 0 to {len(options) - 1}")
        i = int(i)
        option = options[i]
        model = self._compiled.mood
        node_id = self.node_id
        node = self._scenario.nodes[node_id]
        reply = node.replies[option.reply_index]
        line, expression_before = self._line(node_id), self.expression
        before = self._state.mood[0]

        # the one step function; the expression it works out is the one the session shows
        pick = self._picks[i]
        self._state, expression = self._stepper.step_with_expression(
            self._state, None, _PICKS[pick] if pick < len(_PICKS) else np.array([pick]))
        self._expression, self._expression_of = model.expressions[int(expression[0])], self._state.mood
        self._choices.append(i)
        self._options = None
        self._settle()
        trigger = int(self._state.trigger[0])
        target = self.node_id
        turn = self.turn
        ended = self._phase is Phase.ENDED
        evidence = self._tracker.add_reply(self._reply_table(node, option.reply_index), turn, ended)
        if ended:
            evidence = evidence + self._tracker.finish(self._outcome or UNRESOLVED)
        record = TurnRecord(
            turn=turn, node_id=node.id, customer_line=line, expression_before=expression_before,
            options=options, choice=i, reply_index=option.reply_index, reply_text=reply.text, acts=reply.acts,
            note=reply.note, skills=reply.skills, mood_before=model.as_dict(before),
            mood_after=model.as_dict(self._state.mood[0]), expression_after=self.expression,
            trigger=None if trigger < 0 else trigger, next_id=target, ended=ended, evidence=tuple(evidence))
        self._transcript.append(record)
        return record

    def _reply_table(self, node: Node, reply_index: int):
        """The rubric's one-row table of this reply's facts (`reply_facts`; their turn and ends
        are the turn's), made once per (node, reply) and shared by the scenario's sessions."""
        tables = self._shared.tables
        table = tables.get((node.id, reply_index))
        if table is None:
            table = tables[(node.id, reply_index)] = self._compiled.rubric.table_for(
                reply_facts(node, node.replies[reply_index], 0, False))
        return table

    def _settle(self) -> None:
        """Phase, outcome, ending and the engine's note, read off the state the step left."""
        state = self._state
        self._result = None
        if not state.ended[0]:
            self._phase, self._outcome, self._ending_id, self._note = Phase.AWAITING_REPLY, None, None, ""
            return
        self._phase = Phase.ENDED
        reason = int(state.reason[0])
        if reason == BY_ENDING:
            ending = self._scenario.endings[self._stepper.ending_ids[int(state.ending[0])]]
            self._outcome, self._ending_id, self._note = ending.outcome, ending.id, ""
        elif reason == NO_REPLY:
            self._outcome, self._ending_id = UNRESOLVED, None
            self._note = (
                f"Node {self.node_id!r} has no reply available in this state (every reply's `when` condition "
                f"is false), so the conversation ends here as unresolved. This is a scenario error: give "
                f"the node a reply without `when`.")
        else:
            self._outcome, self._ending_id = UNRESOLVED, None
            self._note = (
                f"The conversation reached the {TURN_LIMIT}-turn limit without an ending, so it ends "
                f"as unresolved. The scenario probably loops; check its `next` links.")

    # ------------------------------------------------------------------ saving and replaying
    @classmethod
    def replay(cls, scenario: Scenario, catalog: Catalog, choices: Sequence[int], *,
               compiled: CompiledScenario | None = None, seed: int | None = None) -> "Session":
        """A new session with the 0-based `choices` (shown positions under `seed`) played in order.

        ChoiceError names the bad choice.
        """
        session = cls(scenario, catalog, compiled=compiled, seed=seed)
        for i in choices:
            session.choose(i)
        return session

    def snapshot(self) -> dict[str, Any]:
        """The full state as a JSON-able dict (versioned; nodes named by id)."""
        from simulator.engine.snapshot import make_snapshot

        return make_snapshot(self)

    @classmethod
    def restore(cls, scenario: Scenario, catalog: Catalog, snapshot: Any, *,
                compiled: CompiledScenario | None = None) -> "Session":
        """Rebuild a session from `snapshot()` output; raises SnapshotError with a clear message."""
        from simulator.engine.snapshot import read_snapshot

        session = cls(scenario, catalog, compiled=compiled)
        session._adopt(read_snapshot(session, snapshot))
        return session

    def _adopt(self, saved: "SavedSession") -> None:
        """Take over a checked snapshot (`read_snapshot`: its one-row state loaded through the
        step function, which has re-checked the screen against today's file)."""
        self._state = saved.state
        self._expression_of = None
        self._seed = saved.seed
        self._choices = list(saved.choices)
        self._transcript = list(saved.transcript)
        self._options = None
        self._restore_note = saved.note
        self._settle()
        # the rubric is a pure function of the turns played: rebuild it rather than trust stored numbers
        scenario = self._scenario
        tracker = self._compiled.rubric.tracker()
        for record in saved.transcript:
            # as stored, plus what today's scenario says about the node and reply (provokes, hand_off_right)
            at = scenario.nodes.get(record.node_id)
            reply = at.replies[record.reply_index] if at and 0 <= record.reply_index < len(at.replies) else None
            tracker.add_turn(TurnFacts(turn=record.turn, acts=record.acts, reply_text=record.reply_text,
                                       skills=record.skills, note=record.note, ends=record.ended,
                                       provokes=at.provokes if at else (),
                                       hand_off_right=reply.hand_off_right if reply else False))
        self._tracker = tracker
        if self._phase is Phase.ENDED:
            tracker.finish(self._outcome)


_SCREENS_KEPT = 1 << 14  # screens' options remembered per scenario (then start over)
# the one-row choices arrays a turn hands the step, made once (read-only: the step only reads them)
_PICKS = tuple(np.full(1, pick, dtype=np.int64) for pick in range(64))
for _pick in _PICKS:
    _pick.flags.writeable = False


class _Shared:
    """What the sessions of one stepper (one compiled scenario) work out once and share: all
    of it frozen values that follow from the content alone."""

    __slots__ = ("screens", "lines", "tables")

    def __init__(self) -> None:
        self.screens: dict = {}  # (node, replies shown, order) -> the options on screen
        self.lines: dict = {}  # (node id, expression) -> the customer's line (`pick_line`)
        self.tables: dict = {}  # (node id, reply index) -> the rubric's one-row reply table


_SHARED: "weakref.WeakKeyDictionary[Any, _Shared]" = weakref.WeakKeyDictionary()


def _shared(stepper: Any) -> _Shared:
    """What this stepper's sessions share, made on first use."""
    found = _SHARED.get(stepper)
    if found is None:
        found = _SHARED[stepper] = _Shared()
    return found


def pick_line(node: Node, expression: str, scale: Sequence[str]) -> str:
    """The node's line for this expression.

    The exact label if the node has it; else its `default`; else the nearest label on the
    expression scale, ties going to the angrier side. (`default` comes before "nearest" so a
    node with only a furious variant and a default does not shout at a calm customer.)
    """
    by_label = {variant.expression: variant.text for variant in node.say}
    if expression in by_label:
        return by_label[expression]
    if "default" in by_label:
        return by_label["default"]
    if not by_label:
        return ""
    here = scale.index(expression) if expression in scale else 0
    ranked = sorted(((abs(scale.index(label) - here), scale.index(label), text)
                     for label, text in by_label.items() if label in scale))
    return ranked[0][2] if ranked else next(iter(by_label.values()))
