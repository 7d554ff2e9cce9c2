"""Every error of the web API as JSON: ``{"error": {"code": ..., "message": ...}}``.

======  ====================  ==============================================
status  code                  when
======  ====================  ==============================================
400     ``no_file``           no picture in the request's ``image`` field
400     ``empty_file``        the picture has no bytes
400     ``bad_option``        an option is invalid (``ConfigError``) or malformed
404     ``not_found``         unknown or expired result id or file, or any other path
405     ``method_not_allowed``  wrong HTTP method
408     ``timeout``           the request's headers or body came too slowly
413     ``too_large``         the upload is larger than the limit, in bytes or pixels
415     ``unsupported_type``  the bytes are not a supported picture type
422     ``bad_image``         a supported type, but truncated or corrupt
500     ``compose_failed``    a stage of composing failed
501     ``unavailable``       an output needs a package that is not installed
503     ``busy``              too many composes are waiting
507     ``storage_full``      the results' disk budget (or disk) is used up
======  ====================  ==============================================

Messages are one line of at most :data:`MAX_MESSAGE_CHARS` characters, and
never show the server's folders.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from image2music.errors import ConfigError, Image2MusicError, ImageError, MissingDependencyError
from image2music.service.jobs import BusyError, JobCancelledError
from image2music.service.results import ResultNotFoundError, StoreFullError

if TYPE_CHECKING:
    from fastapi import FastAPI, Request

__all__ = [
    "MAX_MESSAGE_CHARS",
    "ApiError",
    "describe_error",
    "error_body",
    "install_error_handlers",
]

_log = logging.getLogger("image2music.service")

#: Longest error message sent, in characters (longer ones are cut with "…").
MAX_MESSAGE_CHARS = 300

_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    408: "timeout",
    413: "too_large",
    415: "unsupported_type",
    422: "bad_image",
    500: "internal",
    503: "busy",
    507: "storage_full",
}


class ApiError(Exception):
    """An error the API reports as it is.

    Args:
        status: HTTP status code.
        code: Short machine-readable code.
        message: One line for a person.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON body of an error; the message is made one line and cut to length."""
    text = " ".join(message.split())
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return {"error": {"code": code, "message": text}}


#: Error types the API describes, most specific first: (type, HTTP status, code).
_DESCRIBED: tuple[tuple[type[Exception], int, str], ...] = (
    (ImageError, 422, "bad_image"),
    (ConfigError, 400, "bad_option"),
    (MissingDependencyError, 501, "unavailable"),
    (StoreFullError, 507, "storage_full"),
    (JobCancelledError, 499, "client_gone"),
    (BusyError, 503, "busy"),
    (Image2MusicError, 500, "compose_failed"),
    (ResultNotFoundError, 404, "not_found"),
)


def describe_error(exc: BaseException) -> tuple[int, str, str]:
    """The HTTP status, code and one-line message of an error (the table above).

    The same for a request's error and a job's (``GET /api/jobs/{id}``).
    """
    text = " ".join(str(exc).split())
    found: tuple[int, str, str] = (500, "internal", "internal error; see the server's log")
    if isinstance(exc, ApiError):
        found = (exc.status, exc.code, exc.message)
    else:
        for kind, status, code in _DESCRIBED:  # the first that fits: subclasses come first
            if isinstance(exc, kind):
                found = (status, code, text or code.replace("_", " "))
                break
    status, code, message = found
    return status, code, error_body(code, message)["error"]["message"]


def _json(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> Any:
    return JSONResponse(error_body(code, message), status_code=status, headers=dict(headers or {}))


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or "request"
        parts.append(f"{field}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is malformed"


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers that turn every error into the JSON shape above."""

    async def described(_: Request, exc: Exception) -> Any:
        status, code, message = describe_error(exc)
        if code == "compose_failed":
            _log.warning("compose failed: %s", exc)
        elif code == "storage_full":
            _log.warning("results not stored: %s", exc)
        elif code == "client_gone":
            _log.info("compose stopped: %s", exc)
        retry = {"busy": "30", "storage_full": "300"}.get(code)
        return _json(status, code, message, headers={"Retry-After": retry} if retry else None)

    async def validation(_: Request, exc: Exception) -> Any:
        assert isinstance(exc, RequestValidationError)
        return _json(400, "bad_option", _validation_message(exc))

    async def http_error(_: Request, exc: Exception) -> Any:
        assert isinstance(exc, StarletteHTTPException)
        code = _CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return _json(exc.status_code, code, message, headers=exc.headers)

    async def unexpected(_: Request, exc: Exception) -> Any:
        _log.exception("unexpected error", exc_info=exc)
        return _json(500, "internal", "internal error; see the server's log")

    handled: list[type[Exception]] = [ApiError, *(kind for kind, _, _ in _DESCRIBED)]
    for kind in handled:
        app.add_exception_handler(kind, described)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)
