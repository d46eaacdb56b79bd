"""When a channel's receiver last failed to answer at all (a timeout, a refused connection),
and why. The alerts queued behind such a failure, within ``window`` seconds of it, fail at
once without being tried: each is retried after its own backoff, instead of each waiting its
turn to time out against a receiver that is down (a round of a hundred alerts would hold the
poll cycle for minutes). Any answer from the receiver ends the outage. Thread-safe enough for
its use: one tuple assigned and read whole.
"""

from __future__ import annotations

import time


class Outage:
    def __init__(self, window: float) -> None:
        self.window = window
        self._last: tuple[float, str] | None = None  # (time.monotonic(), why)

    def failed(self, reason: str) -> None:
        """The receiver did not answer: ``reason`` (e.g. "timed out after 15s")."""
        self._last = (time.monotonic(), reason)

    def answered(self) -> None:
        """The receiver answered (any status): it is up."""
        self._last = None

    def skip_reason(self) -> str | None:
        """Why not to try the receiver now (None: try it)."""
        last = self._last
        if last is None:
            return None
        age = time.monotonic() - last[0]
        if age >= self.window:
            return None
        return f"not tried: an attempt {age:.1f}s ago failed ({last[1]})"
