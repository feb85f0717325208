"""`python -m tests.faults.runner ARGS...`: `ranking ARGS...` with a fault injected where the environment says.

FAULT_STEP names a step of publishing (see `ranking.outputs.publish.checkpoint`), FAULT_ACTION what happens there:
`kill` (SIGKILL, no cleanup at all) or `wait:<path>` (touch `<path>.reached`, then wait for `<path>.go`).
FAULT_NO_EXCHANGE=1 makes the file system look unable to exchange two folders (the two-rename fallback).
FAULT_RENDER_MARK=<path>: touch <path> when the PDFs start rendering (for the interruption tests).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import ranking.outputs.publish
import ranking.render.pool
from ranking.cli import cli

STEP = os.environ.get("FAULT_STEP", "")
ACTION = os.environ.get("FAULT_ACTION", "kill")


def checkpoint(step: str) -> None:
    if step != STEP:
        return
    if ACTION == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    base = ACTION.removeprefix("wait:")
    Path(base + ".reached").touch()
    while not Path(base + ".go").exists():
        time.sleep(0.02)


ranking.outputs.publish.checkpoint = checkpoint
if os.environ.get("FAULT_NO_EXCHANGE"):
    ranking.outputs.publish.exchange = lambda _a, _b: False
if os.environ.get("FAULT_RENDER_MARK"):
    real_render = ranking.render.pool.Renderer.render

    def render(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        Path(os.environ["FAULT_RENDER_MARK"]).touch()
        return real_render(self, *args, **kwargs)

    ranking.render.pool.Renderer.render = render  # type: ignore[method-assign]

if __name__ == "__main__":
    cli(prog_name="ranking")
