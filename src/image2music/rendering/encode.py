"""Audio files through soundfile (libsndfile): WAV, FLAC, OGG Vorbis and MP3.

=======  ==========================  =========================================
format   encoding                    notes
=======  ==========================  =========================================
wav      16-bit PCM                  plays everywhere
flac     16-bit lossless             about half the size of WAV
ogg      Vorbis, libsndfile default  lossy, about a tenth of WAV
mp3      MPEG layer III (LAME)       needs libsndfile >= 1.1 (soundfile >= 0.12
                                     bundles it); checked at run time
=======  ==========================  =========================================

Lossy files can peak a little above the master's -1 dBFS after decoding
(codec overshoot); the lossless ones cannot. libsndfile gives every OGG file
a random stream serial number; :func:`~image2music.rendering.ogg.fix_serial`
sets a fixed one, so the same audio gives the same bytes. Audio is written
in chunks of 32768 frames: libvorbis crashes when a long piece is written in
one call.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from image2music.errors import OutputError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["AUDIO_FORMATS", "encode_audio"]

#: Frames handed to libsndfile per call. libvorbis allocates its work buffer on
#: the stack in proportion to one call's frames and crashes on long pieces
#: written at once (python-soundfile issues 233, 396, 426), so audio goes in chunks.
_CHUNK_FRAMES = 1 << 15

#: File extension -> (libsndfile format, subtype).
AUDIO_FORMATS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "wav": ("WAV", "PCM_16"),
        "flac": ("FLAC", "PCM_16"),
        "ogg": ("OGG", "VORBIS"),
        "mp3": ("MP3", "MPEG_LAYER_III"),
    }
)


def encode_audio(samples: np.ndarray, sample_rate: int, fmt: str) -> bytes:
    """Encode audio as a file.

    Args:
        samples: Float samples, shape ``(frames, channels)``, full scale 1.0.
        sample_rate: In Hz.
        fmt: One of :data:`AUDIO_FORMATS`.

    Returns:
        The file's bytes.

    Raises:
        OutputError: If the format is unknown, this libsndfile cannot write it,
            or encoding fails.
    """
    import soundfile

    if fmt not in AUDIO_FORMATS:
        raise OutputError(f"unknown audio format {fmt!r}; choose from {', '.join(AUDIO_FORMATS)}")
    major, subtype = AUDIO_FORMATS[fmt]
    if major not in soundfile.available_formats() or subtype not in soundfile.available_subtypes(
        major
    ):
        raise OutputError(
            f"{fmt.upper()} output needs a libsndfile with {major}/{subtype} support; this one is "
            f"{soundfile.__libsndfile_version__}: upgrade with  pip install -U soundfile"
        )
    buf = io.BytesIO()
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    try:
        with soundfile.SoundFile(
            buf, "w", sample_rate, channels, subtype=subtype, format=major
        ) as out:
            for start in range(0, samples.shape[0], _CHUNK_FRAMES):
                out.write(samples[start : start + _CHUNK_FRAMES])
    except (RuntimeError, ValueError, TypeError, soundfile.LibsndfileError) as e:
        raise OutputError(f"cannot encode {fmt.upper()}: {e}") from e
    if fmt == "ogg":
        from image2music.rendering.ogg import fix_serial

        return fix_serial(buf.getvalue())
    return buf.getvalue()
