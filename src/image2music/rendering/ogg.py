"""Fixed Ogg stream serial numbers, so the same audio gives the same OGG bytes.

libsndfile (through libvorbis' Ogg muxer) gives every file a random stream
serial number. :func:`fix_serial` rewrites it in every page header and
recomputes each page's checksum (the Ogg CRC-32: polynomial 0x04C11DB7, no
reflection, initial value 0, over the page with its checksum field zeroed;
RFC 3533). Nothing else in the stream changes.
"""

from __future__ import annotations

import struct

from image2music.errors import OutputError

__all__ = ["SERIAL", "fix_serial", "ogg_crc"]

#: The serial number written into every file ("i2m!").
SERIAL = 0x69326D21


def _table() -> tuple[int, ...]:
    out = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        out.append(r & 0xFFFFFFFF)
    return tuple(out)


_CRC = _table()


def ogg_crc(data: bytes | bytearray | memoryview) -> int:
    """The Ogg page checksum of ``data``."""
    crc = 0
    for byte in bytes(data):
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[((crc >> 24) & 0xFF) ^ byte]
    return crc


def fix_serial(data: bytes, serial: int = SERIAL) -> bytes:
    """The same Ogg stream with every page's serial number set to ``serial``.

    Raises:
        OutputError: If the bytes are not a well-formed sequence of Ogg pages.
    """
    out = bytearray(data)
    pos = 0
    while pos < len(out):
        if out[pos : pos + 4] != b"OggS" or pos + 27 > len(out):
            raise OutputError(f"not an Ogg page at byte {pos}")
        segments = out[pos + 26]
        if pos + 27 + segments > len(out):
            raise OutputError(f"truncated Ogg page at byte {pos}")
        body = sum(out[pos + 27 : pos + 27 + segments])
        end = pos + 27 + segments + body
        if end > len(out):
            raise OutputError(f"truncated Ogg page at byte {pos}")
        struct.pack_into("<I", out, pos + 14, serial)
        struct.pack_into("<I", out, pos + 22, 0)
        struct.pack_into("<I", out, pos + 22, ogg_crc(memoryview(out)[pos:end]))
        pos = end
    return bytes(out)
