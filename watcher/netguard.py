"""SSRF guard for httpx: refuse to connect to loopback, private and other non-public addresses.

The check happens where the connection is made, not on the URL: a custom httpcore network
backend resolves the host name itself, checks every address and connects to the checked IP
(TLS still uses the host name for SNI and certificate checks). A DNS answer cannot change
between the check and the connect (no rebinding gap), and every redirect hop goes through
the same backend.

    async with httpx.AsyncClient(transport=guarded_transport(allow_private=False)) as client:
        ...
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import select
import socket
import ssl
import typing
from collections.abc import Iterable, Sequence

import anyio
import httpcore
import httpx

from watcher.errors import BlockedAddressError

log = logging.getLogger("watcher.netguard")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Explicit table, most specific reasons first. Python's ipaddress flags are used as a safety
# net afterwards, but their exact coverage has changed between Python releases.
_BLOCKED_V4: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "unspecified"),
    ("127.0.0.0/8", "loopback"),
    ("10.0.0.0/8", "private network"),
    ("172.16.0.0/12", "private network"),
    ("192.168.0.0/16", "private network"),
    ("100.64.0.0/10", "carrier-grade NAT"),
    ("169.254.0.0/16", "link-local, cloud metadata"),
    ("192.0.0.0/24", "reserved"),
    ("192.0.2.0/24", "documentation"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
)
_BLOCKED_V6: tuple[tuple[str, str], ...] = (
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/8", "reserved"),            # incl. IPv4-compatible ::a.b.c.d (mapped: handled first)
    ("64:ff9b:1::/48", "private network"),
    ("100::/64", "reserved"),
    ("2001::/32", "reserved"),       # Teredo tunnels hide their real IPv4 target
    ("2001:db8::/32", "documentation"),
    ("fc00::/7", "private network"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "private network"),
    ("ff00::/8", "multicast"),
)
_V4_TABLE = tuple((ipaddress.IPv4Network(net), why) for net, why in _BLOCKED_V4)
_V6_TABLE = tuple((ipaddress.IPv6Network(net), why) for net, why in _BLOCKED_V6)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def blocked_reason(ip: str, *, allow_networks: Iterable[str] = ()) -> str | None:
    """Why ``ip`` must not be reached, or None when it is a public address.

    ``allow_networks`` (addresses or CIDR networks) are permitted even when not public, e.g.
    an intranet feed server. Addresses embedding an IPv4 address (IPv4-mapped, 6to4, NAT64)
    are judged by that IPv4 address.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "not an IP address"
    allowed = _networks(allow_networks)
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            address = ipaddress.IPv6Address(int(address))  # drop the %zone
            candidates = [address]
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            candidates = [embedded]  # the IPv4 address actually reached
    for candidate in candidates:
        if any(candidate.version == net.version and candidate in net for net in allowed):
            return None
    for candidate in candidates:
        reason = _reason(candidate)
        if reason is not None:
            return reason
    return None


def check_address(ip: str, *, allow_private: bool, allow_networks: Iterable[str] = ()) -> None:
    """Raise :class:`BlockedAddressError` unless ``ip`` may be connected to."""
    if allow_private:
        return
    reason = blocked_reason(ip, allow_networks=allow_networks)
    if reason is not None:
        raise BlockedAddressError(ip, reason)


def guarded_transport(*, allow_private: bool, allow_networks: Sequence[str] = (),
                      **transport_kwargs: typing.Any) -> httpx.AsyncBaseTransport:
    """An httpx transport that only connects to public addresses (unless ``allow_private``).

    ``transport_kwargs`` go to :class:`httpx.AsyncHTTPTransport` (``limits``, ``http2``,
    ``verify``, ``retries``, ...). Proxies and Unix sockets are refused with the guard on,
    since the guard could not see the final destination. Without ``verify``, every transport
    shares one default TLS context (each new one reads the CA bundle again: tens of ms).
    """
    if "verify" not in transport_kwargs:
        transport_kwargs["verify"] = default_tls_context()
    detour = [o for o in ("proxy", "uds") if transport_kwargs.get(o) is not None]
    if allow_private:
        if detour:  # httpx's own transport knows proxies and Unix sockets
            return httpx.AsyncHTTPTransport(**transport_kwargs)
        return _PoolTransport(backend=StreamBackend(), **transport_kwargs)
    if detour:
        raise ValueError(f"{detour[0]!r} cannot be combined with the address guard")
    return _PoolTransport(backend=GuardedBackend(allow_networks=tuple(allow_networks)),
                          **transport_kwargs)


@functools.cache
def default_tls_context() -> ssl.SSLContext:
    """httpx's default TLS context (certificate checks on), built once per process."""
    return httpx.create_ssl_context()


class StreamBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend (``inner``, anyio's by default), whose connections answer
    the pool's "is this idle connection still open?" cheaply (see :class:`_Stream`)."""

    def __init__(self, *, inner: httpcore.AsyncNetworkBackend | None = None):
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address,
            socket_options=socket_options))

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _Stream(httpcore.AsyncNetworkStream):
    """A connection's stream. httpcore's pool asks every idle connection whether its server
    closed it, each time a request starts or ends; anyio answers through its typed
    attributes (a table built per question, and a getpeername() call). Here the socket is
    looked up once and asked with one poll(): keeping connections alive (a 304, an alert to
    the same webhook) costs less than opening new ones, also on loopback."""

    __slots__ = ("_inner", "_sock")

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._sock: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":  # readable while idle: closed by the server (or EOF)
            sock = self._sock
            if sock is None or sock.fileno() < 0 or not hasattr(select, "poll"):
                return self._inner.get_extra_info(info)
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        return self._inner.get_extra_info(info)


class GuardedBackend(StreamBackend):
    """httpcore network backend that resolves, checks and connects to the checked address."""

    def __init__(self, *, allow_networks: Sequence[str] = (),
                 inner: httpcore.AsyncNetworkBackend | None = None):
        super().__init__(inner=inner)
        self._allow = tuple(allow_networks)
        _networks(self._allow)  # fail early on a malformed allow list

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port, timeout)
        blocked: list[tuple[str, str]] = []
        last_error: Exception | None = None
        for ip in addresses:
            reason = blocked_reason(ip, allow_networks=self._allow)
            if reason is not None:
                blocked.append((ip, reason))
                continue
            try:
                return await super().connect_tcp(
                    ip, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        if last_error is not None:
            raise last_error
        ip, reason = blocked[0]
        log.warning("refused to connect to %s: %s resolves to %s (%s)", host, host, ip, reason)
        raise BlockedAddressError(ip, reason)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError(path, "unix socket")


class _PoolTransport(httpx.AsyncHTTPTransport):
    """httpx's transport, on httpcore's pool with ``backend`` (httpx has no option for it)."""

    def __init__(
        self,
        *,
        backend: httpcore.AsyncNetworkBackend,
        verify: typing.Any = True,
        cert: typing.Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits | None = None,
        local_address: str | None = None,
        retries: int = 0,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> None:
        limits = limits if limits is not None else httpx.Limits(max_connections=100,
                                                                max_keepalive_connections=20)
        super().__init__(verify=verify, cert=cert, trust_env=trust_env, http1=http1,
                         http2=http2, limits=limits, local_address=local_address,
                         retries=retries, socket_options=socket_options)
        # the pool httpx builds, with the backend
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, cert=cert, trust_env=trust_env),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=http1,
            http2=http2,
            local_address=local_address,
            retries=retries,
            socket_options=socket_options,
            network_backend=backend,
        )


async def _resolve(host: str, port: int, timeout: float | None) -> list[str]:
    try:
        with anyio.fail_after(timeout):
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"could not resolve host {host}: {exc}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = str(sockaddr[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise httpcore.ConnectError(f"could not resolve host {host}")
    return addresses


def _reason(address: IPAddress) -> str | None:
    table = _V4_TABLE if isinstance(address, ipaddress.IPv4Address) else _V6_TABLE
    for network, why in table:
        if address in network:
            return why
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_unspecified:
        return "unspecified"
    if address.is_reserved:
        return "reserved"
    if address.is_private or not address.is_global:
        return "private network"
    return None


def _networks(specs: Iterable[str]) -> list[IPNetwork]:
    return [ipaddress.ip_network(spec, strict=False) for spec in specs]
