"""Faults of the web service: slow and vanishing clients, long values, full disks, odd hosts."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need
from tests.faults.conftest import EXAMPLE, cannot_provoke
from tests.service.conftest import need_web, png_bytes, post_picture

_SERVE = """
import sys
from pathlib import Path
from image2music.service.server import run
from image2music.service.settings import ServiceSettings

settings = ServiceSettings(
    results_dir=Path(sys.argv[1]), workers=1, formats=("mid", "wav", "flac", "json"),
    header_timeout_sec=1.0, body_timeout_sec=3.0, body_idle_sec=1.0,
)
run(settings, host=sys.argv[2], port=int(sys.argv[3]), on_ready=lambda: print("READY", flush=True))
"""


def _free_port(host: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((host.strip("[]"), 0))
        return int(s.getsockname()[1])


class Server:
    """A real uvicorn server in a subprocess, with one-second timeouts."""

    def __init__(self, results: Path, host: str = "127.0.0.1") -> None:
        self.host, self.port, self.results = host, _free_port(host), results
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(results), host, str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.strip() == "READY", "the server did not start"

    def connect(self) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout=10)

    def health(self) -> dict[str, Any]:
        url = f"http://{self.host}:{self.port}/api/health"
        with urllib.request.urlopen(url, timeout=10) as r:
            body: dict[str, Any] = json.load(r)
        return body

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    need_web()
    need("uvicorn")
    srv = Server(tmp_path / "results")
    try:
        yield srv
    finally:
        srv.stop()


def _closed_within(sock: socket.socket, seconds: float) -> bytes:
    """Everything the server sent until it closed the connection (fails if it did not)."""
    sock.settimeout(seconds)
    got = b""
    try:
        while chunk := sock.recv(4096):
            got += chunk
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for {seconds} s")
    return got


def test_trickled_headers_are_cut_off(server: Server) -> None:
    socks = [server.connect() for _ in range(50)]
    start = time.monotonic()
    for s in socks:
        s.sendall(b"POST /api/compose HTTP/1.1\r\nHost: x\r\n")
    for _ in range(4):  # keep trickling, a header line every 0.3 s
        time.sleep(0.3)
        for s in socks:
            with contextlib.suppress(OSError):
                s.sendall(b"X-A: b\r\n")
    answers = [_closed_within(s, 5) for s in socks]
    assert time.monotonic() - start < 6
    assert all(a.startswith(b"HTTP/1.1 408") for a in answers)
    assert server.health()["status"] == "ok"


def test_a_body_shorter_than_its_length_is_cut_off(server: Server) -> None:
    s = server.connect()
    s.sendall(
        b"POST /api/compose HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
        b"boundary=B\r\nContent-Length: 100000\r\n\r\n--B\r\n"
    )
    answer = _closed_within(s, 5)
    assert answer.startswith(b"HTTP/1.1 408") and b'"timeout"' in answer


def test_a_trickled_body_is_cut_off(server: Server) -> None:
    s = server.connect()
    s.sendall(
        b"POST /api/compose HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
        b"boundary=B\r\nContent-Length: 100000\r\n\r\n--B\r\nContent-Disposition: form-data; "
        b'name="image"; filename="p.png"\r\n\r\n'
    )
    start = time.monotonic()
    try:
        while time.monotonic() - start < 6:  # a byte every half second: never idle for 1 s
            s.sendall(b"x")
            time.sleep(0.5)
    except OSError:
        pass
    assert time.monotonic() - start < 5  # the 3 s body deadline ended it
    assert _closed_within(s, 5).startswith(b"HTTP/1.1 408")


def _multipart(data: bytes, fields: dict[str, str]) -> bytes:
    parts = [
        f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        b'--B\r\nContent-Disposition: form-data; name="image"; filename="p.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + data + b"\r\n--B--\r\n"
    )
    return b"".join(parts)


def test_a_client_that_leaves_gets_its_compose_stopped(server: Server) -> None:
    body = _multipart(png_bytes(), {"bars": "16", "duration": "120"})
    s = server.connect()
    s.sendall(
        b"POST /api/compose HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B"
        b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    deadline = time.monotonic() + 30
    while server.health()["in_flight"] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    s.close()  # gone while its music is being made
    while server.health()["in_flight"] and time.monotonic() < deadline + 60:
        time.sleep(0.1)
    assert server.health()["in_flight"] == 0
    leftovers = list(server.results.iterdir())
    assert leftovers == [], "a result was kept for a client that had gone"


def test_the_ready_line_comes_only_after_the_bind(server: Server) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "image2music", "serve", "--port", str(server.port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "open http" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and re.fullmatch(
        rf"error: cannot listen on 127\.0\.0\.1 port {server.port}: .*in use.*", lines[0]
    ), done.stderr


@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_ipv6_loopback_serves(tmp_path: Path, host: str) -> None:
    need_web()
    need("uvicorn")
    try:
        _free_port("::1")
    except OSError as e:
        cannot_provoke(f"this machine has no IPv6 loopback ({e})")
    srv = Server(tmp_path / "results", host=host)
    try:
        url = f"http://[::1]:{srv.port}/api/health"
        with urllib.request.urlopen(url, timeout=10) as r:
            assert json.load(r)["status"] == "ok"
    finally:
        srv.stop()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_loopback_is_recognised(host: str, loopback: bool) -> None:
    from image2music.cli.serve_cmd import is_loopback

    assert is_loopback(host) is loopback


# The rest run in-process through FastAPI's test client.


@pytest.fixture
def web(make_client: Callable[..., Any]) -> Callable[..., Any]:
    return make_client


def test_errors_name_the_uploaded_file(web: Callable[..., Any]) -> None:
    r = post_picture(web(), png_bytes()[:60], name="holiday.png")
    assert r.status_code == 422
    message = r.json()["error"]["message"]
    assert message.startswith("holiday.png: ") and "<stream>" not in message


@pytest.mark.parametrize("field", ["style", "tempo", "key", "formats", "instruments", "seed"])
def test_long_values_are_refused_without_echo(web: Callable[..., Any], field: str) -> None:
    r = post_picture(web(max_option_chars=50), png_bytes(), **{field: "Q" * 100_000})
    assert r.status_code == 400
    message = r.json()["error"]["message"]
    assert "QQQQ" not in message and len(message) < 120
    if field not in ("tempo", "seed"):  # numbers fail to parse before their length counts
        assert "100000 characters (at most 50)" in message


def test_a_full_results_disk_is_507_without_server_paths(
    web: Callable[..., Any], small_disk: Path
) -> None:
    client = web(results_dir=small_disk, formats=("mid", "wav"))
    r = post_picture(client, png_bytes())
    assert r.status_code == 507, r.text
    assert r.json()["error"]["code"] == "storage_full"
    assert str(small_disk) not in r.text and "/" not in r.json()["error"]["message"]
    assert [p.name for p in small_disk.iterdir()] == []


def test_the_results_budget_is_kept(web: Callable[..., Any], tmp_path: Path) -> None:
    client = web(max_results_bytes=1)
    assert post_picture(client, png_bytes()).status_code == 200  # empty store: room
    r = post_picture(client, png_bytes())
    assert r.status_code == 507 and r.headers["Retry-After"]
    assert len(list((tmp_path / "results").iterdir())) == 1


def test_too_many_pixels_is_413_before_decoding(web: Callable[..., Any]) -> None:
    r = post_picture(web(max_pixels=1000), png_bytes(64, 48))
    assert r.status_code == 413
    assert "64 x 48" in r.json()["error"]["message"]


def test_an_example_photo_still_composes(web: Callable[..., Any]) -> None:
    r = post_picture(web(), EXAMPLE.read_bytes(), name="photo.jpg", mime="image/jpeg")
    assert r.status_code == 200 and r.json()["image"]["name"] == "photo.jpg"
