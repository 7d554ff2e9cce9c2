"""One options spec: the API, the CLI and the web service agree on every default."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import image2music
from image2music.cli.main import build_cli, compose
from image2music.options import (
    ComposeOptions,
    compose_option_specs,
    options_from,
    web_option_specs,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"


def test_spec_covers_every_option_once() -> None:
    specs = compose_option_specs()
    assert sorted(s.field for s in specs) == sorted(f.name for f in fields(ComposeOptions))
    assert len({s.cli for s in specs}) == len(specs) == len({s.web for s in specs})
    assert options_from({}, adapter="cli") == ComposeOptions() == options_from({}, adapter="web")


def test_cli_parameters_come_from_the_spec() -> None:
    params = inspect.signature(compose).parameters
    for spec in compose_option_specs():
        p = params[spec.cli]
        if spec.negated:
            assert p.default is False
        elif spec.optional:
            assert p.default is None
        else:
            assert p.default == spec.default
    text = CliRunner().invoke(build_cli(), ["compose", "--help"], terminal_width=200).output
    assert "learned|colour" in text and "network|baseline" in text and "4|8|16" in text


def test_form_and_openapi_come_from_the_spec(client: Any) -> None:
    schema = client.get("/openapi.json").json()
    bodies = schema["components"]["schemas"]
    form = next(v for k, v in bodies.items() if k.startswith("Body_compose"))["properties"]
    assert "soundfont" not in form  # a server file: the service's settings choose it
    for spec in web_option_specs():
        prop = form[spec.web]
        if spec.choices:
            assert prop["enum"] == list(spec.choices), spec.web
        if not spec.optional:
            assert prop["default"] == spec.default, spec.web
    listed = {o["name"]: o for o in client.get("/api/options").json()["options"]}
    assert listed["melody"]["default"] == "network" and listed["emotion"]["default"] == "learned"
    assert listed["bars"]["default"] == 8 and listed["bars"]["choices"] == [4, 8, 16]


def test_api_cli_and_web_give_the_same_music(
    tmp_path: Path, make_client: Callable[..., Any]
) -> None:
    api = image2music.compose(EXAMPLE)

    out = tmp_path / "cli"
    result = CliRunner().invoke(
        build_cli(), ["compose", str(EXAMPLE), "-o", str(out), "--format", "mid,json", "-q"]
    )
    assert result.exit_code == 0, result.output
    cli_report = json.loads((out / "photo.json").read_text())
    cli_midi = (out / "photo.mid").read_bytes()

    client = make_client()
    with EXAMPLE.open("rb") as fh:
        response = client.post("/api/compose", files={"image": ("photo.jpg", fh, "image/jpeg")})
    assert response.status_code == 200, response.text
    body = response.json()
    web_midi = client.get(body["files"]["mid"]).content
    web_report = {k: v for k, v in body.items() if k not in ("id", "files", "expires_at")}

    assert api.report["models"]["melody"]["name"] == "network-melody"
    assert api.report["models"]["emotion"]["name"] == "learned"
    assert cli_report == api.report
    assert web_report == api.report
    assert cli_midi == api.midi == web_midi
