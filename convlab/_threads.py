"""Run a loop's independent parts on a few Python threads (NumPy releases the GIL).

Only for element-wise NumPy work (ufuncs, copies), never around BLAS calls, which have
their own threads: the two would compete for the same cores.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable


def cores() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


# At most this many threads; None means one per core. Tests set it to force a split.
THREADS: int | None = None


def run_split(work: Callable[[int, int], None], count: int, *, worth: bool) -> None:
    """Call ``work(start, stop)`` on consecutive parts of ``range(count)``, in parallel.

    ``worth`` says whether the work is big enough to pay for starting threads (about
    50 µs each); if not, or with one core, it is one call on this thread. The first
    part runs on the calling thread; the others' exceptions are raised here.

    >>> seen = []
    >>> run_split(lambda a, b: seen.append((a, b)), 5, worth=False)
    >>> seen
    [(0, 5)]
    """
    parts = min(count, THREADS or cores()) if worth else 1
    if parts <= 1:
        work(0, count)
        return
    bounds = [count * i // parts for i in range(parts + 1)]
    errors: list[BaseException] = []

    def guarded(a: int, b: int) -> None:
        try:
            work(a, b)
        except BaseException as exc:  # re-raised on the caller's thread
            errors.append(exc)

    threads = [
        threading.Thread(target=guarded, args=(bounds[i], bounds[i + 1]), daemon=True)
        for i in range(1, parts)
    ]
    for t in threads:
        t.start()
    try:
        work(bounds[0], bounds[1])
    finally:
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
