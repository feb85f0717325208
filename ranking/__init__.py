"""Rank company leadership teams by the influence of their executives' LinkedIn and X posts."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ranking")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
