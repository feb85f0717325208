"""Command line, at the edge of the pipeline: the click commands (`commands`), the options they share
(`options`) and what they print on a terminal (`terminal`). `ranking = ranking.cli:cli`."""

from ranking.cli.commands import cli

__all__ = ["cli"]
