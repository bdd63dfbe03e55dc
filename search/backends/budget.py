"""What one query may cost: expansion caps, a deadline, and slots for expensive queries.

Three limits, so that no request holds a core for long and a few expensive queries
cannot slow everyone else's:

* **Cost cap** (``check_cost``, called by every SearchRequest): fuzzy words and
  prefixes expand to many indexed words each; a query may hold at most
  ``MAX_QUERY_COST`` of them over the whole query (a two-edit fuzzy word or a prefix
  of one or two letters counts twice). A query over the cap is refused with a sentence
  saying why, before any engine work. Backends also cap the words one query's
  prefixes expand to in total (``MAX_EXPANDED_TERMS``).
* **Deadline** (``Deadline``): a request carries one; backends check it between
  stages (facet counts, hits, snippets, scan batches) and cut what is left, saying so
  in a note, or stop a scan with ``SearchCut``. The clock is injectable, so tests never
  wait on a wall clock. The site's deadlines are the settings ``SEARCH_SECONDS`` and
  ``SEARCH_EXPORT_SECONDS``.
* **Slots** (``Slots``): queries with fuzzy words or one- or two-letter prefixes run
  at most ``slots`` at a time across every process on the machine (one ``flock``ed
  file per slot); a query that finds none free within ``wait`` seconds (the site: at
  once, so a waiting request never holds a worker) is refused with ``SearchBusy``. The
  site's are the settings ``SEARCH_EXPENSIVE_SLOTS``, ``SEARCH_SLOT_WAIT`` and
  ``SEARCH_SLOTS_DIR``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from search.query import Fuzzy, ParsedQuery, Prefix, QueryError, leaves, words

MAX_QUERY_COST = 10  # expanding terms per query: fuzzy~1 and long prefixes 1, fuzzy~2 2
MAX_EXPANDED_TERMS = 2_000  # indexed words all of one query's prefixes may expand to


class QueryTooCostly(QueryError):
    """The query asks for more expansion than one search may do."""


class SearchCut(QueryError):
    """The request ran out of time; ``str(error)`` says what was cut."""


class SearchBusy(QueryError):
    """Too many expensive searches are running; try again in a moment."""


def query_cost(parsed: ParsedQuery) -> int:
    """How many expanding terms the query holds (see MAX_QUERY_COST)."""
    cost = 0
    for leaf in leaves(parsed.node):
        if isinstance(leaf, Fuzzy) and leaf.distance > 0:
            cost += leaf.distance
        elif isinstance(leaf, Prefix):
            first = (words(leaf.text) or [""])[-1]
            cost += 2 if len(first) <= 2 else 1
    return cost


def is_expensive(parsed: ParsedQuery) -> bool:
    """Fuzzy words, or prefixes of one or two letters: queries that take a slot (see
    Slots). Longer prefixes expand to a capped number of indexed words and cost about
    what a common word does, so they do not wait for a slot."""
    for leaf in leaves(parsed.node):
        if isinstance(leaf, Fuzzy) and leaf.distance > 0:
            return True
        if isinstance(leaf, Prefix) and len((words(leaf.text) or [""])[-1]) <= 2:
            return True
    return False


def check_cost(parsed: ParsedQuery) -> None:
    cost = query_cost(parsed)
    if cost > MAX_QUERY_COST:
        raise QueryTooCostly(
            f"This query has too many fuzzy (~) or prefix (*) words: they count {cost}, "
            f"and one search may hold {MAX_QUERY_COST} (a word~2 or a one- or two-letter "
            "prefix counts 2). Remove some of them, or use exact words."
        )


class Deadline:
    """A point in time a request must finish by; ``clock`` is injectable for tests."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.at = clock() + seconds

    def expired(self) -> bool:
        return self.clock() >= self.at

    def check(self, doing: str) -> None:
        """Raise SearchCut when the time is up (``doing`` says what was cut short)."""
        if self.expired():
            raise SearchCut(
                f"This request was stopped after {self.seconds:g} s while {doing}; "
                "narrow the search (fewer fuzzy or prefix words, a filter or a date range)."
            )


class Slots:
    """At most ``slots`` expensive searches at once, across processes.

    Each slot is a file in ``directory``; holding its ``flock`` is holding the slot
    (released when the process dies, so a crash never leaks one). ``clock`` and
    ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        directory: str | os.PathLike,
        slots: int = 1,
        *,
        wait: float = 0.2,
        poll: float = 0.02,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.directory = Path(directory)
        self.slots = max(1, int(slots))
        self.wait = wait
        self.poll = poll
        self.clock = clock
        self.sleep = sleep

    def _try(self) -> int | None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for n in range(self.slots):
            fd = os.open(self.directory / f"slot-{n}", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
        return None

    @contextlib.contextmanager
    def hold(self):
        """Hold a slot for the block; SearchBusy if none frees up within ``wait``."""
        deadline = self.clock() + self.wait
        fd = self._try()
        while fd is None:
            if self.clock() >= deadline:
                raise SearchBusy(
                    f"{self.slots} search{'es' if self.slots > 1 else ''} with fuzzy (~) or "
                    "prefix (*) words or partial matches "
                    f"{'are' if self.slots > 1 else 'is'} already running; "
                    "try again in a moment, or use exact words."
                )
            self.sleep(self.poll)
            fd = self._try()
        try:
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock
