"""The storage layer: the only place watcher talks SQL (SQLite or PostgreSQL)."""

from ._storage import PollSuccess, Storage, parse_database_url, sqlite_file

__all__ = ["PollSuccess", "Storage", "parse_database_url", "sqlite_file"]
