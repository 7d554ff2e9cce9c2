"""ASGI middleware: request-body size and time limits, and security headers."""

from __future__ import annotations

import asyncio
import json

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from image2music.service.errors import error_body

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "BodyLimitMiddleware",
    "BodyTimeoutMiddleware",
    "SecurityHeadersMiddleware",
]

#: Only the app's own origin: no CDN, fonts, analytics or frames.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit`` bytes with 413, before they are parsed.

    A ``Content-Length`` over the limit is answered at once; a body without
    one (chunked) is counted as it arrives and stopped when it passes the limit.

    Args:
        app: The wrapped application.
        limit: Largest body, in bytes.
        message: The error message for a body over the limit.
    """

    def __init__(self, app: ASGIApp, limit: int, message: str) -> None:
        self.app = app
        self.limit = limit
        self.message = message

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = self.message
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    await _send_json(send, 413, error_body("too_large", message))
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, message)
            return msg

        await self.app(scope, limited, send)


class SecurityHeadersMiddleware:
    """Add a strict Content-Security-Policy and related headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, with_headers)


async def _send_json(send: Send, status: int, body: object) -> None:
    data = json.dumps(body).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode("ascii")),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


class BodyTimeoutMiddleware:
    """Answer 408 to a client that sends its request body too slowly, and drop it.

    While a body arrives, each piece must come within ``idle_sec`` and the
    whole body within ``total_sec`` of the request's start; a trickled body
    or one shorter than its ``Content-Length`` therefore ends in bounded time.
    Once the body is complete, reads pass through untouched (they then only
    wait for the client to go away).

    Args:
        app: The wrapped application.
        total_sec: Seconds for the whole body.
        idle_sec: Longest pause between two pieces of the body, in seconds.
    """

    def __init__(self, app: ASGIApp, total_sec: float, idle_sec: float) -> None:
        self.app = app
        self.total_sec = total_sec
        self.idle_sec = idle_sec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.total_sec
        complete = False

        async def timed() -> Message:
            nonlocal complete
            if complete:
                return await receive()
            wait = min(self.idle_sec, deadline - loop.time())
            try:
                msg = await asyncio.wait_for(receive(), max(wait, 0.0))
            except TimeoutError:
                raise HTTPException(
                    408,
                    "the request was not sent in time; send it faster or in one go",
                    headers={"Connection": "close"},
                ) from None
            if msg["type"] != "http.request" or not msg.get("more_body", False):
                complete = True
            return msg

        await self.app(scope, timed, send)
