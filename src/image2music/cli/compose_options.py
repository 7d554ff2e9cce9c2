"""The ``compose`` command's option parameters, built from the one options spec.

Every option of :data:`image2music.options.compose_option_specs` becomes a
Typer parameter: its type, its choices (shown in ``--help``, offered by shell
completion and checked), its help and its default all come from the spec and
:class:`~image2music.options.ComposeOptions`; nothing is declared twice.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

import typer

from image2music.options import OptionSpec, compose_option_specs

__all__ = ["option_parameter", "with_compose_options"]

_F = TypeVar("_F", bound=Callable[..., Any])


def option_parameter(spec: OptionSpec) -> inspect.Parameter:
    """The Typer parameter of one option."""
    if spec.negated:
        flag = "--" + spec.cli.replace("_", "-")
        annotation: Any = Annotated[bool, typer.Option(flag, help=spec.help)]
        return inspect.Parameter(spec.cli, inspect.Parameter.KEYWORD_ONLY, default=False,
                                 annotation=annotation)  # fmt: skip
    kind: Any = Literal[spec.choices] if spec.choices else spec.kind
    help_text = spec.help
    if spec.optional:
        kind = kind | None
        if spec.unset_default is not None:
            help_text += f" (default {spec.unset_default})"
    default = None if spec.optional else spec.default
    annotation = Annotated[kind, typer.Option("--" + spec.cli.replace("_", "-"), help=help_text)]
    return inspect.Parameter(
        spec.cli, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def with_compose_options(fn: _F) -> _F:
    """Give ``fn`` (which takes ``**options``) one keyword parameter per compose option.

    The options come after ``fn``'s own parameters; Typer reads the
    resulting ``__signature__``.
    """
    signature = inspect.signature(fn, eval_str=True)
    own = [p for p in signature.parameters.values() if p.kind != p.VAR_KEYWORD]
    own = [p.replace(kind=p.KEYWORD_ONLY) if p.default is not p.empty else p for p in own]
    positional = [p for p in own if p.kind != p.KEYWORD_ONLY]
    keyword = [p for p in own if p.kind == p.KEYWORD_ONLY]
    params = positional + [option_parameter(s) for s in compose_option_specs()] + keyword
    fn.__signature__ = inspect.Signature(params, return_annotation=signature.return_annotation)  # type: ignore[attr-defined]
    return fn
