"""An SMTP tarpit on loopback: a plain-socket server that speaks just enough SMTP to reach one step, then stalls
there for ever, sending a continuation line (`220-`, `250-`…) every `interval` seconds, so that no socket timeout
ever trips: only an overall deadline ends the wait."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

#: The steps a tarpit can stall at, and the reply code it trickles there.
STALLS = {"greeting": "220", "rcpt": "250", "data-end": "250"}


@dataclass
class Tarpit:
    """Stalls at `stall` (one of STALLS); counts the connections and the message bodies it received."""

    stall: str
    interval: float = 0.2
    connections: int = 0
    bodies: int = 0
    port: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _trickle(self, conn: socket.socket) -> None:
        code = STALLS[self.stall]
        while not self._stop.wait(self.interval):
            conn.sendall(f"{code}-still thinking\r\n".encode())

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            reader = conn.makefile("rb")
            if self.stall == "greeting":
                self._trickle(conn)
                return
            conn.sendall(b"220 tarpit.test ESMTP\r\n")
            while line := reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250 tarpit.test\r\n")
                elif verb == b"MAIL":
                    conn.sendall(b"250 OK\r\n")
                elif verb == b"RCPT":
                    if self.stall == "rcpt":
                        self._trickle(conn)
                        return
                    conn.sendall(b"250 OK\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    while (body := reader.readline()) and body != b".\r\n":
                        pass
                    self.bodies += 1
                    self._trickle(conn)  # data-end: the server has the message and never says so
                    return
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 OK\r\n")

    @contextlib.contextmanager
    def running(self) -> Iterator[Tarpit]:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        threads: list[threading.Thread] = []

        def accept() -> None:
            while not self._stop.is_set():
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                except OSError:
                    return
                self.connections += 1
                thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
                thread.start()
                threads.append(thread)

        acceptor = threading.Thread(target=accept, daemon=True)
        acceptor.start()
        try:
            yield self
        finally:
            self._stop.set()
            acceptor.join()
            listener.close()
            for thread in threads:
                thread.join(5)
