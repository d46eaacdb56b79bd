"""The storage layer: the only place watcher talks SQL (SQLite or PostgreSQL)."""

from ._storage import PollSuccess, Storage

__all__ = ["PollSuccess", "Storage"]
