"""Settings of the web service, validated once when they are made.

Plain Python (no FastAPI), so the CLI can build and check them before the web
packages are imported.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

from image2music.errors import ConfigError

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_MAX_RESULTS_BYTES",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "DEFAULT_WEB_FORMATS",
    "ServiceSettings",
    "default_results_dir",
    "usable_formats",
]

#: Largest picture accepted by default: 20 MB.
DEFAULT_MAX_UPLOAD_BYTES = 20_000_000

#: Files made for every web composition: MIDI, FLAC for the player (lossless;
#: every current browser plays it, and it costs 0.04 s to encode against 0.7 s
#: for MP3 for a 23-second piece, measured on a 2-core VM), the lead sheet, the piano
#: roll and the report. MP3, OGG and WAV are made when asked for.
DEFAULT_WEB_FORMATS: tuple[str, ...] = ("mid", "flac", "musicxml", "png", "json")

#: Disk budget of the results folder by default: 2 GB.
DEFAULT_MAX_RESULTS_BYTES = 2_000_000_000

#: Largest picture accepted by default, in pixels: 50 million (a 8660 x 5773
#: photograph). Decoding one costs about 150 MB of memory as RGB.
DEFAULT_MAX_PIXELS = 50_000_000

#: Most composes that may wait for a worker before new ones are refused (503).
DEFAULT_MAX_PENDING = 100


def default_results_dir() -> Path:
    """``$IMAGE2MUSIC_RESULTS_DIR``, else ``$XDG_CACHE_HOME/image2music/results``.

    ``XDG_CACHE_HOME`` defaults to ``~/.cache``. A per-user cache folder, not a
    shared temporary one, so no other user can plant files in it.
    """
    env = os.environ.get("IMAGE2MUSIC_RESULTS_DIR")
    if env:
        return Path(env)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "image2music" / "results"


def usable_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats this installation can make, in the order given.

    ``musicxml`` is dropped without music21, ``mp3`` is replaced by ``ogg``
    (else ``wav``) when libsndfile cannot write MP3, and ``ogg`` or ``flac``
    by ``wav`` when it cannot write them (a system libsndfile built without
    them; soundfile's own always can).
    """
    out: list[str] = []
    for fmt in formats:
        if fmt == "musicxml" and importlib.util.find_spec("music21") is None:
            continue
        if fmt in ("mp3", "ogg", "flac") and not _sndfile_writes(fmt):
            fmt = "ogg" if fmt == "mp3" and _sndfile_writes("ogg") else "wav"
        if fmt not in out:
            out.append(fmt)
    return tuple(out)


def _sndfile_writes(fmt: str) -> bool:
    try:
        import soundfile
    except ImportError:  # pragma: no cover - a core dependency
        return False
    major = {"mp3": "MP3", "ogg": "OGG", "flac": "FLAC"}[fmt]
    return major in soundfile.available_formats()


@dataclass(frozen=True)
class ServiceSettings:
    """How the web service runs.

    Attributes:
        results_dir: Folder for the results, one sub-folder per composition
            (default: :func:`default_results_dir`).
        max_upload_bytes: Largest picture accepted, in bytes (default 20 MB).
        result_ttl_sec: Seconds a result is kept before it is deleted (default 3600).
        workers: Composes that run at once (default 2).
        processes: Compose in worker processes that each load the networks
            once (default ``True``: composes use every core); ``False``
            composes in threads of the server's process.
        max_pending: Composes that may wait for a worker; more are refused
            with 503 (default 100).
        formats: Files made for each composition, from
            :data:`image2music.composition.FORMATS` (default
            :data:`DEFAULT_WEB_FORMATS`); ones this installation cannot make
            are dropped (see :func:`usable_formats`).
        sweep_interval_sec: Seconds between deletions of expired results
            (default 60, or the TTL when that is shorter).
        header_timeout_sec: Seconds a client has to send a request's headers,
            counted from the connection (or the end of the previous
            response); a slower one gets 408 and is disconnected (default 10).
        body_timeout_sec: Seconds a client has to send a whole request body
            (default 60: a 20 MB picture at 3 Mbit/s).
        body_idle_sec: Longest pause while a request body arrives, in seconds
            (default 10); a body shorter than its Content-Length ends here.
        max_option_chars: Longest value accepted for a form field other than
            the picture, in characters (default 200); errors never echo more.
        max_results_bytes: Disk budget of the results folder, in bytes
            (default 2 GB); while it is used up, composes are refused with 507
            until results expire.
        max_pixels: Largest picture accepted, in pixels (default 50 million),
            checked before decoding; it bounds a compose's memory.
        soundfont: SF2 or SF3 soundfont the audio is played with (default
            ``None``: the best installed, as the CLI); clients cannot choose
            a file on the server.

    Raises:
        ConfigError: If a value is out of range.
    """

    results_dir: Path = field(default_factory=default_results_dir)
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    result_ttl_sec: float = 3600.0
    workers: int = 2
    processes: bool = True
    max_pending: int = DEFAULT_MAX_PENDING
    formats: tuple[str, ...] = DEFAULT_WEB_FORMATS
    sweep_interval_sec: float = 60.0
    header_timeout_sec: float = 10.0
    body_timeout_sec: float = 60.0
    body_idle_sec: float = 10.0
    max_option_chars: int = 200
    max_results_bytes: int = DEFAULT_MAX_RESULTS_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    soundfont: str | None = None

    def __post_init__(self) -> None:
        from image2music.composition import FORMATS
        from image2music.rendering.soundfonts import soundfont_at

        if self.soundfont is not None:
            soundfont_at(self.soundfont)  # a missing or wrong file fails at start, not per request

        object.__setattr__(self, "results_dir", Path(self.results_dir).expanduser())
        if not _whole(self.max_upload_bytes) or self.max_upload_bytes < 1:
            raise ConfigError(
                f"max upload size must be a whole number of bytes >= 1, "
                f"got {self.max_upload_bytes!r}"
            )
        if not self.result_ttl_sec > 0:
            raise ConfigError(f"result TTL must be > 0 seconds, got {self.result_ttl_sec!r}")
        if not _whole(self.workers) or not 1 <= self.workers <= 64:
            raise ConfigError(f"workers must be 1..64, got {self.workers!r}")
        if not _whole(self.max_pending) or self.max_pending < 1:
            raise ConfigError(f"max pending must be >= 1, got {self.max_pending!r}")
        if not self.sweep_interval_sec > 0:
            raise ConfigError(
                f"sweep interval must be > 0 seconds, got {self.sweep_interval_sec!r}"
            )
        for name in ("header_timeout_sec", "body_timeout_sec", "body_idle_sec"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0 < value <= 3600):
                raise ConfigError(f"{name} must be in (0, 3600] seconds, got {value!r}")
        for name, low in (("max_option_chars", 16), ("max_results_bytes", 1), ("max_pixels", 1)):
            value = getattr(self, name)
            if not _whole(value) or value < low:
                raise ConfigError(f"{name} must be a whole number >= {low}, got {value!r}")
        formats = tuple(self.formats)
        bad = [f for f in formats if f not in FORMATS]
        if bad or not formats:
            raise ConfigError(
                f"unknown format {bad or formats!r}; choose from {', '.join(FORMATS)}"
            )
        object.__setattr__(self, "formats", formats)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
