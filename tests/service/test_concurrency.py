"""Composes in parallel: all succeed, ids differ, and the music is the same as in series."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest

from tests.service.conftest import EXAMPLE, need_web, png_bytes, post_picture

need_web()

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


def test_parallel_composes_are_safe(make_client: Callable[..., TestClient]) -> None:
    client = make_client(workers=3)
    photo = EXAMPLE.read_bytes()  # has a face: the cascades run in every thread
    warm = png_bytes(colour=(220, 90, 30))
    jobs = [(photo, "photo.jpg", seed) for seed in ("1", "2")] * 3
    jobs += [(warm, "warm.png", seed) for seed in ("1", "2")] * 2

    def run(job: tuple[bytes, str, str]) -> tuple[str, str, str, bytes, dict[str, Any]]:
        data, name, seed = job
        response = post_picture(client, data, name, "image/jpeg", seed=seed, bars="4")
        assert response.status_code == 200, response.text
        body = response.json()
        midi = client.get(body["files"]["mid"]).content
        return name, seed, body["id"], midi, body["image"]

    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(run, jobs))

    assert len({r[2] for r in results}) == len(jobs)
    by_key: dict[tuple[str, str], set[bytes]] = {}
    for name, seed, _id, midi, _image in results:
        by_key.setdefault((name, seed), set()).add(midi)
    assert all(len(midis) == 1 for midis in by_key.values()), "same input, different MIDI"
    # The same as one compose at a time.
    for (name, seed), midis in by_key.items():
        data = photo if name == "photo.jpg" else warm
        body = post_picture(client, data, name, seed=seed, bars="4").json()
        assert client.get(body["files"]["mid"]).content in midis
    faces = {
        len([e for e in r[4]["entities"] if e["label"] == "face"])
        for r in results
        if r[0] == "photo.jpg"
    }
    assert faces == {1}


def test_cascades_are_per_thread() -> None:
    from image2music.vision import entities

    name = "haarcascade_frontalface_default.xml"
    here = entities._cascade(name)
    assert entities._cascade(name) is here
    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(entities._cascade(name)))
    thread.start()
    thread.join()
    assert other and other[0] is not here


def test_pool_is_bounded() -> None:
    from image2music.service.jobs import BusyError, ComposeJobs

    jobs = ComposeJobs(workers=1, max_pending=1)
    release = threading.Event()
    running = threading.Event()
    active = 0
    peak = 0
    lock = threading.Lock()

    def work() -> int:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        running.set()
        release.wait(10)
        with lock:
            active -= 1
        return 7

    async def main() -> None:
        first = asyncio.create_task(jobs.run(work))
        second = asyncio.create_task(jobs.run(work))
        await asyncio.sleep(0)
        await asyncio.to_thread(running.wait, 10)
        assert jobs.in_flight == 2
        with pytest.raises(BusyError):
            await jobs.run(work)
        release.set()
        assert await first == 7 and await second == 7
        assert jobs.in_flight == 0

    try:
        asyncio.run(main())
    finally:
        release.set()
        jobs.shutdown()
    assert peak == 1


def test_busy_is_503(
    make_client: Callable[..., TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from image2music.service.jobs import BusyError, ComposeJobs

    async def refuse(self: ComposeJobs, fn: Any) -> Any:
        raise BusyError("the server is busy; try again in a minute")

    monkeypatch.setattr(ComposeJobs, "run", refuse)
    client = make_client()
    response = post_picture(client, png_bytes())
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "busy"
    assert response.headers["retry-after"] == "30"


@pytest.mark.slow
def test_parallel_renders_of_every_web_format_match(
    make_client: Callable[..., TestClient],
) -> None:
    """Audio, lead sheet and piano roll made in parallel threads are byte-identical."""
    formats = ("mid", "wav", "mp3", "musicxml", "png", "json")
    client = make_client(workers=3, formats=formats)
    photo = EXAMPLE.read_bytes()

    def run(_: int) -> dict[str, bytes]:
        response = post_picture(client, photo, "photo.jpg", "image/jpeg", seed="5", bars="4")
        assert response.status_code == 200, response.text
        files = response.json()["files"]
        return {fmt: bytes(client.get(files[fmt]).content) for fmt in formats}

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(run, range(3)))
    for fmt in formats:
        assert len({r[fmt] for r in results}) == 1, fmt
