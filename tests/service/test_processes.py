"""Composing in worker processes: the same music as threads, stopped when the client goes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from image2music.options import ComposeOptions
from tests.service.conftest import png_bytes, post_picture


def test_worker_processes_compose_the_same_music_as_threads(
    make_client: Callable[..., TestClient],
) -> None:
    threads = make_client(processes=False)
    processes = make_client(processes=True, workers=2)
    pictures = [png_bytes(colour=(200, 40 + 60 * i, 90)) for i in range(3)]

    def midi(client: TestClient, picture: bytes) -> bytes:
        response = post_picture(client, picture, seed="4", bars="4")
        assert response.status_code == 200, response.text
        content: bytes = client.get(response.json()["files"]["mid"]).content
        return content

    with ThreadPoolExecutor(3) as pool:  # three at once on two workers: one waits
        in_processes = list(pool.map(lambda p: midi(processes, p), pictures))
    assert in_processes == [midi(threads, p) for p in pictures]
    health = processes.get("/api/health").json()
    assert health["workers"] == 2 and health["in_flight"] == 0


def test_a_flagged_job_stops_and_leaves_nothing(tmp_path: Path) -> None:
    from image2music.service import jobs

    picture = jobs.ComposeInput("picture", (("a.png", png_bytes()),))
    flags = bytearray(2)
    flags[1] = 1
    saved, jobs._FLAGS = jobs._FLAGS, flags
    try:
        with pytest.raises(jobs.JobCancelledError):
            jobs.compose_in_worker(picture, ComposeOptions(bars=4), ("mid",), tmp_path, 1)
        result_id, files, report = jobs.compose_in_worker(
            picture, ComposeOptions(bars=4), ("mid",), tmp_path, 0
        )
    finally:
        jobs._FLAGS = saved
    assert files == {"mid": "a.mid"} and (tmp_path / result_id / "a.mid").is_file()
    assert report["bars"] == 4
    assert [p.name for p in tmp_path.iterdir()] == [result_id]


def test_a_busy_process_pool_refuses_and_frees_its_slots() -> None:
    import asyncio

    from image2music.service.jobs import BusyError, ComposeJobs

    jobs = ComposeJobs(workers=1, max_pending=1, processes=True)
    try:
        gate = threading.Event()

        async def main() -> None:
            jobs._in_flight = 2  # as if two composes were in flight
            with pytest.raises(BusyError):
                await jobs.run(gate.is_set, on_done=gate.set)
            assert gate.is_set()  # refused work is still reported done

        asyncio.run(main())
    finally:
        jobs._in_flight = 0
        jobs.shutdown()


@pytest.mark.parametrize("per_core", [True, False])
def test_workers_keep_to_one_core_when_there_are_as_many_as_cores(per_core: bool) -> None:
    import asyncio
    import os

    from image2music.cores import on_one_core
    from image2music.service.jobs import ComposeJobs

    cores = os.cpu_count() or 1
    if not per_core and cores == 1:
        pytest.skip("one core: every worker count is at least the cores")
    jobs = ComposeJobs(workers=cores if per_core else 1, max_pending=1, processes=True)
    try:
        assert asyncio.run(jobs.run(on_one_core)) is per_core
    finally:
        jobs.shutdown()
