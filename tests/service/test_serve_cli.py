"""``image2music serve``: options, the missing-extra message, and a real server on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from image2music.cli.main import build_cli
from tests.conftest import need
from tests.service.conftest import need_web

runner = CliRunner()


def test_serve_help_lists_options() -> None:
    result = runner.invoke(build_cli(), ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers", "--results-dir", "--max-upload-mb"):
        assert option in result.stdout


def test_without_fastapi_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fastapi", None)
    result = runner.invoke(build_cli(), ["serve"])
    assert result.exit_code == 1
    assert "The web app needs the 'fastapi' package" in result.stderr
    assert "pip install 'image2music[web]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args", [["--workers", "0"], ["--port", "0"], ["--max-upload-mb", "0"], ["--result-ttl", "0"]]
)
def test_bad_settings_exit_2(args: list[str]) -> None:
    need_web()
    result = runner.invoke(build_cli(), ["serve", *args])
    assert result.exit_code == 2
    assert "error:" in result.stderr


def test_cli_and_package_do_not_import_fastapi() -> None:
    code = (
        "import sys, image2music, image2music.cli.main as m; m.build_cli();"
        "import image2music.service.settings, image2music.service.results;"
        "print(sorted({n.split('.')[0] for n in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = set(json.loads(out.stdout.strip().replace("'", '"')))
    assert not loaded & {"fastapi", "starlette", "uvicorn", "pydantic", "numpy"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_on_loopback(tmp_path: Path) -> None:
    need_web()
    need("uvicorn")
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "image2music", "serve", "--port", str(port), "--workers", "1",
         "--results-dir", str(tmp_path / "results")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    body = json.load(r)
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the server did not answer"
        assert body["status"] == "ok" and body["workers"] == 1
        assert (tmp_path / "results").is_dir()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert b"http://127.0.0.1:" in out
