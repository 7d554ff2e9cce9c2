"""Fixtures of the web service tests: settings in a temporary folder, a client, pictures."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import need

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"

#: Fast formats for tests that do not look at audio, lead sheet or piano roll.
FAST_FORMATS = ("mid", "json")


def need_web() -> None:
    """Skip (fail under IMAGE2MUSIC_STRICT_DEPS=1) without the web packages."""
    need("fastapi", "the web app")
    need("python_multipart", "the web app's form parsing")
    need("httpx", "FastAPI's test client")


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """Build a started client; keyword arguments override the settings."""
    need_web()
    from fastapi.testclient import TestClient

    from image2music.service.app import create_app
    from image2music.service.settings import ServiceSettings

    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        fields: dict[str, Any] = {
            "results_dir": tmp_path / "results",
            "formats": FAST_FORMATS,
            "processes": False,  # threads: tests patch the pipeline in this process
        }
        fields.update(overrides)
        client = TestClient(create_app(ServiceSettings(**fields)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """A client with the fast formats."""
    return make_client()


def png_bytes(
    width: int = 64, height: int = 48, colour: tuple[int, int, int] = (200, 120, 40)
) -> bytes:
    """A small PNG: a warm gradient."""
    from PIL import Image

    im = Image.new("RGB", (width, height), colour)
    for x in range(width):
        for y in range(0, height, 4):
            im.putpixel((x, y), (colour[0], (colour[1] + 2 * x) % 256, colour[2]))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def small_png() -> bytes:
    """A 64 x 48 PNG."""
    return png_bytes()


def post_picture(
    client: TestClient, data: bytes, name: str = "picture.png", mime: str = "image/png", **form: str
) -> Any:
    """POST /api/compose with one picture and form fields."""
    return client.post("/api/compose", files={"image": (name, data, mime)}, data=form)
