"""The compose route's form fields, built from the one options spec.

Every option of :data:`image2music.options.web_option_specs` becomes a
multipart form field of ``POST /api/compose`` (and so of the OpenAPI schema):
its type, its choices (as the schema's ``enum``), its description and its
default come from the spec and :class:`~image2music.options.ComposeOptions`.
Values are checked by :func:`~image2music.options.options_from`, so a bad
value is the same one-line ``bad_option`` error as everywhere else.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Form

from image2music.errors import ConfigError
from image2music.options import OptionSpec, web_option_specs

__all__ = ["form_parameter", "with_form_options"]

_F = TypeVar("_F", bound=Callable[..., Any])


def form_parameter(spec: OptionSpec) -> inspect.Parameter:
    """The form field of one option (one the web offers: ``spec.web`` is set).

    Raises:
        ConfigError: For an option the web does not offer.
    """
    if spec.web is None:
        raise ConfigError(f"option {spec.field} is not offered on the web")
    extra: dict[str, Any] = {}
    if spec.choices:
        extra["enum"] = list(spec.choices)
    description = spec.help
    if spec.unset_default is not None:
        description += f" (default {spec.unset_default})"
    kind: Any = spec.kind | None if spec.optional else spec.kind
    default = None if spec.optional else spec.default
    annotation = Annotated[kind, Form(description=description, json_schema_extra=extra or None)]
    return inspect.Parameter(
        spec.web, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def with_form_options(fn: _F) -> _F:
    """Give ``fn`` (which takes ``**options``) one form field per compose option."""
    signature = inspect.signature(fn, eval_str=True)
    own = [p for p in signature.parameters.values() if p.kind != p.VAR_KEYWORD]
    own = [p.replace(kind=p.KEYWORD_ONLY) for p in own]
    params = own + [form_parameter(s) for s in web_option_specs()]
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        params, return_annotation=signature.return_annotation
    )
    return fn
