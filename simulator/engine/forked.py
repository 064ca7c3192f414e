"""Work shared out between forked processes, for the analyser's sweep (play_sweep.py).

`run_forked(pieces)` forks one child per piece, runs it there and brings its result back
pickled through a pipe. A fork inherits everything already built (the compiled scenario, the
stepper, the frontier) without copying or pickling it, which is why this is not a process
pool. It answers None, and the caller does the work itself, wherever fork is not the way
(Windows, or macOS where forking a numpy process is not safe) and whenever a child fails or
dies: sharing work out may cost time, never a result.

`SharedCounts` is a small table of counters the children write while they run (each to its
own row, so no lock is needed) and read the column totals of, to stop early once together
they passed a limit; read after every child has exited, the totals are exact.
"""

from __future__ import annotations

import mmap
import os
import pickle
import signal
import sys
from typing import Any, Callable, Sequence


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux")


class SharedCounts:
    """(rows, columns) int64 counters in memory shared with the processes forked after it;
    `start` is added to column 0's total."""

    def __init__(self, rows: int, columns: int, *, start: int = 0) -> None:
        import numpy as np  # (here: the records' exports fork too, and need no numpy)

        self._memory = mmap.mmap(-1, max(1, rows * columns * 8))  # anonymous and shared across fork
        self.counts = np.frombuffer(self._memory, dtype=np.int64).reshape(rows, columns)
        self.start = start

    def add(self, row: int, column: int, amount: int) -> int:
        """Add to this row's counter; the column's total over every row afterwards (the other
        rows as far as they are written yet)."""
        self.counts[row, column] += amount
        return self.total(column)

    def total(self, column: int) -> int:
        return int(self.counts[:, column].sum()) + (self.start if column == 0 else 0)


def run_forked(pieces: Sequence[Callable[[], Any]], meanwhile: Callable[[], None] | None = None) -> list[Any] | None:
    """Each piece's result, each piece run in a child process of its own; None when this
    platform does not fork or any piece raised, died or sent nothing back. `meanwhile` is
    called in this process once every child is running (this process would only wait)."""
    if not can_fork() or not pieces:
        return None
    children: list[tuple[int, int]] = []
    try:
        for piece in pieces:
            try:
                read, write = os.pipe()
            except OSError:  # out of file descriptors: the caller does the work
                return None
            try:
                pid = os.fork()
            except OSError:  # out of processes or memory: likewise
                os.close(read)
                os.close(write)
                return None
            if pid == 0:  # the child: run the piece, send the result, leave without cleaning up
                os.close(read)
                _child(piece, write)
            os.close(write)
            children.append((pid, read))
        if meanwhile is not None:
            meanwhile()
        results, failed = [], False
        for index, (pid, read) in enumerate(children):
            children[index] = (pid, -1)  # (the stream closes it)
            with os.fdopen(read, "rb") as stream:
                data = stream.read()
            try:
                ok, value = pickle.loads(data) if data else (False, "no result")
            except Exception:  # a child killed mid-write: its half result is not one
                ok, value = False, "unreadable result"
            failed = failed or not ok
            results.append(value)
        return None if failed else results
    finally:
        for pid, read in children:
            if read >= 0:  # given up on early: stop it rather than wait for work nobody reads
                os.close(read)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def _child(piece: Callable[[], Any], write: int) -> None:
    """In the forked child: never returns. os._exit skips the parent's atexit handlers and
    buffered output, which belong to the parent."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child; the parent notices
        try:
            data = pickle.dumps((True, piece()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as error:
            data = pickle.dumps((False, f"{type(error).__name__}: {error}"))
        with os.fdopen(write, "wb") as out:
            out.write(data)
    finally:
        os._exit(0)
