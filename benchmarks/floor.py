"""The floor for benchmarks/run.py: fetch every feed concurrently with httpx and parse it with
feedparser, nothing else (no storage, no matching). One process, one event loop.

    python benchmarks/floor.py URLS_FILE STATE_FILE cold|warm [--concurrency N]

``cold`` fetches without validators and writes each feed's ETag / Last-Modified to STATE_FILE;
``warm`` sends them back (If-None-Match / If-Modified-Since) and parses only what is not a 304.
Prints one JSON line with counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import feedparser
import httpx


async def main_async(urls: list[str], state: dict[str, list[str | None]], warm: bool,
                     concurrency: int) -> dict[str, int]:
    counts = {"fetched": 0, "not_modified": 0, "errors": 0, "entries": 0}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30, trust_env=False) as client:

        async def one(url: str) -> None:
            headers = {}
            if warm:
                etag, modified = state.get(url, [None, None])
                if etag:
                    headers["If-None-Match"] = etag
                if modified:
                    headers["If-Modified-Since"] = modified
            async with sem:
                try:
                    response = await client.get(url, headers=headers)
                except httpx.HTTPError:
                    counts["errors"] += 1
                    return
            if response.status_code == 304:
                counts["not_modified"] += 1
                return
            if response.status_code != 200:
                counts["errors"] += 1
                return
            counts["fetched"] += 1
            state[url] = [response.headers.get("etag"), response.headers.get("last-modified")]
            # the options watcher uses: no HTML sanitising or URI resolution (cheaper)
            parsed = feedparser.parse(response.content,
                                      response_headers={"content-type":
                                                        response.headers.get("content-type", "")},
                                      sanitize_html=False, resolve_relative_uris=False)
            counts["entries"] += len(parsed.entries)

        await asyncio.gather(*(one(url) for url in urls))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", type=Path)
    parser.add_argument("state", type=Path)
    parser.add_argument("mode", choices=["cold", "warm"])
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    urls = args.urls.read_text().split()
    warm = args.mode == "warm"
    state: dict[str, list[str | None]] = json.loads(args.state.read_text()) if warm else {}
    counts = asyncio.run(main_async(urls, state, warm, args.concurrency))
    if not warm:
        args.state.write_text(json.dumps(state))
    json.dump(counts, sys.stdout)
    print()


if __name__ == "__main__":
    main()
