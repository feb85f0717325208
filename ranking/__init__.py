"""Rank company leadership teams by the influence of their executives' LinkedIn and X posts."""

import os
from importlib.metadata import PackageNotFoundError, version

# Polars allocates through its own jemalloc, which by default keeps freed pages for 10 s before giving them back:
# the run's stages each free hundreds of MB the next does not reuse, and the process's peak grows by their sum.
# Given back after 0.2 s, the peak at 5M posts is about 100 MiB lower for about 2 % more CPU in the scoring
# (bench/results/issue-12-memory.md). Read by jemalloc when polars is first imported: set here, before any module
# of the package imports it. A value the user set is kept.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:200,muzzy_decay_ms:0")

try:
    __version__ = version("ranking")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
