"""Batches: planning, the manifest, resuming, killing, and both engines giving the same files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from image2music.batch import MANIFEST_NAME, Manifest, Record, plan_tasks, run_batch
from image2music.options import ComposeOptions
from tests.conftest import need

FORMATS = ("mid", "json")
OPTIONS = ComposeOptions(bars=4, seed=2)


def _pictures(folder: Path, n: int, *, broken: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"p{i:02d}.png"
        Image.new("RGB", (64, 48), (30 * i % 255, 120, 200 - 20 * i % 200)).save(path)
        paths.append(path)
    if broken:
        (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff not a jpeg")
    return paths


def _lines(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / MANIFEST_NAME).read_text().splitlines()]


def test_plan_mirrors_sub_folders_and_searches_them_only_when_asked(tmp_path: Path) -> None:
    _pictures(tmp_path / "in", 2)
    _pictures(tmp_path / "in" / "beach", 1)
    (tmp_path / "in" / "notes.txt").write_text("not a picture")
    flat = plan_tasks([tmp_path / "in"])
    deep = plan_tasks([tmp_path / "in"], recursive=True)
    assert [t.stem for t in flat] == ["p00", "p01"]
    assert [t.stem for t in deep] == ["beach/p00", "p00", "p01"]
    assert [t.stem for t in plan_tasks([tmp_path / "in" / "p00.png", tmp_path / "in"])] == [
        "p00",
        "p01",
    ]  # a picture given twice is composed once


def test_the_manifest_records_every_picture_and_a_rerun_skips_them(tmp_path: Path) -> None:
    _pictures(tmp_path / "in", 2, broken=True)
    out = tmp_path / "out"
    tasks = plan_tasks([tmp_path / "in"])
    first = run_batch(tasks, OPTIONS, FORMATS, out, jobs=1)
    assert (first.total, first.composed, first.skipped, len(first.failures)) == (3, 2, 0, 1)
    assert first.code == 2 and "broken.jpg" in str(first.failures[0].task.picture)
    lines = _lines(out)
    assert [(r["stem"], r["status"]) for r in lines] == [
        ("broken", "failed"), ("p00", "done"), ("p01", "done"),
    ]  # fmt: skip
    done = lines[1]
    assert done["outputs"] == ["p00.mid", "p00.json"]
    assert len(str(done["picture_sha256"])) == 64 and len(str(done["options_sha256"])) == 64
    assert float(str(done["seconds"])) > 0 and done["error"] == ""
    assert "broken.jpg" in str(lines[0]["picture"]) and lines[0]["error"]
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    again = run_batch(tasks, OPTIONS, FORMATS, out, jobs=1)
    assert (again.composed, again.skipped, again.failures) == (0, 3, ())
    assert len(_lines(out)) == 3
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes

    retried = run_batch(tasks, OPTIONS, FORMATS, out, jobs=1, retry_failed=True)
    assert (retried.composed, retried.skipped, len(retried.failures)) == (0, 2, 1)
    assert [r["stem"] for r in _lines(out)[3:]] == ["broken"]

    other = run_batch(tasks, ComposeOptions(bars=4, seed=3), FORMATS, out, jobs=1)
    assert (other.composed, other.skipped) == (2, 0)  # other options: composed again

    Image.new("RGB", (64, 48), (250, 10, 10)).save(tmp_path / "in" / "p01.png")  # changed
    changed = run_batch(tasks, OPTIONS, FORMATS, out, jobs=1)
    assert (changed.composed, changed.skipped) == (1, 2)
    assert _lines(out)[-1]["stem"] == "p01"


def test_a_torn_last_line_and_a_missing_file_are_not_taken_as_done(tmp_path: Path) -> None:
    _pictures(tmp_path / "in", 2)
    out = tmp_path / "out"
    tasks = plan_tasks([tmp_path / "in"])
    run_batch(tasks, OPTIONS, FORMATS, out, jobs=1)
    with (out / MANIFEST_NAME).open("a") as f:
        f.write('{"picture": "x", "status": "do')  # killed mid-line
    (out / "p01.mid").unlink()
    manifest = Manifest(out)
    assert len(manifest.records) == 2
    again = run_batch(tasks, OPTIONS, FORMATS, out, jobs=1)
    assert (again.composed, again.skipped) == (1, 1)
    assert (out / "p01.mid").is_file()


def test_a_bad_status_is_a_validation_error() -> None:
    from image2music.errors import ValidationError

    with pytest.raises(ValidationError, match="status"):
        Record("p.png", "a", "b", "p", "maybe")


_BATCH = """
import sys
from image2music.cli.main import run
sys.argv = ["image2music", "compose", sys.argv[1], "-o", sys.argv[2], "--format", "mid,json",
            "--bars", "4", "--jobs", "1"]
run()
"""


def _start_batch(script: str, pictures: Path, out: Path, *, finished: int) -> Any:
    """Start a batch in a child process; return it once ``finished`` pictures are recorded."""
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(pictures), str(out)], stderr=subprocess.PIPE, text=True
    )
    manifest = out / MANIFEST_NAME
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and child.poll() is None:
        if manifest.is_file() and len(manifest.read_text().splitlines()) >= finished:
            return child
        time.sleep(0.02)
    raise AssertionError(f"the batch ended (exit {child.poll()}) before {finished} pictures")


def test_a_batch_killed_midway_resumes_without_recomposing_a_finished_picture(
    tmp_path: Path,
) -> None:
    _pictures(tmp_path / "in", 8)
    out = tmp_path / "out"
    child = _start_batch(_BATCH, tmp_path / "in", out, finished=3)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    finished = {str(r["stem"]): r for r in _lines(out) if r["status"] == "done"}
    assert 3 <= len(finished) < 8
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.mid")}
    assert all(f"{stem}.mid" in mtimes for stem in finished)

    done = subprocess.run(
        [sys.executable, "-c", _BATCH, str(tmp_path / "in"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = _lines(out)
    stems = [str(r["stem"]) for r in lines]
    assert sorted(set(stems)) == [f"p{i:02d}" for i in range(8)]
    assert all(stems.count(stem) == 1 for stem in finished)  # none composed twice
    for stem in finished:
        assert (out / f"{stem}.mid").stat().st_mtime_ns == mtimes[f"{stem}.mid"]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no scratch
    assert "already done" in done.stderr and "8 of 8 pictures composed" in done.stdout


def test_two_workers_write_the_same_files_as_one(tmp_path: Path) -> None:
    _pictures(tmp_path / "in", 4)
    tasks = plan_tasks([tmp_path / "in"])
    one = run_batch(tasks, OPTIONS, FORMATS, tmp_path / "one", jobs=1)
    two = run_batch(tasks, OPTIONS, FORMATS, tmp_path / "two", jobs=2)
    assert one.composed == two.composed == 4
    for name in sorted(p.name for p in (tmp_path / "one").glob("p*")):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_one_job_composes_on_one_core_and_leaves_threads_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import cv2

    from image2music.batch.tasks import run_task as real
    from image2music.vision.background import in_background

    seen: list[tuple[bool, int]] = []

    def spying(task: Any, work: Any) -> Any:
        inline = in_background(threading.get_ident).result() == threading.get_ident()
        seen.append((inline, cv2.getNumThreads()))
        return real(task, work)

    monkeypatch.setattr("image2music.batch.local.run_task", spying)
    before = cv2.getNumThreads()
    _pictures(tmp_path / "in", 2)
    summary = run_batch(plan_tasks([tmp_path / "in"]), OPTIONS, FORMATS, tmp_path / "out", jobs=1)
    assert summary.composed == 2
    assert seen == [(True, 1), (True, 1)]
    assert cv2.getNumThreads() == before


_RAY = """
import json, sys
from pathlib import Path
from image2music.batch import plan_tasks, run_batch
from image2music.options import ComposeOptions
tasks = plan_tasks([Path(sys.argv[1])])
out = Path(sys.argv[2])
runs = [run_batch(tasks, ComposeOptions(bars=4, seed=2), ("mid", "json"), out, jobs=2,
                  engine="ray") for _ in range(2)]
print(json.dumps([[r.composed, r.skipped, len(r.failures)] for r in runs]))
"""


def test_ray_writes_the_same_files_as_the_local_engine(tmp_path: Path) -> None:
    """On a local Ray, in a child process (Ray's threads must not outlive it into other tests)."""
    need("ray", "the scale extra")
    _pictures(tmp_path / "in", 3, broken=True)
    tasks = plan_tasks([tmp_path / "in"])
    local = run_batch(tasks, OPTIONS, FORMATS, tmp_path / "local", jobs=1)
    done = subprocess.run(
        [sys.executable, "-c", _RAY, str(tmp_path / "in"), str(tmp_path / "ray")],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    first, again = json.loads(done.stdout.strip().splitlines()[-1])
    assert first == [local.composed, 0, len(local.failures)] == [3, 0, 1]
    assert again == [0, 4, 0]  # the rerun resumes like the local engine
    names = sorted(p.name for p in (tmp_path / "local").glob("p*"))
    assert names == sorted(p.name for p in (tmp_path / "ray").glob("p*")) and len(names) == 6
    for name in names:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "ray" / name).read_bytes()
    records = {str(r["stem"]): r["status"] for r in _lines(tmp_path / "ray")}
    assert records == {"broken": "failed", "p00": "done", "p01": "done", "p02": "done"}


def test_an_unknown_engine_is_a_config_error(tmp_path: Path) -> None:
    from image2music.errors import ConfigError

    with pytest.raises(ConfigError, match="engine"):
        run_batch([], OPTIONS, FORMATS, tmp_path, jobs=1, engine="spark")


_PARALLEL = """
import sys
from image2music.cli.main import run
sys.argv = ["image2music", "compose", sys.argv[1], "-o", sys.argv[2], "--format", "mid,json",
            "--bars", "4", "--jobs", "2"]
run()
"""


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def test_ctrl_c_stops_a_parallel_batch_its_workers_and_keeps_what_finished(
    tmp_path: Path,
) -> None:
    _pictures(tmp_path / "in", 12)
    out = tmp_path / "out"
    child = _start_batch(_PARALLEL, tmp_path / "in", out, finished=2)
    workers = _descendants(child.pid)
    assert workers, "no worker processes"
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130 and "interrupted" in err and "Traceback" not in err
    time.sleep(0.5)
    alive = [
        p
        for p in workers
        if Path(f"/proc/{p}").exists()
        and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    ]
    assert alive == []  # the workers went with it
    finished = [str(r["stem"]) for r in _lines(out) if r["status"] == "done"]
    assert 2 <= len(finished) < 12
    again = subprocess.run(
        [sys.executable, "-c", _PARALLEL, str(tmp_path / "in"), str(out)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert f"{len(finished)} of 12 pictures already done" in again.stderr
    stems = [str(r["stem"]) for r in _lines(out)]
    assert sorted(set(stems)) == [f"p{i:02d}" for i in range(12)]
    assert all(stems.count(stem) == 1 for stem in finished)  # none composed twice
