"""Factories for the vision tests: tiny pictures written by Pillow into tmp_path.

Helpers are handed out as fixtures (not imported), so this conftest never
clashes with another test folder's.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

DATA_DIR = Path(__file__).parent / "data"

SaveImage = Callable[..., Path]


@pytest.fixture
def save_image(tmp_path: Path) -> SaveImage:
    """Write a Pillow image to ``tmp_path / name`` and return the path."""

    def _save(name: str, image: Image.Image, fmt: str | None = None, **kwargs: Any) -> Path:
        path = tmp_path / name
        image.save(path, format=fmt, **kwargs)
        return path

    return _save


def _solid(colour: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> NDArray[np.uint8]:
    """An ``(height, width, 3)`` array of one colour; ``size`` is (width, height)."""
    w, h = size
    a = np.empty((h, w, 3), dtype=np.uint8)
    a[...] = colour
    return a


def _marker_image(width: int = 60, height: int = 30) -> Image.Image:
    """A blue picture with a red block in its top-left corner: shows any rotation."""
    a = np.zeros((height, width, 3), dtype=np.uint8)
    a[...] = (0, 0, 255)
    a[: height // 2, : width // 3] = (255, 0, 0)
    return Image.fromarray(a)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels but holds no data."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def _write_rgb16_tiff(path: Path, arr: NDArray[np.uint16]) -> None:
    """A minimal uncompressed little-endian 16-bit-per-channel RGB TIFF.

    Pillow cannot write these itself (it has no 48-bit RGB mode).
    """
    h, w, _ = arr.shape
    data = arr.astype("<u2").tobytes()
    bps_off = 8
    data_off = bps_off + 6
    ifd_off = data_off + len(data)
    ifd_off += ifd_off % 2

    def long_entry(tag: int, value: int) -> bytes:
        return struct.pack("<HHII", tag, 4, 1, value)

    def short_entry(tag: int, value: int) -> bytes:
        return struct.pack("<HHIHH", tag, 3, 1, value, 0)

    entries = [
        long_entry(256, w),
        long_entry(257, h),
        struct.pack("<HHII", 258, 3, 3, bps_off),  # BitsPerSample 16,16,16
        short_entry(259, 1),  # no compression
        short_entry(262, 2),  # RGB
        long_entry(273, data_off),
        short_entry(277, 3),
        long_entry(278, h),
        long_entry(279, len(data)),
        short_entry(284, 1),
    ]
    out = b"II*\x00" + struct.pack("<I", ifd_off) + struct.pack("<HHH", 16, 16, 16) + data
    out += b"\x00" * (ifd_off - len(out))
    out += struct.pack("<H", len(entries)) + b"".join(entries) + struct.pack("<I", 0)
    path.write_bytes(out)


@pytest.fixture
def solid() -> Callable[..., NDArray[np.uint8]]:
    """``solid(colour, size=(w, h))``: an RGB array of one colour."""
    return _solid


@pytest.fixture
def marker_image() -> Callable[..., Image.Image]:
    """``marker_image(w, h)``: blue with a red top-left block, to see rotations."""
    return _marker_image


@pytest.fixture
def photo() -> Callable[[str], Path]:
    """``photo(name)``: path of a real photo in tests/vision/data."""
    return lambda name: DATA_DIR / name


@pytest.fixture
def png_header_only() -> Callable[[int, int], bytes]:
    """``png_header_only(w, h)``: PNG bytes claiming a size, without pixel data."""
    return _png_header_only


@pytest.fixture
def write_rgb16_tiff() -> Callable[[Path, NDArray[np.uint16]], None]:
    """``write_rgb16_tiff(path, arr)``: write a 48-bit RGB TIFF by hand."""
    return _write_rgb16_tiff
