"""Usage errors as one line, like every other error of the command line.

Typer prints a bad option (``--bars 5``, ``--mode happy``, a missing
argument) as a framed, multi-line box. :class:`OneLineGroup` catches the usage
error and prints ``error: <message>`` on standard error with exit status 2,
the status every other bad input gets.
"""

from __future__ import annotations

import sys
from typing import Any

from typer._click.exceptions import UsageError
from typer.core import TyperGroup

__all__ = ["OneLineGroup"]


class OneLineGroup(TyperGroup):
    """A Typer group whose usage errors print as ``error: ...`` (exit 2)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command; usage errors become one line."""
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False
        if not standalone:
            return super().main(*args, **kwargs)
        try:
            code = super().main(*args, **kwargs)
        except UsageError as e:
            message = " ".join(e.format_message().split()).replace("Value error, ", "")
            where = f"{e.ctx.command_path}: " if e.ctx is not None else ""
            sys.stderr.write(f"error: {where}{message}\n")
            sys.exit(2)
        sys.exit(code if isinstance(code, int) else 0)
