"""``image2music serve``: the web app and REST API (needs the ``web`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["is_loopback", "serve"]

# Module to import -> package to install, FastAPI first.
_WEB_PACKAGES = (
    ("fastapi", "fastapi"),
    ("uvicorn", "uvicorn"),
    ("python_multipart", "python-multipart"),
)


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; the default accepts this computer only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            help="Composes that run at once, each in a worker process; more wait in a queue."
        ),
    ] = 2,
    threads: Annotated[
        bool,
        typer.Option(
            help="Compose in threads of the server's process instead of worker processes."
        ),
    ] = False,
    results_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder for results (default: $IMAGE2MUSIC_RESULTS_DIR or"
            " ~/.cache/image2music/results).",
            show_default=False,
        ),
    ] = None,
    max_upload_mb: Annotated[
        float, typer.Option(help="Largest picture accepted, in megabytes.")
    ] = 20.0,
    soundfont: Annotated[
        Path | None,
        typer.Option(
            help="SF2 or SF3 soundfont for every compose (default: the best installed).",
            show_default=False,
        ),
    ] = None,
    result_ttl: Annotated[
        float, typer.Option(help="Seconds results are kept before they are deleted.")
    ] = 3600.0,
) -> None:
    """Start the web app: upload a picture, see its mood, hear its music (also a REST API)."""
    from rich.console import Console
    from rich.markup import escape

    from image2music.errors import ConfigError, Image2MusicError, OutputError

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        _check_web_packages()
        from image2music.service.settings import ServiceSettings, default_results_dir

        if not 0 < port < 65536:
            raise ConfigError(f"port must be 1..65535, got {port}")
        if not max_upload_mb > 0:
            raise ConfigError(f"--max-upload-mb must be > 0, got {max_upload_mb:g}")
        settings = ServiceSettings(
            soundfont=None if soundfont is None else str(soundfont),
            results_dir=results_dir or default_results_dir(),
            max_upload_bytes=round(max_upload_mb * 1_000_000),
            result_ttl_sec=result_ttl,
            workers=workers,
            processes=not threads,
        )
    except ConfigError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}")
        raise typer.Exit(2) from None
    except Image2MusicError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}")
        raise typer.Exit(1) from None

    from image2music.service.server import run

    if not is_loopback(host):
        err.print(
            f"[yellow]warning:[/] listening on {host}: anyone who can reach this address can"
            " use the app (there is no login)"
        )

    def ready() -> None:
        err.print(f"image2music: open http://{_url_host(host)}:{port}/ (API reference at /docs)")

    try:
        run(settings, host=host, port=port, on_ready=ready)
    except (ConfigError, OutputError) as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}")
        raise typer.Exit(2) from None
    except Image2MusicError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}")
        raise typer.Exit(1) from None


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this computer.

    ``localhost``, any address in 127.0.0.0/8 and ``::1`` (with or without
    brackets) are loopback; names other than ``localhost`` are not trusted.
    """
    import ipaddress

    name = host.strip("[]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _check_web_packages() -> None:
    """Import the web packages once, or say which extra to install.

    Raises:
        MissingDependencyError: If FastAPI, uvicorn or python-multipart is missing.
    """
    import importlib

    from image2music.errors import MissingDependencyError

    for module, package in _WEB_PACKAGES:
        try:
            importlib.import_module(module)
        except ImportError as e:
            raise MissingDependencyError(package, "web", "The web app") from e


def _url_host(host: str) -> str:
    name = host.strip("[]")
    if name in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{name}]" if ":" in name else name
