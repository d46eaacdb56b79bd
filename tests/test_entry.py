"""The ``watcher`` command's entry point, as an installer writes its script."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

# What the parse workers must not carry: the CLI and what only it (and configuration) uses.
CLI_ONLY = ("watcher.cli", "watcher.config", "click", "pydantic")


def command_script(tmp_path: Path, body: str) -> Path:
    """A script like the one pip writes for the ``watcher`` command, with ``body`` (indented)
    run where it would call the entry point."""
    (entry,) = entry_points(group="console_scripts", name="watcher")
    module, _, attr = entry.value.partition(":")
    script = tmp_path / "watcher"
    script.write_text(f"import sys\nfrom {module} import {attr}\n"
                      f"if __name__ == '__main__':\n{body}")
    return script


def test_the_command_runs_the_cli(tmp_path: Path) -> None:
    script = command_script(tmp_path, "    sys.exit(main())\n")
    done = subprocess.run([sys.executable, str(script), "--version"], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("watcher, version ")


def test_parse_workers_started_from_the_command_do_not_load_the_cli(tmp_path: Path) -> None:
    # multiprocessing's "spawn" (the parse workers' start method) runs the parent's script
    # again in each worker before it works: what that script imports, every worker loads.
    script = command_script(tmp_path, (
        "    import multiprocessing\n"
        "    from concurrent.futures import ProcessPoolExecutor\n"
        "    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('spawn')) as p:\n"
        "        print(' '.join(p.submit(eval, 'sorted(__import__(\"sys\").modules)').result()))\n"
    ))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "__mp_main__" in loaded  # the script did run again in the worker
    assert not loaded & set(CLI_ONLY)
