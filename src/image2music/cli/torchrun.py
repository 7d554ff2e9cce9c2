"""The closed-form fits (``train emotion``, ``train judge``) under ``torchrun``.

They gain nothing from several processes (a regularised least-squares and a
softmax regression on precomputed features), so when ``torchrun`` starts N
copies of the command, the first process fits and writes as usual and the
others leave at once, instead of N processes racing to write the same files.
The networks (``train harmony``, ``train melody``) do train on every process
(:mod:`image2music.training.distributed`).
"""

from __future__ import annotations

import os

import typer

__all__ = ["leave_unless_first"]


def leave_unless_first(command: str) -> None:
    """Under torchrun, end every process but the first, with a note from the first.

    Args:
        command: The command's name for the note, e.g. ``"train emotion"``.

    Raises:
        typer.Exit: With code 0, in a process other than the first.
    """
    size = int(os.environ.get("WORLD_SIZE") or 1)
    if size <= 1:
        return
    if int(os.environ.get("RANK") or 0) != 0:
        raise typer.Exit(0)
    typer.echo(
        f"note: {command} is a closed-form fit, done by this process alone; "
        f"the other torchrun processes ({size - 1}) left at once",
        err=True,
    )
