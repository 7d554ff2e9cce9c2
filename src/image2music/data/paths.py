"""Where the datasets are read from and the corpus is written to.

* Cache: ``--cache-dir``, else ``$IMAGE2MUSIC_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/image2music/corpus`` (``~/.cache/image2music/corpus``).
* Datasets: ``--datasets``, else ``$IMAGE2MUSIC_DATASETS``, else
  ``../shared/datasets`` relative to the current directory when it exists,
  else relative to the project root.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_ENV", "DATASETS_ENV", "resolve_cache_dir", "resolve_datasets_dir"]

#: Environment variable overriding the cache directory.
CACHE_ENV = "IMAGE2MUSIC_CACHE_DIR"
#: Environment variable overriding the datasets directory.
DATASETS_ENV = "IMAGE2MUSIC_DATASETS"


def _chosen(explicit: Path | str | None, env: str) -> Path | None:
    """An explicit choice, else the environment variable ``env``, as an absolute path."""
    chosen = explicit or os.environ.get(env)
    return Path(chosen).expanduser().resolve() if chosen else None


def resolve_cache_dir(cache_dir: Path | str | None = None) -> Path:
    """The corpus cache directory, absolute and not created here (see the module docstring)."""
    if chosen := _chosen(cache_dir, CACHE_ENV):
        return chosen
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(base).expanduser() / "image2music" / "corpus").resolve()


def resolve_datasets_dir(datasets_dir: Path | str | None = None) -> Path:
    """The shared datasets directory, absolute; it may not exist (see the module docstring)."""
    if chosen := _chosen(datasets_dir, DATASETS_ENV):
        return chosen
    here = (Path.cwd() / ".." / "shared" / "datasets").resolve()
    if here.is_dir():
        return here
    project_root = Path(__file__).resolve().parents[3]
    return (project_root / ".." / "shared" / "datasets").resolve()
