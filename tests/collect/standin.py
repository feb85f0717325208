"""A stand-in of the Apify HTTP API on 127.0.0.1 (a small threaded http.server): the endpoints `apify-client`
calls to start an actor's run, get a run (with `waitForFinish`), abort it and list a dataset's items (offset and
limit). It records every request, runs the "actors" on fictional accounts (tests/collect/items.py), and can be
told to fail: answer a status some number of times, end a run FAILED, keep a run RUNNING until released."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "test-token"  # the only token it accepts


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class StandIn:
    """The service's state, and what the tests tell it to do."""

    actors: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]]  # actor (owner/name) -> items of an input
    requests: list[Request] = field(default_factory=list)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    datasets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: endpoint ("start", "get", "abort", "items", "list", "record") -> statuses to answer first, one per request
    faults: dict[str, list[int]] = field(default_factory=dict)
    hold: bool = False  # runs stay RUNNING until release()
    start_then_fail: int = 0  # this many starts create their run, then answer 500 all the same
    fail: set[str] = field(default_factory=set)  # actors whose runs end FAILED
    clock: datetime = datetime(2021, 11, 2, 6, 0, 0, tzinfo=UTC)
    url: str = ""
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def started(self, actor: str | None = None) -> list[Request]:
        """The run starts received (of one actor)."""
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/runs") and r.path.count("/") == 4
                and (actor is None or r.path.split("/")[3] == actor.replace("/", "~"))]  # fmt: skip

    def inputs(self, actor: str) -> list[Any]:
        return [r.body for r in self.started(actor)]

    def release(self) -> None:
        """Finish every held run."""
        with self.lock:
            self.hold = False
            for run in self.runs.values():
                if run["status"] == "RUNNING":
                    self._finish(run)

    def _finish(self, run: dict[str, Any]) -> None:
        self.clock += timedelta(minutes=3, milliseconds=137)
        run["finishedAt"] = self.clock.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        run["status"] = "FAILED" if run["_actor"] in self.fail else "SUCCEEDED"
        run["usageTotalUsd"] = round(len(self.datasets[run["defaultDatasetId"]]) * 0.002, 4)

    def start(self, actor: str, run_input: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.count += 1  # never reset: a run's id is never given twice
            number = self.count
            run_id, dataset_id = f"run{number:04d}", f"dataset{number:04d}"
            self.datasets[dataset_id] = self.actors[actor](run_input)
            run = {
                "id": run_id, "actId": actor.replace("/", "~"), "userId": "user1",
                "startedAt": self.clock.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "status": "RUNNING", "meta": {"origin": "API"}, "stats": {},
                "options": {"build": "latest", "timeoutSecs": 3600, "memoryMbytes": 1024, "diskMbytes": 2048},
                "buildId": "build1", "defaultKeyValueStoreId": f"kv{number:04d}", "defaultDatasetId": dataset_id,
                "defaultRequestQueueId": f"rq{number:04d}", "_actor": actor, "_input": run_input,
            }  # fmt: skip
            self.runs[run_id] = run
            if not self.hold:
                self._finish(run)
            return run

    def wait(self, run_id: str, seconds: float) -> dict[str, Any] | None:
        until = time.monotonic() + min(seconds, 0.5)  # a short poll: the client asks again
        while True:
            with self.lock:
                run = self.runs.get(run_id)
                if run is None or run["status"] != "RUNNING" or time.monotonic() >= until:
                    return run
            time.sleep(0.02)

    def abort(self, run_id: str) -> dict[str, Any] | None:
        with self.lock:
            run = self.runs.get(run_id)
            if run is not None and run["status"] == "RUNNING":
                run["status"] = "ABORTED"
            return run


def _public(run: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in run.items() if not k.startswith("_")}


class _Handler(BaseHTTPRequestHandler):
    standin: StandIn

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, kind: str) -> None:
        self._reply(status, {"error": {"type": kind, "message": f"stand-in: {kind}"}})

    def _handle(self, method: str) -> None:
        s = self.standin
        parsed = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        body = json.loads(raw) if raw else None
        parts = parsed.path.strip("/").split("/")  # v2, acts|actor-runs|datasets, id, ...
        listing = method == "GET" and len(parts) == 4 and parts[1] in ("acts", "actors") and parts[3] == "runs"
        endpoint = "list" if listing else {("POST", "acts"): "start", ("POST", "actors"): "start",
                    ("GET", "key-value-stores"): "record", ("GET", "actor-runs"): "get", ("POST", "actor-runs"): "abort",
                    ("GET", "datasets"): "items"}.get((method, parts[1] if len(parts) > 1 else ""), "?")  # fmt: skip
        with s.lock:
            s.requests.append(Request(method, parsed.path, query, body))
            fault = s.faults.get(endpoint, [])
            status = fault.pop(0) if fault else None
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._error(401, "token-not-valid")
        if status is not None:
            return self._error(status, "rate-limit-exceeded" if status == 429 else "internal-server-error")
        if endpoint == "start":
            run = s.start(parts[2].replace("~", "/"), body)
            with s.lock:
                lost, s.start_then_fail = s.start_then_fail > 0, max(0, s.start_then_fail - 1)
            if lost:
                return self._error(500, "internal-server-error")
            return self._reply(201, {"data": _public(run)})
        if endpoint == "list":  # startedAfter is not applied: the runs' times are the stand-in's own clock
            actor = parts[2].replace("~", "/")
            with s.lock:
                runs = [_public(r) for r in reversed(s.runs.values()) if r["_actor"] == actor]
            listed = {"items": runs, "total": len(runs), "offset": 0, "limit": 100, "count": len(runs), "desc": True}
            return self._reply(200, {"data": listed})
        if endpoint == "record":
            found = [r["_input"] for r in s.runs.values() if r["defaultKeyValueStoreId"] == parts[2]]
            return (
                self._reply(200, found[0]) if found and parts[-1] == "INPUT" else self._error(404, "record-not-found")
            )
        if endpoint in ("get", "abort"):
            run = s.wait(parts[2], float(query.get("waitForFinish", 0))) if endpoint == "get" else s.abort(parts[2])
            return self._reply(200, {"data": _public(run)}) if run else self._error(404, "record-not-found")
        if endpoint == "items" and parts[2] in s.datasets:
            items = s.datasets[parts[2]]
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 999_999_999_999))
            page = items[offset : offset + limit]
            headers = {"x-apify-pagination-total": str(len(items)), "x-apify-pagination-offset": str(offset),
                       "x-apify-pagination-count": str(len(page)), "x-apify-pagination-limit": str(limit),
                       "x-apify-pagination-desc": "false"}  # fmt: skip
            return self._reply(200, page, headers)
        return self._error(404, "record-not-found")

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")


def serve(standin: StandIn) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start the stand-in on a free port of 127.0.0.1; its base URL is then `standin.url`."""
    handler = type("Handler", (_Handler,), {"standin": standin})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    standin.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="apify-stand-in", daemon=True)
    thread.start()
    return server, thread
