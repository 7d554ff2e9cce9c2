"""The REST API through FastAPI's test client: happy paths, options and bad uploads."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.service.conftest import EXAMPLE, need_web, png_bytes, post_picture

need_web()

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

ID = re.compile(r"[A-Za-z0-9_-]{22}")


def error_of(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code, body
    message = body["error"]["message"]
    assert isinstance(message, str) and message.strip() and "\n" not in message
    return message


def test_health(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["workers"] == 2
    assert body["in_flight"] == 0
    assert body["formats"] == ["mid", "json"]


def test_options_lists_choices(client: TestClient) -> None:
    body = client.get("/api/options").json()
    assert body["bars"] == [4, 8, 16]
    assert "auto" in body["styles"] and "lofi" in body["styles"]
    assert {"program": 73, "name": "Flute"} in body["instruments"]
    assert len(body["instruments"]) == 128
    assert "piano" in body["instrument_aliases"]
    assert "image/jpeg" in body["image_types"]
    assert body["max_upload_bytes"] == 20_000_000


def test_compose_small_png(client: TestClient, small_png: bytes) -> None:
    response = post_picture(client, small_png, "sunset.png", bars="4", seed="3")
    assert response.status_code == 200, response.text
    body = response.json()
    assert ID.fullmatch(body["id"])
    assert set(body["files"]) == {"mid", "json"}
    for key in ("image", "emotion", "key", "tempo_bpm", "chords", "why", "expires_at"):
        assert key in body
    assert body["bars"] == 4 and body["seed"] == 3
    assert body["image"]["name"] == "sunset.png"
    assert body["image"]["palette"][0]["hex"].startswith("#")
    assert set(body["emotion"]["categories"]) >= {"joy", "sadness"}  # the learned estimator
    assert body["files"]["mid"] == f"/api/results/{body['id']}/sunset.mid"
    midi = client.get(body["files"]["mid"])
    assert midi.status_code == 200
    assert midi.headers["content-type"] == "audio/midi"
    assert midi.content.startswith(b"MThd")
    stored = client.get(body["files"]["json"]).json()
    report = {k: v for k, v in body.items() if k not in ("id", "files", "expires_at")}
    assert stored == report


def test_compose_example_photo_with_every_web_format(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(formats=("mid", "mp3", "musicxml", "png", "json"))
    response = post_picture(client, EXAMPLE.read_bytes(), "photo.jpg", "image/jpeg", bars="4")
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body["files"]) == ["mid", "mp3", "musicxml", "png", "json"]
    assert body["image"]["format"] == "JPEG"
    assert any(e["label"] == "face" for e in body["image"]["entities"])
    expected = {
        "mid": ("audio/midi", b"MThd"),
        "mp3": ("audio/mpeg", b""),
        "musicxml": ("application/vnd.recordare.musicxml+xml", b"<?xml"),
        "png": ("image/png", b"\x89PNG"),
        "json": ("application/json", b"{"),
    }
    for fmt, url in body["files"].items():
        got = client.get(url)
        assert got.status_code == 200, fmt
        mime, magic = expected[fmt]
        assert got.headers["content-type"].split(";")[0] == mime
        assert got.content.startswith(magic), fmt
        assert got.headers["x-content-type-options"] == "nosniff"
    mp3 = client.get(body["files"]["mp3"]).content
    assert mp3[:3] == b"ID3" or (mp3[0] == 0xFF and mp3[1] & 0xE0 == 0xE0)
    # Range requests let the browser's player seek.
    part = client.get(body["files"]["mp3"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100


def test_options_reach_the_composition(client: TestClient, small_png: bytes) -> None:
    response = post_picture(
        client,
        small_png,
        bars="4",
        tempo="90",
        key="Am",
        style="lofi",
        drums="false",
        instruments="melody=flute",
        valence="-0.5",
        arousal="0.25",
        harmony="baseline",
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tempo_bpm"] == 90
    assert body["key"] == "A minor"
    assert body["bars"] == 4
    assert body["emotion"]["valence"] == -0.5 and body["emotion"]["arousal"] == 0.25
    assert body["emotion"]["source"] == "user"
    assert body["arrangement"]["style"] == "lofi"
    assert body["arrangement"]["drums"]["on"] is False
    assert body["arrangement"]["instruments"]["melody"]["name"] == "Flute"
    assert body["options"]["harmony"] == "baseline"


def test_duration_option(client: TestClient, small_png: bytes) -> None:
    body = post_picture(client, small_png, duration="20").json()
    assert body["options"]["duration_sec"] == 20


def test_same_seed_same_midi_over_the_api(client: TestClient, small_png: bytes) -> None:
    def midi(seed: str) -> bytes:
        body = post_picture(client, small_png, seed=seed).json()
        return bytes(client.get(body["files"]["mid"]).content)

    first = midi("11")
    assert midi("11") == first
    assert midi("12") != first


def test_formats_field(client: TestClient, small_png: bytes) -> None:
    body = post_picture(client, small_png, formats="json").json()
    assert list(body["files"]) == ["json"]
    message = error_of(post_picture(client, small_png, formats="mid,exe"), 400, "bad_option")
    assert "exe" in message


def test_type_is_checked_by_content_not_name(client: TestClient, small_png: bytes) -> None:
    response = post_picture(client, small_png, "document.pdf", "application/pdf")
    assert response.status_code == 200, response.text


# ---------- bad uploads ----------


def test_no_file(client: TestClient) -> None:
    error_of(client.post("/api/compose", data={"bars": "4"}), 400, "no_file")


def test_not_multipart(client: TestClient) -> None:
    response = client.post(
        "/api/compose", content=b"raw bytes", headers={"content-type": "image/png"}
    )
    error_of(response, 400, "no_file")


def test_empty_file(client: TestClient) -> None:
    error_of(post_picture(client, b"", "empty.jpg", "image/jpeg"), 400, "empty_file")


def test_text_named_jpg(client: TestClient) -> None:
    response = post_picture(client, b"just some notes\n" * 10, "holiday.jpg", "image/jpeg")
    message = error_of(response, 415, "unsupported_type")
    assert "JPEG" in message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("doc.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"),
        ("drawing.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("clip.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(200)),
        ("archive.jpg", b"PK\x03\x04" + bytes(100)),
    ],
)
def test_unsupported_types_by_content(client: TestClient, name: str, data: bytes) -> None:
    error_of(post_picture(client, data, name, "image/jpeg"), 415, "unsupported_type")


def test_truncated_jpeg(client: TestClient) -> None:
    data = EXAMPLE.read_bytes()[:4000]
    message = error_of(post_picture(client, data, "cut.jpg", "image/jpeg"), 422, "bad_image")
    assert "truncated" in message or "corrupt" in message or "cannot" in message


def test_too_large_file(make_client: Callable[..., TestClient]) -> None:
    photo = EXAMPLE.read_bytes()
    client = make_client(max_upload_bytes=len(photo) - 1)
    message = error_of(post_picture(client, photo, "photo.jpg", "image/jpeg"), 413, "too_large")
    assert "limit" in message
    assert post_picture(client, png_bytes(8, 8), "tiny.png").status_code == 200


def test_too_large_body_is_refused_before_parsing(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_upload_bytes=1_000)
    huge = b"\x89PNG\r\n\x1a\n" + bytes(2_000_000)
    error_of(post_picture(client, huge, "huge.png"), 413, "too_large")


def test_too_large_chunked_body(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_upload_bytes=1_000)

    def chunks() -> Any:
        yield b"--b\r\nContent-Disposition: form-data; name=image; filename=a.png\r\n\r\n"
        for _ in range(40):
            yield bytes(65_536)
        yield b"\r\n--b--\r\n"

    response = client.post(
        "/api/compose",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    error_of(response, 413, "too_large")


@pytest.mark.parametrize(
    ("form", "word"),
    [
        ({"bars": "5"}, "bars"),
        ({"bars": "abc"}, "bars"),
        ({"seed": "-1"}, "seed"),
        ({"valence": "2"}, "valence"),
        ({"arousal": "nan"}, "arousal"),
        ({"tempo": "5"}, "tempo"),
        ({"key": "H#q"}, "key"),
        ({"mode": "bluesy"}, "mode"),
        ({"style": "polka"}, "style"),
        ({"instruments": "melody=kazoo9000"}, "kazoo9000"),
        ({"harmony": "magic"}, "harmony"),
        ({"synth": "moog"}, "synth"),
        ({"duration": "2"}, "duration"),
        ({"bars": "4", "duration": "30"}, "exclusive"),
        ({"drums": "perhaps"}, "drums"),
    ],
)
def test_bad_options(client: TestClient, small_png: bytes, form: dict[str, str], word: str) -> None:
    message = error_of(post_picture(client, small_png, **form), 400, "bad_option")
    assert word in message


# ---------- results ----------


@pytest.fixture
def result(client: TestClient, small_png: bytes) -> dict[str, Any]:
    body = post_picture(client, small_png, "pic.png", bars="4").json()
    assert isinstance(body, dict)
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/results/{id}/nothere.mid",
        "/api/results/{id}/pic.wav",
        "/api/results/{id}/pic.exe",
        "/api/results/{id}/.pic.mid",
        "/api/results/{id}/..%2f..%2f..%2fetc%2fpasswd",
        "/api/results/{id}/..%2Fsecret.json",
        "/api/results/{id}/%2e%2e",
        "/api/results/..%2f..%2fetc%2fpasswd",
        "/api/results/..%2f..%2fetc/passwd",
        "/api/results/%2e%2e/secret.json",
        "/api/results/AAAAAAAAAAAAAAAAAAAAAA/pic.mid",
        "/api/results/short/pic.mid",
        "/api/results/{id}x/pic.mid",
        "/api/results/{id}/pic.mid/..",
        "/api/results/{id}",
        "/api/results/",
        "/static/../results/{id}/pic.mid",
        "/static/..%2f..%2f..%2fpyproject.toml",
    ],
)
def test_unknown_or_malicious_paths_are_404(
    client: TestClient, result: dict[str, Any], path: str
) -> None:
    root = client.app.state.service.store.root  # type: ignore[attr-defined]
    (root / "secret.json").write_text("{}")
    response = client.get(path.format(id=result["id"]))
    error_of(response, 404, "not_found")


def test_result_file_is_served_from_the_result_folder(
    client: TestClient, result: dict[str, Any]
) -> None:
    response = client.get(result["files"]["json"])
    assert response.status_code == 200
    assert json.loads(response.content)["image"]["name"] == "pic.png"


def test_expired_results_are_refused_and_swept(client: TestClient, result: dict[str, Any]) -> None:
    import os

    store = client.app.state.service.store  # type: ignore[attr-defined]
    folder = store.root / result["id"]
    old = folder.stat().st_mtime - store.ttl_sec - 10
    os.utime(folder, (old, old))
    error_of(client.get(result["files"]["mid"]), 404, "not_found")
    assert store.sweep() == 1
    assert not folder.exists()


def test_distinct_ids(client: TestClient, small_png: bytes) -> None:
    ids = {post_picture(client, small_png, formats="json").json()["id"] for _ in range(3)}
    assert len(ids) == 3


# ---------- pages ----------


def test_page_and_docs_are_served_locally(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'id="file-input"' in page.text and "<audio" in page.text
    for path in ("/static/app.js", "/static/app.css", "/static/docs.js", "/docs"):
        assert client.get(path).status_code == 200, path
    schema = client.get("/openapi.json").json()
    assert "/api/compose" in schema["paths"]
    assert "/api/results/{result_id}/{filename}" in schema["paths"]
    assert "/api/health" in schema["paths"]


def test_unknown_route_and_method(client: TestClient) -> None:
    error_of(client.get("/api/nothing"), 404, "not_found")
    error_of(client.get("/api/compose"), 405, "method_not_allowed")


def test_a_picture_named_beyond_latin_1(client: TestClient, small_png: bytes) -> None:
    response = post_picture(client, small_png, "Фото 日本.png", bars="4")
    assert response.status_code == 200, response.text
    body = response.json()
    midi = client.get(body["files"]["mid"])
    assert midi.status_code == 200 and midi.content.startswith(b"MThd")
