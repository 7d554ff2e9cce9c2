"""Load on the web app: concurrent composes over loopback.

Starts ``image2music serve`` in a subprocess on 127.0.0.1 (a free port, its own
results folder), sends ``--requests`` POST /api/compose with the example photo
all at once (httpx, bounded by ``--timeout`` seconds in all), and reports
throughput (composes per second), p50 and p99 latency, errors, the latency
of /api/health meanwhile (is the event loop free?), and the server's peak
memory (``VmHWM`` of its process and its worker processes, summed). Then it
stops the server. ``--threads`` runs the server with ``--threads`` (composing
in threads of one process, as before worker processes).

``--formats`` asks for other files than the server's defaults (MIDI, FLAC,
MusicXML, piano roll, JSON), e.g. ``mid,mp3,musicxml,png,json``. The CPU time
of the server and its workers per compose is reported too.

Run: ``.venv/bin/python benchmarks/bench_web.py [--requests 50] [--workers 2] [--threads]
[--formats LIST] [--json]``.
Timings depend on the CPU and on what else runs on it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "photo.jpg"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def peak_memory_mb(pid: int) -> float:
    """Peak resident memory of a process and its children (the worker processes), summed."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+)\s+kB", status)
        total += int(match[1]) / 1024.0 if match else 0.0
    return total


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live children, summed."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            for task in Path(f"/proc/{current}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def start_server(port: int, workers: int, results: Path, threads: bool) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "image2music", "serve", "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--results-dir", str(results),
        *(["--threads"] if threads else []),
    ]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_until_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"the server exited: {err}")
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start in time")


async def one(
    client: httpx.AsyncClient, base: str, photo: bytes, seed: int, formats: str
) -> tuple[float, str]:
    t0 = time.perf_counter()
    data = {"seed": str(seed), **({"formats": formats} if formats else {})}
    try:
        r = await client.post(
            base + "/api/compose", files={"image": ("photo.jpg", photo, "image/jpeg")}, data=data
        )
        outcome = "ok" if r.status_code == 200 else f"HTTP {r.status_code}"
    except httpx.HTTPError as e:
        outcome = type(e).__name__
    return time.perf_counter() - t0, outcome


async def probe_health(base: str, stop: asyncio.Event, times: list[float]) -> None:
    """GET /api/health twice a second while the load runs: is the event loop free?"""
    async with httpx.AsyncClient(timeout=30) as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            await client.get(base + "/api/health")
            times.append(time.perf_counter() - t0)
            await asyncio.sleep(0.5)


async def load(
    base: str, n: int, timeout: float, formats: str
) -> tuple[float, list[tuple[float, str]], list[float]]:
    photo = EXAMPLE.read_bytes()
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    health: list[float] = []
    stop = asyncio.Event()
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        prober = asyncio.create_task(probe_health(base, stop, health))
        t0 = time.perf_counter()
        try:
            results = await asyncio.wait_for(
                asyncio.gather(*(one(client, base, photo, seed, formats) for seed in range(n))),
                timeout,
            )
        finally:
            wall = time.perf_counter() - t0
            stop.set()
            await prober
        return wall, list(results), health


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=50, help="concurrent composes (default 50)")
    ap.add_argument("--workers", type=int, default=2, help="the server's pool size (default 2)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds for the whole run")
    ap.add_argument(
        "--threads", action="store_true", help="compose in threads (serve --threads), not processes"
    )
    ap.add_argument(
        "--formats",
        default="",
        help="formats to ask for, e.g. mid,mp3,json (default: the server's)",
    )
    ap.add_argument("--warm-sec", type=float, default=20.0, help="wait after start (workers warm)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = ap.parse_args()

    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_server(port, args.workers, Path(tmp) / "results", args.threads)
        try:
            wait_until_up(base, proc)
            time.sleep(args.warm_sec)  # a server is started once and serves for long
            idle_mb = peak_memory_mb(proc.pid)
            server_cpu0, client_cpu0 = cpu_seconds(proc.pid), time.process_time()
            wall, results, health = asyncio.run(
                load(base, args.requests, args.timeout, args.formats)
            )
            server_cpu = cpu_seconds(proc.pid) - server_cpu0
            client_cpu = time.process_time() - client_cpu0
            peak_mb = peak_memory_mb(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()

    latencies = [t for t, outcome in results if outcome == "ok"]
    errors: dict[str, int] = {}
    for _, outcome in results:
        if outcome != "ok":
            errors[outcome] = errors.get(outcome, 0) + 1
    report: dict[str, Any] = {
        "requests": args.requests,
        "workers": args.workers,
        "mode": "threads" if args.threads else "processes",
        "formats": args.formats or "the server's defaults",
        "cpu_count": os.cpu_count(),
        "wall_s": round(wall, 2),
        "throughput_per_s": round(len(latencies) / wall, 3),
        "latency_p50_s": round(percentile(latencies, 50), 2) if latencies else None,
        "latency_p99_s": round(percentile(latencies, 99), 2) if latencies else None,
        "latency_mean_s": round(statistics.fmean(latencies), 2) if latencies else None,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "health_during_load_p99_ms": round(percentile(health, 99) * 1000, 1) if health else None,
        "server_cpu_s_per_compose": round(server_cpu / max(1, len(latencies)), 3),
        "client_cpu_s_per_compose": round(client_cpu / max(1, len(latencies)), 3),
        "server_idle_memory_mb": round(idle_mb, 1),
        "server_peak_memory_mb": round(peak_mb, 1),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{args.requests} concurrent composes of examples/photo.jpg, {args.workers} workers, "
        f"{report['cpu_count']} CPUs, formats: {report['formats']}"
    )
    print(f"  wall time          {report['wall_s']:>8} s")
    print(f"  throughput         {report['throughput_per_s']:>8} composes/s")
    print(f"  latency p50        {report['latency_p50_s']:>8} s")
    print(f"  latency p99        {report['latency_p99_s']:>8} s")
    print(f"  errors             {report['errors']:>8} {errors or ''}")
    print(f"  /api/health p99    {report['health_during_load_p99_ms']:>8} ms during the load")
    print(
        f"  CPU per compose    {report['server_cpu_s_per_compose']:>8} s in the server and its "
        f"workers, {report['client_cpu_s_per_compose']} s in this load generator"
    )
    print(f"  server peak memory {report['server_peak_memory_mb']:>8} MB (idle {idle_mb:.0f} MB)")


if __name__ == "__main__":
    main()
