"""What happens to the conversation on screen, for `App.add_session_listener` listeners.

A played turn itself is the engine's `TurnPlayed` (engine/session_protocol.py), which the
records save; these are the screen's own moments around it. The values are strings too, so a
listener may compare `kind == "start"`, but `App.session_event` accepts only these.
"""

from __future__ import annotations

from enum import Enum


class ConversationEvent(str, Enum):
    START = "start"  # a conversation is on screen (new, restarted, replayed, resumed, reloaded)
    TURN = "turn"  # a reply was played (after its TurnPlayed was announced)
    END = "end"  # that reply ended the conversation
    LEFT = "left"  # the trainee quit to the scenario list mid-way
    CLOSED = "closed"  # the window closed mid-way; the snapshot stays in current_snapshot()
