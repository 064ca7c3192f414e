"""What the game and the records need from one conversation (`ConversationSession`), and the
one event a played turn sends (`TurnPlayed`, through a `TurnFeed`).

The UI draws from a `ConversationSession` and plays a reply with `TurnFeed.play(session, i)`;
the records subscribe to that feed and save every `TurnPlayed` as it is announced, before the
next screen is drawn. Nothing wraps the session: the engine's `Session` satisfies the
protocol as it is (tests/engine/test_session_protocol.py checks it), so the screens and the
records see the same object the engine plays.

No pygame here (the engine never imports it) and no records: an attempt is the records' own
idea, they map a session to their attempt themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Protocol, runtime_checkable

from simulator.engine.turn_record import ReplyOption, TurnRecord

if TYPE_CHECKING:
    from simulator.engine.session import Phase, Result
    from simulator.scenario.catalog_model import Catalog
    from simulator.scenario.model import Scenario


@runtime_checkable
class ConversationSession(Protocol):
    """One conversation as the screens and the records use it: where it is, what is on screen,
    what was played, how it ended, and its state as versioned JSON."""

    @property
    def scenario(self) -> "Scenario": ...

    @property
    def catalog(self) -> "Catalog": ...

    @property
    def seed(self) -> int | None:
        """The reply-order seed (None: authored order); a replay passes it on."""

    @property
    def phase(self) -> "Phase": ...

    @property
    def turn(self) -> int:
        """Turns played so far."""

    @property
    def node_id(self) -> str: ...

    @property
    def choices(self) -> tuple[int, ...]:
        """The 0-based shown positions picked so far, in order."""

    @property
    def mood(self) -> dict[str, float]: ...

    @property
    def expression(self) -> str: ...

    @property
    def customer_line(self) -> str: ...

    @property
    def options(self) -> tuple[ReplyOption, ...]: ...

    @property
    def transcript(self) -> tuple[TurnRecord, ...]: ...

    @property
    def result(self) -> "Result | None":
        """None until the conversation has ended."""

    def choose(self, i: int) -> TurnRecord:
        """Play reply `i` (0-based among `options`); ChoiceError when it is not on screen."""

    def snapshot(self) -> dict[str, Any]:
        """The whole state as a versioned JSON-able dict that names nodes by id."""


@dataclass(frozen=True, slots=True)
class TurnPlayed:
    """One turn has been played: which conversation, the turn, and the state it left behind."""

    session: ConversationSession
    record: TurnRecord
    snapshot: Mapping[str, Any]  # the state after the turn, as `session.snapshot()` wrote it then

    @property
    def ended(self) -> bool:
        """True when this turn ended the conversation (`session.result` is then set)."""
        return self.record.ended


TurnListener = Callable[[TurnPlayed], None]


class TurnFeed:
    """Plays turns and announces each one to its subscribers, in subscription order.

    Subscribers run synchronously, before `play` returns, so a subscriber that saves the turn
    has saved it (or kept it to save later) before the caller draws the next screen. A
    refused choice (ChoiceError) announces nothing. A subscriber's exception propagates:
    the subscriber decides whether its failures may stop play (the records' never do)."""

    def __init__(self, subscribers: Iterable[TurnListener] = ()) -> None:
        self._subscribers: list[TurnListener] = list(subscribers)

    def subscribe(self, listener: TurnListener) -> None:
        """Hear every turn played through this feed from now on."""
        if listener not in self._subscribers:
            self._subscribers.append(listener)

    def unsubscribe(self, listener: TurnListener) -> None:
        if listener in self._subscribers:
            self._subscribers.remove(listener)

    @property
    def subscribers(self) -> tuple[TurnListener, ...]:
        return tuple(self._subscribers)

    def play(self, session: ConversationSession, i: int) -> TurnRecord:
        """Play reply `i` of `session` and announce the turn; returns its TurnRecord."""
        record = session.choose(i)
        if self._subscribers:  # nobody listens: skip the snapshot
            event = TurnPlayed(session, record, session.snapshot())
            for listener in list(self._subscribers):
                listener(event)
        return record
