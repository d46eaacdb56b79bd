"""``python -m watcher`` and the ``watcher`` command (its script imports :func:`main` from here).

The CLI is imported inside :func:`main`, not at the top: a parse worker process is started
with multiprocessing's "spawn", which runs the script that started its parent again (as
``__mp_main__``) before the worker runs. Had the script imported :mod:`watcher.cli`, every
worker would load click, pydantic and the configuration code it never uses: ~0.15 s more
before it parses its first feed, and its memory. (``python -m watcher`` is not run again.)
"""

from __future__ import annotations


def main() -> None:
    from watcher.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
