"""The web application: :func:`create_app` builds it from :class:`ServiceSettings`.

There is no module-level app: each call makes a fresh one with its own
results folder, compose pool and expiry sweeper (started by the app's
lifespan, so run it under a server or ``with TestClient(app)``).

Routes: the page at ``/`` (files under ``/static``), the API under ``/api``
(:mod:`.routes`), the OpenAPI schema at ``/openapi.json`` and its reference
page at ``/docs``, drawn by the app's own script (FastAPI's default pages
load Swagger UI from a CDN, and this app works offline).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from image2music.service.errors import describe_error, install_error_handlers
from image2music.service.job_registry import JobRegistry
from image2music.service.jobs import ComposeJobs
from image2music.service.middleware import (
    BodyLimitMiddleware,
    BodyTimeoutMiddleware,
    SecurityHeadersMiddleware,
)
from image2music.service.results import ResultStore
from image2music.service.routes import ServiceState, router
from image2music.service.settings import ServiceSettings, usable_formats
from image2music.service.uploads import describe_size
from image2music.version import __version__

__all__ = ["STATIC_DIR", "create_app"]

#: The page's files: HTML, script and style sheet, no build step.
STATIC_DIR = Path(__file__).resolve().parent / "static"

#: Room in a request body for the form's option fields and multipart framing.
_FORM_OVERHEAD_BYTES = 256 * 1024

_log = logging.getLogger("image2music.service")

_DESCRIPTION = """Upload a picture, get music that fits its mood.

`POST /api/compose` takes a multipart form with the picture in `image` and the
same options as `image2music compose`; it answers with the JSON report and the
URLs of the files (MIDI, audio, MusicXML, piano roll, report), which stay for
a limited time. Every error is JSON: `{"error": {"code": ..., "message": ...}}`.
"""


async def _sweep_forever(store: ResultStore, interval: float) -> None:
    while True:
        try:
            removed = await asyncio.to_thread(store.sweep)
        except Exception:  # never let the sweeper die
            _log.exception("sweeping expired results failed")
        else:
            if removed:
                _log.info("deleted %d expired result(s)", removed)
        await asyncio.sleep(interval)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """Build the web application.

    Args:
        settings: How to run (default: :class:`ServiceSettings` defaults).

    Returns:
        A FastAPI application, ready for uvicorn or FastAPI's ``TestClient``.
    """
    settings = settings or ServiceSettings()
    store = ResultStore(
        settings.results_dir, settings.result_ttl_sec, max_bytes=settings.max_results_bytes
    )
    jobs = ComposeJobs(
        settings.workers,
        settings.max_pending,
        processes=settings.processes,
        soundfont=settings.soundfont,
    )
    registry = JobRegistry(settings.result_ttl_sec, describe_error)
    state = ServiceState(settings, store, jobs, usable_formats(settings.formats), registry)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        interval = min(settings.sweep_interval_sec, settings.result_ttl_sec)
        sweeper = asyncio.create_task(_sweep_forever(store, interval))
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            jobs.shutdown()

    app = FastAPI(
        title="image2music",
        version=__version__,
        description=_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = state
    install_error_handlers(app)
    app.include_router(router)
    app.add_middleware(
        BodyLimitMiddleware,
        limit=settings.max_upload_bytes + _FORM_OVERHEAD_BYTES,
        message=f"the picture is larger than the limit of "
        f"{describe_size(settings.max_upload_bytes)}",
    )
    app.add_middleware(
        BodyTimeoutMiddleware, total_sec=settings.body_timeout_sec, idle_sec=settings.body_idle_sec
    )
    app.add_middleware(SecurityHeadersMiddleware)

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        return FileResponse(STATIC_DIR / "docs.html", headers={"Cache-Control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
