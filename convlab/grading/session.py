"""The grader's side of a worker's channel: frames in, timed inputs out, the clock.

A worker answers only through frames on a pipe (:mod:`convlab.grading.protocol`).
:class:`Session` decodes them into an :class:`~convlab.grading.outcome.Outcome`, strictly
and with a size cap (:data:`CHANNEL_CAP`): error records become
:class:`~convlab.grading.compare.Raised`, values are decoded with ``.npy`` arrays loaded
with ``allow_pickle=False``, counts are validated. It also runs the timed rounds: when the
worker says ``ready``, the round's inputs are sent and the clock (here, in the grader)
starts; the round's answer stops it. Rounds must come strictly in order; anything else
voids the timing. :func:`exchange` drives one worker until it exits or its time is up.
"""

from __future__ import annotations

import io
import json
import math
import os
import select
import subprocess
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from .compare import Raised
from .protocol import FrameReader, Opaque, decode

if TYPE_CHECKING:
    from .outcome import Limits, Outcome

__all__ = ["CHANNEL_CAP", "Session", "exchange", "raised"]

CHANNEL_CAP = 64 * 2**20  # bytes a worker may send back in all


def raised(record: Any) -> Raised:
    """An error record from the worker as :class:`Raised`, with every field checked."""
    if not isinstance(record, dict):
        return Raised(("Exception",), "unreadable error record")
    types = record.get("type")
    types = (
        tuple(str(t)[:80] for t in types[:8])
        if isinstance(types, list) and types
        else ("Exception",)
    )
    where = record.get("where")
    where = tuple(str(w)[:200] for w in where[:3]) if isinstance(where, list) else ()
    return Raised(types, str(record.get("message", ""))[:500], where)


class Session:
    """The grader's side of one worker's channel: frames in, timed inputs out, the clock."""

    def __init__(self, out: Outcome, limits: Limits, rounds: list[bytes]) -> None:
        self.out, self.limits, self.rounds = out, limits, rounds
        self.reader = FrameReader()
        self.received = 0
        self.arrays: list[bytes] = []
        self.steps = [(p, k) for p in ("baseline", "func") for k in range(len(rounds))]
        self.step = 0
        self.started: float | None = None  # when the current round's inputs began to go out
        self.to_send = b""
        self.seconds: dict[str, list[float]] = {"baseline": [], "func": []}
        self.values: list[Any] = []
        self.timing_problem: str | None = None
        self.timing_error: Raised | None = None
        self.done = False
        self.overflow = False

    def load(self, name: str):
        index = int(name[4:-4]) if name.startswith("out_") else -1
        if not 0 <= index < len(self.arrays):
            return Opaque("ndarray", "an array the worker never sent")
        try:
            arr = np.load(io.BytesIO(self.arrays[index]), allow_pickle=False)
        except Exception:
            return Opaque("ndarray", "unreadable .npy data")
        return arr if isinstance(arr, np.ndarray) else Opaque("ndarray", "not an array")

    def feed(self, data: bytes, now: float) -> None:
        self.received += len(data)
        if self.received > CHANNEL_CAP:
            self.overflow = True
            return
        for kind, payload in self.reader.feed(data):
            self.handle(kind, payload, now)

    def handle(self, kind: str, payload: bytes, now: float) -> None:
        out = self.out
        if kind == "array":
            self.arrays.append(payload)
            return
        if kind == "done":
            self.done = True
            return
        try:
            record = json.loads(payload)
        except (ValueError, RecursionError):
            return
        if kind == "event" and isinstance(record, dict) and len(out.events) < 100:
            out.events.append((str(record.get("kind"))[:20], str(record.get("what"))[:300]))
        elif kind == "define" and out.define_error is None:
            out.define_error = raised(record)
        elif kind == "case" and isinstance(record, dict) and len(out.cases) < 1000:
            if "error" in record:
                out.cases.append(raised(record["error"]))
            else:
                out.cases.append(decode(record.get("value"), self.load))
        elif kind == "output" and isinstance(record, dict):
            text, chars = record.get("text"), record.get("chars")
            out.output = text[: self.limits.output_chars] if isinstance(text, str) else ""
            valid = isinstance(chars, int) and not isinstance(chars, bool) and 0 <= chars < 2**53
            out.output_chars = max(chars if valid else 0, len(out.output))
        elif kind in ("ready", "timed"):
            self.timed(kind, record, now)

    def timed(self, kind: str, record: Any, now: float) -> None:
        """Follow the timed rounds strictly in order; anything else voids the timing."""
        if self.timing_problem or self.timing_error:
            return
        expected = self.steps[self.step] if self.step < len(self.steps) else None
        said = (record.get("phase"), record.get("round")) if isinstance(record, dict) else None
        if expected is None or said != expected or (kind == "ready") != (self.started is None):
            self.timing_problem = "the worker's timing messages came out of order"
            self.to_send = b""
            return
        if kind == "ready":
            self.started, self.to_send = now, self.rounds[expected[1]]
            return
        seconds = now - self.started
        self.started = None
        self.step += 1
        if "error" in record:
            self.timing_error = raised(record["error"])
            return
        if not (math.isfinite(seconds) and 0 < seconds <= self.limits.timeout):
            self.timing_problem = f"a timed round took an impossible {seconds!r} s"
            return
        self.seconds[expected[0]].append(seconds)
        if expected[0] == "func":
            self.values.append(decode(record.get("value"), self.load))

    def timing(self) -> dict | None:
        if not self.rounds:
            return None
        if self.timing_problem:
            return {"problem": self.timing_problem}
        if self.timing_error is not None:
            return {"error": self.timing_error}
        if len(self.values) < len(self.rounds):
            if self.reader.broken:
                return {"problem": "the worker's messages were malformed"}
            return None  # did not finish
        return {
            "seconds": min(self.seconds["func"]),
            "baseline": min(self.seconds["baseline"]),
            "values": self.values,
        }


def exchange(proc: subprocess.Popen, channel: int, feed: int, session: Session) -> bool:
    """Read the worker's frames and send its timed inputs until it exits, overflows or its
    time is up; return whether the wall clock ran out."""
    deadline = time.monotonic() + session.limits.timeout
    os.set_blocking(channel, False)
    os.set_blocking(feed, False)
    reading = True
    while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        now = time.monotonic()
        if now > deadline:
            return True
        if session.overflow:
            session.out.problems.append(f"the worker sent more than {CHANNEL_CAP >> 20} MB")
            return False
        writing = [feed] if session.to_send else []
        readable, writable, _ = select.select(
            [channel] if reading else [], writing, [], min(0.05, deadline - now)
        )
        if readable:
            try:
                data = os.read(channel, 2**16)
            except BlockingIOError:
                data = None
            if data == b"":
                reading = False
            elif data:
                session.feed(data, time.monotonic())
        if writable:
            try:
                sent = os.write(feed, session.to_send[: 2**16])
            except (BlockingIOError, BrokenPipeError):
                sent = 0
            session.to_send = session.to_send[sent:]
    while reading and not session.overflow:  # what the worker wrote before it exited
        try:
            data = os.read(channel, 2**16)
        except BlockingIOError:  # a writer (an escaped child?) still holds it open
            break
        if not data:
            break
        session.feed(data, time.monotonic())
    return False
