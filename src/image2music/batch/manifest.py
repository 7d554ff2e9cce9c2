"""The batch manifest: one JSON line per finished picture, so a rerun resumes.

``OUT/image2music-manifest.jsonl`` gets a line as each picture finishes
(written, flushed and synced before the next), holding the picture's path,
size, modification time and SHA-256 (computed by the worker from the bytes it
composed), the options' hash, the files written, the status (``done`` or
``failed``), the error and the seconds it took. A later run with the same
options skips every picture whose last line says ``done``, whose file has the
same size and modification time (a changed picture is composed again; no
picture is read just to decide) and whose outputs are all there; ``failed``
ones are skipped too unless ``--retry-failed``. A run killed mid-line leaves a
torn last line, which is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from image2music.errors import ValidationError, WriteError

__all__ = ["MANIFEST_NAME", "Manifest", "Record", "bytes_sha256", "options_sha256"]

#: The manifest's file name inside the output folder.
MANIFEST_NAME = "image2music-manifest.jsonl"
#: Statuses a record can have.
STATUSES = ("done", "failed")


def bytes_sha256(data: bytes) -> str:
    """The SHA-256 of a picture's bytes, hex."""
    return hashlib.sha256(data).hexdigest()


def options_sha256(options: Mapping[str, Any], formats: Iterable[str]) -> str:
    """The hash of a run's options and formats: what makes two runs' files the same."""
    text = json.dumps({"options": dict(options), "formats": sorted(formats)}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Record:
    """One picture's line in the manifest.

    Attributes:
        picture: The picture's path as given.
        picture_sha256: Its content's hash ("" when it could not be read).
        options_sha256: The run's options and formats hash.
        stem: The files' path in the output folder, without extension.
        status: ``"done"`` or ``"failed"``.
        outputs: The files written, relative to the output folder.
        error: One line, when it failed.
        seconds: Time composing and writing it, in seconds.
        size: The picture file's size in bytes when it was composed.
        mtime_ns: Its modification time then, in nanoseconds since the epoch.
    """

    picture: str
    picture_sha256: str
    options_sha256: str
    stem: str
    status: str
    outputs: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0
    size: int = -1
    mtime_ns: int = -1
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValidationError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def key(self) -> tuple[str, str]:
        """What a rerun looks up: output stem and options hash."""
        return (self.stem, self.options_sha256)

    def to_json(self) -> str:
        """The record as one JSON line (no newline)."""
        data = asdict(self)
        data["outputs"] = list(self.outputs)
        if not self.extra:
            data.pop("extra")
        return json.dumps(data, sort_keys=True, ensure_ascii=False)


class Manifest:
    """The manifest of an output folder: what earlier runs finished, and a writer.

    Args:
        outdir: The batch's output folder.
    """

    def __init__(self, outdir: Path) -> None:
        self.path = outdir / MANIFEST_NAME
        self.existed = self.path.is_file()
        self.records: dict[tuple[str, str], Record] = {}
        if self.existed:
            self._read()
        self._file: TextIO | None = None

    def _read(self) -> None:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise WriteError(f"cannot read the manifest {self.path}: {e.strerror or e}") from e
        for line in lines:
            try:
                data = json.loads(line)
                record = Record(
                    **{**data, "outputs": tuple(data.get("outputs", ()))},
                )
            except (ValueError, TypeError):
                continue  # a line torn by a killed run, or not ours
            self.records[record.key] = record

    def finished(
        self, key: tuple[str, str], stat: tuple[int, int], outdir: Path, *, retry_failed: bool
    ) -> bool:
        """Whether an earlier run finished this picture with these options (skip it).

        Args:
            key: Output stem and options hash.
            stat: The picture file's size and modification time (ns) now.
            outdir: The output folder.
            retry_failed: Failed pictures are not finished.
        """
        record = self.records.get(key)
        if record is None or (record.size, record.mtime_ns) != stat:
            return False
        if record.status == "failed":
            return not retry_failed
        return all((outdir / name).is_file() for name in record.outputs)

    def add(self, record: Record) -> None:
        """Append a record and make it durable before returning.

        Raises:
            WriteError: If the manifest cannot be written.
        """
        try:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("a", encoding="utf-8")
            self._file.write(record.to_json() + "\n")
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as e:
            raise WriteError(f"cannot write the manifest {self.path}: {e.strerror or e}") from e
        self.records[record.key] = record

    def close(self) -> None:
        """Close the file (records already added are on disk)."""
        if self._file is not None:
            self._file.close()
            self._file = None
