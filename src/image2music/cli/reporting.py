"""Shared ends of the ``evaluate`` commands: one-line failures, JSON or tables."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import typer

__all__ = ["fail", "report_or_fail"]


def fail(message: str) -> typer.Exit:
    """Print ``error: <message>`` on standard error; the exit (status 1) to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def report_or_fail(
    run: Callable[[], dict[str, Any]], json_out: bool, tables: Callable[[dict[str, Any]], None]
) -> None:
    """Run an evaluation; print its report as JSON or as tables, or fail in one line."""
    from image2music.errors import Image2MusicError

    try:
        report = run()
    except Image2MusicError as e:
        raise fail(str(e)) from None
    if json_out:
        sys.stdout.write(json.dumps(report, indent=1) + "\n")
        return
    tables(report)
