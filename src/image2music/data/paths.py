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


def resolve_cache_dir(cache_dir: Path | str | None = None) -> Path:
    """The corpus cache directory (not created here).

    Args:
        cache_dir: Explicit choice; wins over the environment.

    Returns:
        An absolute path.
    """
    if cache_dir:
        return Path(cache_dir).expanduser().resolve()
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(base).expanduser() / "image2music" / "corpus").resolve()


def resolve_datasets_dir(datasets_dir: Path | str | None = None) -> Path:
    """The shared datasets directory (may not exist; the builder reports that).

    Args:
        datasets_dir: Explicit choice; wins over the environment.

    Returns:
        An absolute path.
    """
    if datasets_dir:
        return Path(datasets_dir).expanduser().resolve()
    env = os.environ.get(DATASETS_ENV)
    if env:
        return Path(env).expanduser().resolve()
    here = (Path.cwd() / ".." / "shared" / "datasets").resolve()
    if here.is_dir():
        return here
    project_root = Path(__file__).resolve().parents[3]
    return (project_root / ".." / "shared" / "datasets").resolve()
