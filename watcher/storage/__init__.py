"""The storage layer: the only place watcher talks SQL (SQLite or PostgreSQL)."""

from ._storage import Storage

__all__ = ["Storage"]
