"""Checks on an uploaded picture before it is composed.

It must be present, not empty, small enough, and of a supported type by its
content (never by its name or declared type).
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from image2music.service.errors import ApiError
from image2music.vision.loading import picture_size, sniff_format

if TYPE_CHECKING:
    from fastapi import UploadFile

__all__ = ["ACCEPTED_TYPES", "VIDEO_TYPES", "describe_size", "read_upload", "read_video_upload"]

#: Video containers accepted, recognised by their first bytes: name -> test.
VIDEO_TYPES: dict[str, str] = {
    "MP4/MOV": "an ISO media file ('ftyp' at byte 4)",
    "WebM/MKV": "a Matroska file (EBML header)",
    "AVI": "a RIFF AVI file",
    "GIF": "an animated GIF",
}


def _video_kind(data: bytes) -> str | None:
    if data[4:8] == b"ftyp":
        return "MP4/MOV"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "WebM/MKV"
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "AVI"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    return None


#: Picture types accepted, as ``sniff_format`` names them, with their MIME types.
ACCEPTED_TYPES: dict[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "TIFF": "image/tiff",
    "BMP": "image/bmp",
    "HEIF": "image/heic",
    "AVIF": "image/avif",
}


def describe_size(n: int) -> str:
    """A byte count for people: ``20 MB``, ``1.5 MB``, ``800 bytes``."""
    return f"{n / 1_000_000:.3g} MB" if n >= 100_000 else f"{n} bytes"


def _clean_name(filename: str | None) -> str:
    """The last component of an uploaded file's name, printable, at most 120 characters."""
    raw = filename or ""
    base = PureWindowsPath(PurePosixPath(raw).name).name
    printable = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return printable[:120] or "image"


async def _read_limited(upload: UploadFile, max_bytes: int, what: str) -> bytes:
    """An upload's bytes, at most ``max_bytes`` read (413 beyond, 400 when empty)."""
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ApiError(
            413, "too_large", f"the {what} is larger than the limit of {describe_size(max_bytes)}"
        )
    if not data:
        raise ApiError(400, "empty_file", f"the {what} is empty (0 bytes)")
    return data


async def read_upload(
    upload: UploadFile | None, max_bytes: int, max_pixels: int
) -> tuple[bytes, str, str]:
    """Read an uploaded picture and check it.

    Args:
        upload: The ``image`` field of the form (``None`` when missing).
        max_bytes: Largest size accepted.
        max_pixels: Most pixels accepted (read from the header, before decoding).

    Returns:
        The bytes, a safe file name, and the type (``"JPEG"``, ``"PNG"``, ...).

    Raises:
        ApiError: 400 without a file or for an empty one, 413 when too large
            in bytes or pixels, 415 when the content is not a supported
            picture type.
        ImageError: If the picture's header is corrupt (422).
    """
    if upload is None:
        raise ApiError(400, "no_file", "no picture: send it in the form field 'image'")
    data = await _read_limited(upload, max_bytes, "picture")
    kind = sniff_format(data)
    if kind not in ACCEPTED_TYPES:
        raise ApiError(
            415,
            "unsupported_type",
            "this file is not a picture of a supported type; send one of "
            + ", ".join(k for k in ACCEPTED_TYPES),
        )
    name = _clean_name(upload.filename)
    width, height = picture_size(data, name)
    if width * height > max_pixels:
        raise ApiError(
            413,
            "too_large",
            f"the picture has {width} x {height} = {width * height / 1e6:.1f} million pixels; "
            f"the limit is {max_pixels / 1e6:.1f} million",
        )
    return data, name, kind


async def read_video_upload(upload: UploadFile, max_bytes: int) -> tuple[bytes, str]:
    """Read an uploaded video clip and check its size and container by its first bytes.

    Returns:
        The bytes and a safe file name.

    Raises:
        ApiError: 400 for an empty file, 413 when too large, 415 when it is
            not one of :data:`VIDEO_TYPES` (a corrupt clip fails later, 422).
    """
    data = await _read_limited(upload, max_bytes, "video")
    if _video_kind(data) is None:
        raise ApiError(
            415,
            "unsupported_type",
            "this file is not a video of a supported type; send " + ", ".join(VIDEO_TYPES),
        )
    return data, _clean_name(upload.filename)
