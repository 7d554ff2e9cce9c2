"""Compose jobs: 202 with a Location, stages as they go, the result, cancelling, errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import png_bytes


def _post(client: TestClient, **form: str) -> Any:
    return client.post(
        "/api/jobs", files={"image": ("sky.png", png_bytes(), "image/png")}, data=form
    )


def _follow(
    client: TestClient, location: str, timeout: float = 60.0
) -> tuple[dict[str, Any], list[str]]:
    stages: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(location).json()
        if not stages or stages[-1] != body["stage"]:
            stages.append(body["stage"])
        if body["status"] in ("done", "failed", "cancelled"):
            return body, stages
        time.sleep(0.01)
    raise AssertionError(f"the job did not end: {stages}")


def test_a_job_answers_at_once_then_shows_its_stages_and_the_result(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from image2music import pipeline

    real = pipeline.step

    def slow_step(progress: Any, stage: str) -> None:  # slow enough to see each stage
        time.sleep(0.05)
        real(progress, stage)

    monkeypatch.setattr(pipeline, "step", slow_step)
    client = make_client()
    started = _post(client, bars="4", seed="3")
    assert started.status_code == 202
    job = started.json()
    assert started.headers["location"] == job["location"] == f"/api/jobs/{job['id']}"
    assert job["status"] in ("queued", "running") and 0 <= job["progress"] < 1
    body, stages = _follow(client, job["location"])
    assert body["status"] == "done" and body["progress"] == 1.0 and body["stage"] == "done"
    assert len([s for s in stages if s not in ("queued", "done")]) >= 2, stages
    result = body["result"]
    assert result["bars"] == 4 and result["seed"] == 3
    direct = client.post(
        "/api/compose",
        files={"image": ("sky.png", png_bytes(), "image/png")},
        data={"bars": "4", "seed": "3"},
    ).json()
    assert client.get(result["files"]["mid"]).content == client.get(direct["files"]["mid"]).content


def test_stage_names_follow_the_pipeline() -> None:
    from image2music.pipeline import STAGES
    from image2music.service.jobs import JOB_STAGES

    assert ("queued", *STAGES, "files") == JOB_STAGES


def test_a_cancelled_job_says_so_and_keeps_nothing(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from image2music import pipeline

    real = pipeline.step

    def slow_step(progress: Any, stage: str) -> None:
        time.sleep(0.2)
        real(progress, stage)

    monkeypatch.setattr(pipeline, "step", slow_step)
    client = make_client()
    job = _post(client, bars="4").json()
    cancelled = client.delete(job["location"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    body, _ = _follow(client, job["location"])
    assert body["status"] == "cancelled" and "result" not in body
    time.sleep(1.5)  # the worker reaches its next stage and stops
    assert client.get("/api/health").json()["in_flight"] == 0


def test_a_failed_job_carries_the_api_error_and_bad_input_fails_at_once(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from image2music import pipeline
    from image2music.errors import CompositionError

    client = make_client()
    bad = client.post(
        "/api/jobs", files={"image": ("x.png", b"not a picture", "image/png")}, data={}
    )
    assert bad.status_code == 415 and bad.json()["error"]["code"] == "unsupported_type"
    assert _post(client, bars="5").status_code == 400

    def broken(*_: Any, **__: Any) -> None:
        raise CompositionError("the harmony network gave up")

    monkeypatch.setattr(pipeline, "write_body", broken)
    job = _post(client, bars="4").json()
    body, _ = _follow(client, job["location"])
    assert body["status"] == "failed"
    assert body["error"] == {"code": "compose_failed", "message": "the harmony network gave up"}
    assert client.get("/api/jobs/nosuchjobnosuchjob0000").status_code == 404


def test_a_sequence_of_pictures_is_one_piece_with_a_section_each(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client()
    pictures = [
        ("images", (f"p{i}.png", png_bytes(colour=(40 + 90 * i, 120, 200 - 80 * i)), "image/png"))
        for i in range(3)
    ]
    started = client.post("/api/jobs", files=pictures, data={"duration": "18"})
    assert started.status_code == 202, started.text
    body, _ = _follow(client, started.json()["location"])
    assert body["status"] == "done", body
    result = body["result"]
    sources = [s["source"] for s in result["sections"]]
    assert [s.split("(")[-1].rstrip(")") for s in sources] == ["p0.png", "p1.png", "p2.png"]
    assert abs(result["duration_sec"] - 18.0) < 0.3
    one = client.post("/api/jobs", files=pictures[:1], data={"bars": "4"})  # a sequence needs two
    assert one.status_code == 400 and "2 to 64" in one.json()["error"]["message"]


def test_a_video_clip_gets_a_soundtrack_and_the_muxed_clip(
    make_client: Callable[..., TestClient], three_scenes: Path
) -> None:
    clip = three_scenes
    client = make_client()
    started = client.post(
        "/api/jobs", files={"video": ("clip.mp4", clip.read_bytes(), "video/mp4")}, data={}
    )
    assert started.status_code == 202, started.text
    body, _ = _follow(client, started.json()["location"], timeout=180)
    assert body["status"] == "done", body
    result = body["result"]
    assert "mp4" in result["files"] and result["video"]
    mp4 = client.get(result["files"]["mp4"])
    assert mp4.status_code == 200 and mp4.content[4:8] == b"ftyp"
    junk = client.post("/api/jobs", files={"video": ("x.mp4", b"not a video", "video/mp4")})
    assert junk.status_code == 415
    both = client.post(
        "/api/jobs",
        files={
            "video": ("clip.mp4", clip.read_bytes(), "video/mp4"),
            "image": ("a.png", png_bytes(), "image/png"),
        },
    )
    assert both.status_code == 400
