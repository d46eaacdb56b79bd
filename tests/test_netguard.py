"""SSRF guard: the address table, and the guarded backend/transport on real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

import httpcore
import httpx
import pytest
from loopback import redirect, serve, text

from watcher.errors import BlockedAddressError, FetchError
from watcher.netguard import GuardedBackend, blocked_reason, check_address, guarded_transport

BLOCKED = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.0.0.1", "private network"),
    ("172.16.5.4", "private network"),
    ("172.31.255.255", "private network"),
    ("192.168.1.1", "private network"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("169.254.169.254", "link-local, cloud metadata"),
    ("169.254.0.1", "link-local, cloud metadata"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.251", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.10", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fe80::1%2", "link-local"),
    ("fc00::1", "private network"),
    ("fd00:ec2::254", "private network"),       # AWS IMDS over IPv6
    ("ff02::1", "multicast"),
    ("2001:db8::1", "documentation"),
    ("::ffff:127.0.0.1", "loopback"),           # IPv4-mapped IPv6
    ("::ffff:10.1.2.3", "private network"),
    ("::ffff:169.254.169.254", "link-local, cloud metadata"),
    ("::127.0.0.1", "reserved"),                # deprecated IPv4-compatible form
    ("2002:7f00:1::1", "loopback"),             # 6to4 wrapping 127.0.0.1
    ("64:ff9b::a00:1", "private network"),      # NAT64 wrapping 10.0.0.1
    ("not an address", "not an IP address"),
    ("", "not an IP address"),
]
ALLOWED = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1",
           "2606:4700:4700::1111", "2a00:1450:4001:82b::200e", "::ffff:8.8.8.8",
           "64:ff9b::808:808"]


@pytest.mark.parametrize(("ip", "reason"), BLOCKED)
def test_check_address_blocks(ip: str, reason: str) -> None:
    with pytest.raises(BlockedAddressError) as caught:
        check_address(ip, allow_private=False)
    assert str(caught.value) == (f"blocked address {ip} ({reason}); "
                                 "allow_private_networks: true in the config allows it")
    assert isinstance(caught.value, FetchError)
    check_address(ip, allow_private=True)  # the switch turns the guard off entirely


@pytest.mark.parametrize("ip", ALLOWED)
def test_check_address_allows_public(ip: str) -> None:
    check_address(ip, allow_private=False)
    assert blocked_reason(ip) is None


@pytest.mark.parametrize(
    ("ip", "allow", "blocked"),
    [
        ("127.0.0.1", ["127.0.0.1"], False),
        ("127.0.0.2", ["127.0.0.1"], True),
        ("10.1.2.3", ["10.0.0.0/8"], False),
        ("::ffff:10.1.2.3", ["10.0.0.0/8"], False),
        ("192.168.0.1", ["10.0.0.0/8"], True),
        ("fd00::5", ["fd00::/8"], False),
        ("169.254.169.254", ["10.0.0.0/8", "fd00::/8"], True),
    ],
)
def test_allow_networks(ip: str, allow: list[str], blocked: bool) -> None:
    assert (blocked_reason(ip, allow_networks=allow) is not None) is blocked


class Recording(httpcore.AsyncNetworkBackend):
    """Wraps the real backend and notes which host each connection was opened to."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.hosts: list[str] = []

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        self.hosts.append(host)
        return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise NotImplementedError

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def test_backend_connects_to_the_checked_ip_not_the_name() -> None:
    async def go(port: int) -> list[str]:
        recording = Recording()
        backend = GuardedBackend(allow_networks=["127.0.0.0/8", "::1"], inner=recording)
        stream = await backend.connect_tcp("localhost", port, timeout=5)
        await stream.aclose()
        return recording.hosts

    with serve(lambda r: text("ok")) as server:
        hosts = asyncio.run(go(server.port))
    # the name was resolved and checked once; the socket went to the literal address
    assert hosts and hosts[-1] == "127.0.0.1"
    assert "localhost" not in hosts


def test_backend_refuses_without_connecting() -> None:
    async def go(port: int) -> list[str]:
        recording = Recording()
        backend = GuardedBackend(inner=recording)
        with pytest.raises(BlockedAddressError, match="loopback"):
            await backend.connect_tcp("localhost", port, timeout=5)
        with pytest.raises(BlockedAddressError):
            await backend.connect_unix_socket("/var/run/docker.sock")
        return recording.hosts

    with serve(lambda r: text("ok")) as server:
        assert asyncio.run(go(server.port)) == []
        assert server.requests == []


def test_unresolvable_host_is_a_connect_error() -> None:
    async def go() -> None:
        await GuardedBackend().connect_tcp("no-such-host.invalid", 80, timeout=5)

    with pytest.raises(httpcore.ConnectError, match="could not resolve"):
        asyncio.run(go())


def test_guarded_transport_in_a_plain_httpx_client() -> None:
    async def get(url: str, **guard: object) -> httpx.Response:
        transport = guarded_transport(**guard)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.get(url)

    with serve(lambda r: text("hello")) as server:
        with pytest.raises(BlockedAddressError):
            asyncio.run(get(server.url(), allow_private=False))
        assert server.requests == []
        assert asyncio.run(get(server.url(), allow_private=True)).text == "hello"
        allowed = asyncio.run(get(server.url(), allow_private=False,
                                  allow_networks=["127.0.0.1/32"]))
        assert allowed.text == "hello"
        # redirects followed by httpx itself go through the same guard
        assert len(server.requests) == 2


def test_guarded_transport_follows_httpx_redirects_through_the_guard() -> None:
    with serve(lambda r: text("secret")) as inner:
        hop = {"/": lambda r: redirect(inner.url("/"))}
        with serve(hop, host="127.0.0.2") as outer:
            async def go() -> None:
                transport = guarded_transport(allow_private=False,
                                              allow_networks=["127.0.0.2"])
                async with httpx.AsyncClient(transport=transport,
                                             follow_redirects=True) as client:
                    await client.get(outer.url("/"))

            with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.1"):
                asyncio.run(go())
            assert len(outer.requests) == 1
            assert inner.requests == []


def test_proxy_cannot_be_combined_with_the_guard() -> None:
    with pytest.raises(ValueError, match="proxy"):
        guarded_transport(allow_private=False, proxy="http://127.0.0.1:3128")
    with pytest.raises(ValueError):
        GuardedBackend(allow_networks=["not a network"])


def test_transports_share_one_tls_context_unless_given_their_own() -> None:
    """Every transport without ``verify`` uses the process's one default context (building
    one reads the CA bundle); one given its own context uses that."""
    import ssl

    plain = guarded_transport(allow_private=True)
    guarded = guarded_transport(allow_private=False)
    shared = plain._pool._ssl_context  # type: ignore[attr-defined]  # white-box: the pool holds it
    assert isinstance(shared, ssl.SSLContext)
    assert shared.verify_mode == ssl.CERT_REQUIRED and shared.check_hostname
    assert guarded._pool._ssl_context is shared  # type: ignore[attr-defined]
    own = ssl.create_default_context()
    assert guarded_transport(allow_private=False, verify=own)._pool._ssl_context is own  # type: ignore[attr-defined]


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
@pytest.mark.parametrize("guard", [{"allow_private": True},
                                   {"allow_private": False, "allow_networks": ["127.0.0.1"]}],
                         ids=["plain", "guarded"])
def test_kept_alive_connections_are_reused_and_one_the_server_closed_is_not(
        guard: dict[str, object], tls: bool, tls_cert: tuple[Path, Path]) -> None:
    """Both transports keep connections alive, with or without TLS; one the server closed
    while it was idle (without saying so: an idle timeout) is noticed, and the next request
    opens another instead of failing on the dead one."""
    import socket
    import ssl
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    answered: list[int] = []  # the connection (by order of accepting) of each answer
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(*tls_cert)

    def serve_two_per_connection_then_close() -> None:
        for n in range(3):
            plain, _ = listener.accept()
            conn = server_tls.wrap_socket(plain, server_side=True) if tls else plain
            with conn:
                for _ in range(2):
                    data = b""
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    if not data:
                        break
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                    answered.append(n)
            # closed here, after two answers, with nothing said about it

    thread = threading.Thread(target=serve_two_per_connection_then_close, daemon=True)
    thread.start()

    async def five() -> list[str]:
        trust = ssl.create_default_context(cafile=str(tls_cert[0]))
        transport = guarded_transport(**guard, verify=trust)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport) as client:
            texts = []
            for _ in range(5):
                scheme = "https" if tls else "http"
                texts.append((await client.get(f"{scheme}://127.0.0.1:{port}/")).text)
                await asyncio.sleep(0.1)  # the server closes meanwhile, after every second
            return texts

    try:
        assert asyncio.run(five()) == ["ok"] * 5
    finally:
        listener.close()
        thread.join(timeout=5)
    assert answered == [0, 0, 1, 1, 2]
