"""One exception tree. Library errors are translated into these at the boundary."""

from __future__ import annotations

from collections.abc import Sequence


class WatcherError(Exception):
    """Root of every error watcher raises on purpose."""


class ConfigError(WatcherError):
    """The configuration file is missing or invalid."""


class RuleError(WatcherError):
    """A rule file is invalid. ``problems`` holds ``file:line: message`` strings."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class FetchError(WatcherError):
    """A feed could not be fetched. ``retry_after`` (seconds) comes from the server, if it said."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None,
                 permanent: bool = False):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.permanent = permanent  # e.g. 410 Gone: stop polling this feed


BLOCKED_ADDRESS = "blocked address"   # how a BlockedAddressError's message starts


class BlockedAddressError(FetchError):
    """The target resolves to an address watcher refuses to reach (SSRF guard)."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"{BLOCKED_ADDRESS} {target} ({reason}); "
                         "allow_private_networks: true in the config allows it")


class ParseError(WatcherError):
    """A feed body could not be parsed into items at all."""


class StorageError(WatcherError):
    """The database failed or is unreachable."""


class DeliveryError(WatcherError):
    """An alert could not be delivered; it stays in the outbox and is retried.

    ``permanent``: the receiver refused it in a way that sending it again unchanged will not
    mend (HTTP 404, SMTP 550): it is retried at the longest interval, for a fixed channel.
    ``tried``: False when the receiver was not contacted at all (held back behind an earlier
    alert, or behind a receiver that just failed to answer): no attempt is counted.
    ``retry_after``: seconds the receiver asked to wait (HTTP Retry-After).
    ``done_for``: the e-mail recipients this attempt reached (or that refused it for good),
    who are not sent it again.
    """

    def __init__(self, message: str, *, permanent: bool = False, tried: bool = True,
                 retry_after: float | None = None, done_for: Sequence[str] = ()):
        super().__init__(message)
        self.permanent = permanent
        self.tried = tried
        self.retry_after = retry_after
        self.done_for = tuple(done_for)
