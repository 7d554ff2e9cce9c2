"""Run the web app with uvicorn."""

from __future__ import annotations

from collections.abc import Callable

from image2music.service.settings import ServiceSettings

__all__ = ["run"]


def run(
    settings: ServiceSettings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve the app until interrupted.

    One process; composing runs in the app's own pool of ``settings.workers``
    threads.

    Args:
        settings: The service's settings.
        host: Address to listen on (default: loopback only).
        port: TCP port.
        on_ready: Called once the app is built, before the server starts.

    Raises:
        OutputError: If the results folder cannot be created.
    """
    import uvicorn

    from image2music.service.app import create_app

    app = create_app(settings)
    if on_ready is not None:
        on_ready()
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True)
