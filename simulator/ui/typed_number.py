"""Picking an item of a numbered list by typing its number, including numbers past 9.

Number keys pick at once, as the reply buttons do, whenever the digit can only mean one
item: in a list of 12, "5" is turn 5 (there is no 50). A digit that could still grow ("1"
could be 1, 10, 11 or 12) waits for a second digit for `NUMBER_WAIT_S` seconds of `dt`:
"1" then "2" picks 12; "1" alone picks 1 when the wait runs out, or at once with Enter (the
list focuses the item while it waits, so Enter is the ordinary "choose the focused one").
A combination with no item ("1" then "7" in a list of 12) is dropped and picks nothing.
"""

from __future__ import annotations

NUMBER_WAIT_S = 1.0  # how long "1" waits for a second digit: a deliberate two-key press fits easily


class TypedNumber:
    """The digits typed so far for a list of `count` items (1-based numbers)."""

    def __init__(self, wait: float = NUMBER_WAIT_S) -> None:
        self.wait = wait
        self.digits = ""
        self.left = 0.0  # seconds until a waiting number is picked

    @property
    def pending(self) -> int | None:
        """The number typed and waiting for another digit, or None."""
        return int(self.digits) if self.digits else None

    def clear(self) -> None:
        self.digits, self.left = "", 0.0

    def press(self, digit: int, count: int) -> int | None:
        """A number key (0-9) in a list of `count`: the number to pick now, or None (waiting,
        or nothing it could mean)."""
        typed = self.digits + str(digit)
        self.clear()
        number = int(typed)
        if not 1 <= number <= count:
            return None  # "0", or "17" in a list of 12: nothing to pick
        if number * 10 > count:  # no longer number starts with these digits
            return number
        self.digits, self.left = typed, self.wait
        return None

    def update(self, dt: float) -> int | None:
        """Time passing: the waiting number once its wait has run out, else None."""
        if not self.digits:
            return None
        self.left -= max(0.0, dt)
        if self.left > 0:
            return None
        number = self.pending
        self.clear()
        return number
