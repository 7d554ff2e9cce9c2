"""``image2music train``: train the networks (needs the ``train`` extra: torch, onnx).

torch is imported only inside the commands, so ``image2music --help`` stays fast
and works without it. A missing corpus or dependency prints one line and exits
with status 1.
"""

from __future__ import annotations

import typer

__all__ = ["build_train_cli"]


def build_train_cli() -> typer.Typer:
    """Build the ``image2music train`` command group."""
    app = typer.Typer(
        help="Train the networks on the corpus (needs: pip install 'image2music[train]').",
        no_args_is_help=True,
        add_completion=False,
    )
    from image2music.cli.train_network import NETWORK_KINDS, train_command

    for kind in NETWORK_KINDS:
        app.command(kind)(train_command(kind))
    from image2music.cli.evaluation_cmds import train_judge

    app.command("judge")(train_judge)
    from image2music.cli.emotion_cmds import train_emotion

    app.command("emotion")(train_emotion)
    return app
