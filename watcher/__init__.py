"""watcher: poll news feeds, match rules, alert when a story moves."""

__version__ = "0.1.0"
USER_AGENT = f"watcher/{__version__} (+self-hosted news monitor)"
