"""The peer for benchmarks/run.py: the ``reader`` package (PyPI) updating the same feeds.

    python benchmarks/peer_reader.py DB_FILE URLS_FILE cold|warm [--workers N]

``cold`` adds every feed to a new database and updates them all; ``warm`` updates them all
again (``scheduled=False``: every feed, due or not; the server answers 304). Prints one JSON
line with counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reader import make_reader


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("urls", type=Path)
    parser.add_argument("mode", choices=["cold", "warm"])
    parser.add_argument("--workers", type=int, default=20)
    args = parser.parse_args()
    reader = make_reader(str(args.db))
    try:
        if args.mode == "cold":
            for url in args.urls.read_text().split():
                reader.add_feed(url, exist_ok=True)
        reader.update_feeds(workers=args.workers, scheduled=args.mode == "cold")
        feeds = reader.get_feed_counts()
        entries = reader.get_entry_counts()
        json.dump({"feeds": feeds.total, "broken": feeds.broken, "entries": entries.total},
                  sys.stdout)
        print()
    finally:
        reader.close()


if __name__ == "__main__":
    main()
