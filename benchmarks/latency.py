"""A TCP proxy on loopback that delays every byte by a fixed time, in each direction: a
database "on another host" for benchmarks (``benchmarks/ab.py --pg-rtt MS``).

    with DelayProxy("127.0.0.1", 5432, rtt_ms=0.5) as proxy:
        ...  # connect to 127.0.0.1:proxy.port

Threads, not asyncio: an event loop's timers round up to a millisecond, a sleeping thread
wakes within ~0.1 ms. Each connection gets one thread per direction reading and one
writing; bytes keep their order and are sent once they are ``rtt_ms / 2`` old.

``round_trips`` counts the times a client spoke again after the server had answered (as
tests/tcpproxy.py does): statements sent without waiting (pipeline mode) are not counted.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from types import TracebackType


class DelayProxy:
    def __init__(self, host: str, port: int, rtt_ms: float) -> None:
        self._target = (host, port)
        self._delay = rtt_ms / 2000
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._closed = False
        self.round_trips = 0
        self._lock = threading.Lock()

    def __enter__(self) -> DelayProxy:
        threading.Thread(target=self._accept, daemon=True, name="delay-accept").start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._closed = True
        self._listener.close()
        for sock in self._sockets:
            sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._target)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._sockets.append(sock)
            answered = [True]  # the server spoke last: the client's next bytes are a turn
            self._pipe(client, server, answered, from_client=True)
            self._pipe(server, client, answered, from_client=False)

    def _pipe(self, src: socket.socket, dst: socket.socket, answered: list[bool], *,
              from_client: bool) -> None:
        chunks: queue.SimpleQueue[tuple[float, bytes]] = queue.SimpleQueue()

        def count() -> None:
            with self._lock:
                if from_client and answered[0]:
                    self.round_trips += 1
                answered[0] = not from_client

        def read() -> None:
            while True:
                try:
                    data = src.recv(65536)
                except OSError:
                    data = b""
                if data:
                    count()
                chunks.put((time.monotonic() + self._delay, data))
                if not data:
                    return

        def write() -> None:
            while True:
                due, data = chunks.get()
                if not data:
                    with contextlib.suppress(OSError):
                        dst.shutdown(socket.SHUT_WR)
                    return
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                try:
                    dst.sendall(data)
                except OSError:
                    return

        threading.Thread(target=read, daemon=True, name="delay-read").start()
        threading.Thread(target=write, daemon=True, name="delay-write").start()
