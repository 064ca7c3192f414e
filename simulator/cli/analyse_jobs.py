"""Analyse several scenarios on several cores, results in argument order.

Each scenario's analysis is independent (its own play tree, its own budget), so a folder is
shared out between worker processes; the parent prints each report as soon as it and every
scenario before it are done, so the output is the same, byte for byte, as one process gives.
Workers are forked: they inherit the loaded scenarios and catalog (which do not pickle) and
send back only the analysis and the gate report. Where fork is not available (Windows,
macOS's default) the scenarios are analysed one after another in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

MAX_JOBS = 4  # each job holds one play tree (up to --memory-limit): more would trade memory for little


@dataclass(frozen=True)
class Outcome:
    """One scenario's result: (analysis, report), or the sentence saying why there is none."""

    analysis: Any = None
    report: Any = None
    error: str = ""


_WORK: list[Callable[[], Outcome]] = []  # set before the workers fork; read by index in them


def default_jobs(count: int) -> int:
    """Worker processes for `count` scenarios: the usable cores, at most MAX_JOBS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(count, cores, MAX_JOBS))


def _run(index: int) -> Outcome:
    return _WORK[index]()


def run_all(work: Sequence[Callable[[], Outcome]], jobs: int,
            start_first: Sequence[int] | None = None) -> Iterator[Outcome]:
    """Each piece of work's outcome, in order, using up to `jobs` processes.

    `start_first` is the order the pieces are handed to the processes in (all of them, each
    once; default: in order): the longest first, so that no process is left alone with a long
    one at the end while the others wait."""
    if jobs <= 1 or len(work) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for piece in work:
            yield piece()
        return
    order = list(range(len(work)) if start_first is None else start_first)
    if sorted(order) != list(range(len(work))):
        raise ValueError("start_first must name every piece of work once")
    _WORK[:] = work
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {index: pool.submit(_run, index) for index in order}
            for index in range(len(work)):
                yield futures[index].result()
    finally:
        _WORK.clear()
