"""Run the web app with uvicorn: bind first, time out slow clients, then say where it is."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from image2music.errors import ConfigError, OutputError
from image2music.service.settings import ServiceSettings

if TYPE_CHECKING:
    import asyncio

__all__ = ["bind", "run"]

#: What a client that is too slow with its headers gets before it is disconnected.
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s"
)
_TIMEOUT_BODY = (
    b'{"error":{"code":"timeout","message":"the request headers were not sent in time"}}'
)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host`` and ``port``, IPv4 or IPv6.

    ``host`` may be a name (``localhost``), an IPv4 address or an IPv6 address
    with or without brackets (``::1``, ``[::1]``).

    Raises:
        ConfigError: If the address is not one this computer has or can resolve.
        OutputError: If the port is taken or may not be used.
    """
    name = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        infos = socket.getaddrinfo(
            name or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (socket.gaierror, UnicodeError) as e:
        raise ConfigError(f"cannot listen on {host!r}: not an address of this computer") from e
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as e:
        sock.close()
        raise OutputError(f"cannot listen on {host} port {port}: {e.strerror or e}") from e
    sock.set_inheritable(True)
    return sock


def _protocol_with_header_timeout(seconds: float) -> type[Any]:
    """Uvicorn's h11 protocol, closing connections whose headers are too slow.

    uvicorn times out idle keep-alive connections but not a request whose
    headers trickle in; this timer runs from the connection (and again from
    the end of each response) until a request's headers are complete.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None
        _waiting_for: object = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._waiting_for = self.cycle
            self._header_timer = self.loop.call_later(seconds, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not self._waiting_for:  # a request's headers are complete
                self._disarm()

        def on_response_complete(self) -> None:
            if self.conn.their_state not in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED):
                # Answered before the whole request arrived (413, 408, a bad
                # body): the rest will not be read, so end the connection.
                self.transport.close()
            super().on_response_complete()
            idle = self.cycle is None or self.cycle.response_complete  # no pipelined request
            if idle and not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _too_slow(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                body = _TIMEOUT_BODY
                self.transport.write(_TIMEOUT_RESPONSE % (len(body), body))
                self.transport.close()

    return HeaderTimeoutProtocol


def run(
    settings: ServiceSettings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve the app until interrupted.

    The address is bound before anything else, so a taken port is a clear
    error; ``on_ready`` runs only once the server accepts connections.

    Args:
        settings: The service's settings (its timeouts apply to every connection).
        host: Address to listen on (default: loopback only).
        port: TCP port.
        on_ready: Called once the server is listening.

    Raises:
        ConfigError: If the host is not an address of this computer.
        OutputError: If the port cannot be used or the results folder cannot
            be created.
    """
    import uvicorn

    from image2music.service.app import create_app

    sock = bind(host, port)
    try:
        app = create_app(settings)
        config = uvicorn.Config(
            app,
            log_level="info",
            access_log=True,
            http=_protocol_with_header_timeout(settings.header_timeout_sec),
            timeout_keep_alive=5,
        )

        class Server(uvicorn.Server):
            async def startup(self, sockets: list[socket.socket] | None = None) -> None:
                await super().startup(sockets)
                if self.started and on_ready is not None:
                    on_ready()

        Server(config).run(sockets=[sock])
    finally:
        sock.close()
