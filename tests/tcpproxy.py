"""A TCP proxy on loopback that counts round trips, for tests of how often the client waits.

    with TurnCounter("127.0.0.1", 5432) as proxy:
        url = ...  # host 127.0.0.1, port proxy.port
        before = proxy.turns
        ...  # a synchronous call
        assert proxy.turns - before <= 3

A *turn* is the client speaking again after the server has answered: bytes from the client
that arrive after bytes from the server on the same connection (or the first bytes of a new
connection). A request the client sends without waiting for the answer to the previous one
(PostgreSQL's pipeline mode) is not a turn, so ``turns`` counts the round trips a client
waited for. Bytes are counted before they are forwarded: when a call has returned, its turns
are counted. ``sent`` counts the bytes the clients sent.
"""

from __future__ import annotations

import selectors
import socket
import threading
from types import TracebackType


class TurnCounter:
    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self.turns = 0
        self.sent = 0
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        # socket -> (its peer, True when it is the client's side, the connection's state)
        self._peers: dict[socket.socket, tuple[socket.socket, bool, list[bool]]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="turn-counter", daemon=True)

    def __enter__(self) -> TurnCounter:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(5)
        for sock in [self._listener, *self._peers]:
            sock.close()
        self._selector.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            for key, _events in self._selector.select(0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if sock is self._listener:
                    self._accept()
                else:
                    self._forward(sock)

    def _accept(self) -> None:
        try:
            client, _addr = self._listener.accept()
        except BlockingIOError:
            return
        server = socket.create_connection(self._target)
        # state[0]: the server spoke last (the client's next bytes are a new turn)
        state = [True]
        for sock, peer, is_client in ((client, server, True), (server, client, False)):
            sock.setblocking(True)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._peers[sock] = (peer, is_client, state)
            self._selector.register(sock, selectors.EVENT_READ, None)

    def _forward(self, sock: socket.socket) -> None:
        peer, is_client, state = self._peers[sock]
        try:
            data = sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            for s in (sock, peer):
                if s in self._peers:
                    self._selector.unregister(s)
                    del self._peers[s]
                    s.close()
            return
        if is_client:
            self.sent += len(data)
            self.turns += state[0]
        state[0] = not is_client
        peer.sendall(data)
