"""One picture of a batch: what to compose, and composing it (in any process).

:func:`plan_tasks` turns the pictures and folders given into :class:`Task`
values (each with its output stem, mirroring sub-folders so that two
``photo.jpg`` in different folders do not collide), and :func:`run_task`
composes one and writes its files all or none; it never raises for a bad
picture or a failing stage, it reports them in the :class:`Outcome`. Both
engines (:mod:`.local` and :mod:`.ray_engine`) call :func:`run_task`, so they
give the same files.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from image2music.options import ComposeOptions

__all__ = ["IMAGE_SUFFIXES", "Outcome", "Task", "Work", "plan_tasks", "run_task"]

#: Picture files a folder is searched for (lower case).
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif"}
)


@dataclass(frozen=True)
class Task:
    """A picture to compose.

    Attributes:
        picture: The picture file.
        stem: Where its files go, relative to the output folder, without
            extension (``"beach/photo"`` for ``IN/beach/photo.jpg``).
    """

    picture: Path
    stem: str


@dataclass(frozen=True)
class Work:
    """What every picture of a batch is composed with, and where its files go.

    Attributes:
        options: Composition options, the same for all.
        formats: Formats to write for each picture.
        outdir: The output folder.
        overwrite: Replace existing files.
    """

    options: ComposeOptions
    formats: tuple[str, ...]
    outdir: Path
    overwrite: bool


@dataclass(frozen=True)
class Outcome:
    """What became of a task.

    Attributes:
        task: The task.
        ok: Whether its files were written.
        outputs: Their paths relative to the output folder.
        error: One line, when it failed.
        code: Exit code the failure calls for (2 bad input or output place,
            1 a failure inside image2music, 0 when it worked).
        seconds: Time composing and writing, in seconds.
        picture_sha256: The SHA-256 of the bytes composed ("" if unread).
    """

    task: Task
    ok: bool
    outputs: tuple[str, ...] = ()
    error: str = ""
    code: int = 0
    seconds: float = 0.0
    picture_sha256: str = ""


def _folder_pictures(folder: Path, recursive: bool) -> Iterator[Path]:
    found = folder.rglob("*") if recursive else folder.iterdir()
    yield from sorted(p for p in found if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def plan_tasks(inputs: Iterable[Path], *, recursive: bool = False) -> list[Task]:
    """The tasks for pictures and folders as given, in order, without duplicates.

    A picture given by name keeps its stem; a folder's pictures keep their
    path below the folder (with ``recursive``, sub-folders are searched too).
    """
    tasks: list[Task] = []
    seen: set[str] = set()
    for given in inputs:
        if given.is_dir():
            for picture in _folder_pictures(given, recursive):
                relative = picture.relative_to(given).with_suffix("")
                tasks.append(Task(picture, relative.as_posix()))
        else:
            tasks.append(Task(given, given.stem))
    unique = []
    for task in tasks:
        if task.stem not in seen:
            seen.add(task.stem)
            unique.append(task)
    return unique


def run_task(task: Task, work: Work) -> Outcome:
    """Compose one picture and write its files into ``work.outdir`` (all or none).

    Errors become the outcome's one-line ``error``; nothing is raised for a
    bad picture, a failing stage or a file that cannot be written.
    """
    import io

    from image2music.batch.manifest import bytes_sha256
    from image2music.errors import (
        ConfigError,
        ExistingFileError,
        Image2MusicError,
        ImageError,
        WriteError,
    )
    from image2music.pipeline import compose

    start = time.perf_counter()
    stem = Path(task.stem)
    outdir = work.outdir
    digest = ""
    try:
        try:
            data = task.picture.read_bytes()  # read once: composed and hashed
        except OSError as e:
            raise ImageError(f"cannot read {task.picture}: {e.strerror or e}") from e
        digest = bytes_sha256(data)
        picture = io.BytesIO(data)
        picture.name = task.picture.name  # the report and errors name it
        composition = compose(picture, work.options)
        written = composition.write(
            outdir / stem.parent, work.formats, stem=stem.name, force=work.overwrite
        )
    except ExistingFileError as e:
        return _failed(task, f"{e.path} exists; use --force to overwrite it", 2, start, digest)
    except (ImageError, ConfigError, WriteError) as e:
        return _failed(task, str(e), 2, start, digest)
    except Image2MusicError as e:
        return _failed(task, str(e), 1, start, digest)
    except Exception as e:  # a bug must not stop a library of 100,000 pictures
        return _failed(task, f"{type(e).__name__}: {e}", 1, start, digest)
    outputs = tuple(p.relative_to(outdir).as_posix() for p in written.values())
    seconds = time.perf_counter() - start
    return Outcome(task, True, outputs, seconds=seconds, picture_sha256=digest)


def _failed(task: Task, error: str, code: int, start: float, digest: str) -> Outcome:
    line = " ".join(error.split())  # one line
    seconds = time.perf_counter() - start
    return Outcome(task, False, error=line, code=code, seconds=seconds, picture_sha256=digest)
