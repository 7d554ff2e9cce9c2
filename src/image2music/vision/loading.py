"""Read a picture from disk, bytes or a stream into a small RGB array.

:func:`load_image` is the only place where third-party decoders run. It never
decodes more pixels than it needs: JPEG files are decoded with libjpeg's DCT
scaling (``Image.draft``), so a 12-megapixel photo is decoded at 1/8 scale, and
every other format is box-reduced and then resampled with Lanczos
(``Image.resize`` with ``reducing_gap``).

Colour handling, in order:

* 16- and 32-bit greys (``I;16``, ``I``, ``F``) are rescaled from their nominal
  range to 0..255 (see :func:`_high_depth_to_l`), never clipped.
* Transparent pictures (``RGBA``, ``LA``, ``PA``, ``P``/``L``/``RGB`` with a
  transparency key) are composited onto **white**, the background on which
  browsers, chat apps and document viewers show them; the colour a person sees.
* An embedded ICC profile (for example Display P3 from a phone) is converted to
  sRGB after downscaling, so every feature is computed in sRGB.
* ``CMYK`` without a usable profile uses Pillow's plain conversion.
* The EXIF orientation (all eight values) is applied last, to the small image.

HEIC/HEIF support comes from ``pillow_heif``, which is imported and registered
only when a file's header says it is HEIF. AVIF is decoded by Pillow itself
when it was built with libavif, otherwise by ``pillow_heif`` when that has it.
"""

from __future__ import annotations

import functools
import importlib
import io
import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from image2music.errors import ImageError

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_MAX_SIDE_PX",
    "SUPPORTED_FORMATS",
    "LoadedImage",
    "load_array",
    "load_image",
    "load_pil",
    "picture_size",
    "rgb_problem",
    "sniff_format",
]

#: Longest side, in pixels, of the array handed to analysis.
DEFAULT_MAX_SIDE_PX = 512

#: Largest picture accepted, in pixels (width x height) of the stored image.
DEFAULT_MAX_PIXELS = 100_000_000

#: Decoder names (Pillow's ``Image.format``) that :func:`load_image` accepts.
#: ``MPO`` is the multi-picture JPEG many cameras and phones write.
SUPPORTED_FORMATS: frozenset[str] = frozenset(
    {"JPEG", "MPO", "PNG", "WEBP", "GIF", "TIFF", "BMP", "HEIF", "AVIF"}
)

# Pillow plugin module of each format, in the order Image.open tries them (most
# common first). Only these are imported: Image.init() would load ~40 plugins.
_PLUGINS = {
    "JPEG": "JpegImagePlugin",
    "PNG": "PngImagePlugin",
    "WEBP": "WebPImagePlugin",
    "GIF": "GifImagePlugin",
    "TIFF": "TiffImagePlugin",
    "BMP": "BmpImagePlugin",
    "MPO": "MpoImagePlugin",
    "AVIF": "AvifImagePlugin",  # Pillow >= 11.2 built with libavif
}
_OPEN_ORDER = (*_PLUGINS, "HEIF")

# How many leading bytes sniff_format needs to see.
_SNIFF_BYTES = 64

# ISO-BMFF major/compatible brands (ISO/IEC 23008-12 and AV1 image file format).
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_GENERIC_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"mif2"})

# Image.Transpose operation that undoes each EXIF orientation (2..8).
_ORIENTATION_FIX: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# JPEG DCT scaling may land this much below the requested size (1/8 instead of
# 1/4 for a 4000-pixel photo), which is what makes large JPEGs cheap.
_DRAFT_SLACK = 0.75

_EXIF_ORIENTATION_TAG = 0x0112


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """A decoded picture, downscaled for analysis.

    Attributes:
        rgb: Read-only sRGB pixels, ``uint8``, shape ``(height, width, 3)``; the
            longer side is at most the ``max_side_px`` asked of :func:`load_image`
            (a JPEG may come out up to 25 % smaller, where DCT scaling allows).
        width_px: Width of the original picture after EXIF rotation, in pixels.
        height_px: Height of the original picture after EXIF rotation, in pixels.
        format: Pillow's name of the file format, e.g. ``"JPEG"`` or ``"HEIF"``.
    """

    rgb: NDArray[np.uint8]
    width_px: int
    height_px: int
    format: str

    @property
    def scale(self) -> float:
        """Analysis pixels per original pixel (1.0 when nothing was downscaled)."""
        return float(self.rgb.shape[1]) / self.width_px


def sniff_format(data: bytes) -> str | None:
    """Name the image format of some bytes from their magic numbers alone.

    Only the first 64 bytes are looked at; nothing is decoded, so a file that
    passes may still turn out to be corrupt in :func:`load_image`.

    Args:
        data: The start of a file (64 bytes suffice; more is fine).

    Returns:
        One of :data:`SUPPORTED_FORMATS` (``"JPEG"``, ``"PNG"``, ``"GIF"``,
        ``"WEBP"``, ``"TIFF"``, ``"BMP"``, ``"HEIF"`` or ``"AVIF"``; an MPO is
        reported as ``"JPEG"``), or ``None`` for anything else.
    """
    head = bytes(data[:_SNIFF_BYTES])
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    if head[:2] == b"BM" and len(head) >= 26:
        return "BMP"
    return _sniff_isobmff(head)


def _sniff_isobmff(head: bytes) -> str | None:
    """HEIF or AVIF from an ISO-BMFF ``ftyp`` box, else ``None``."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    # Compatible brands follow the 4-byte minor version, up to the box end.
    end = min(box_size if box_size >= 16 else 16, len(head))
    brands = {major} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if major in _AVIF_BRANDS or (major not in _HEIF_BRANDS and brands & _AVIF_BRANDS):
        return "AVIF"
    if brands & (_HEIF_BRANDS | _GENERIC_HEIF_BRANDS):
        return "HEIF"
    return None


def load_image(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    max_side_px: int = DEFAULT_MAX_SIDE_PX,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> LoadedImage:
    """Decode a picture into a small sRGB array, ready for analysis.

    Args:
        source: A path, the file's bytes, or a binary stream open for reading
            (read from its current position; not closed; a stream that cannot
            seek is read into memory first).
        max_side_px: Longest side of the returned array, in pixels (default 512).
            Smaller pictures are never upscaled.
        max_pixels: Refuse pictures with more pixels than this (default 100
            million), before decoding any of them. Pillow's own decompression-bomb
            guard (about 179 million pixels) still applies above that.

    Returns:
        The downscaled pixels with the original size and format.

    Raises:
        ImageError: The file is missing, a directory, empty, unreadable, not a
            supported image, truncated or corrupt, or has too many pixels. The
            message is one line and names the source.
    """
    if max_side_px < 1:
        raise ImageError(f"max_side_px must be >= 1, got {max_side_px}")
    if max_pixels < 1:
        raise ImageError(f"max_pixels must be >= 1, got {max_pixels}")
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        if not data:
            raise ImageError("<bytes>: the data is empty")
        return _load_stream(io.BytesIO(data), "<bytes>", max_side_px, max_pixels)
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        name = str(path)
        if not path.exists():
            raise ImageError(f"{name}: file not found")
        if path.is_dir():
            raise ImageError(f"{name}: is a directory, not an image file")
        if not path.is_file():  # a FIFO or device would block or never end
            raise ImageError(f"{name}: not a regular file")
        try:
            with path.open("rb") as fp:
                if os.fstat(fp.fileno()).st_size == 0:
                    raise ImageError(f"{name}: the file is empty")
                return _load_stream(fp, name, max_side_px, max_pixels)
        except OSError as e:
            raise ImageError(f"{name}: cannot read the file ({_one_line(e)})") from e
    name = str(getattr(source, "name", "<stream>"))
    seekable = getattr(source, "seekable", None)
    if not (callable(seekable) and seekable()):
        # Pipes and sockets: Pillow needs to seek, so buffer the whole stream.
        try:
            data = source.read()
        except (OSError, ValueError, AttributeError) as e:
            raise ImageError(f"{name}: cannot read the stream ({_one_line(e)})") from e
        if not isinstance(data, bytes):
            raise ImageError(f"{name}: the stream must be opened in binary mode")
        return _load_stream(io.BytesIO(data), name, max_side_px, max_pixels)
    return _load_stream(source, name, max_side_px, max_pixels)


def _one_line(e: BaseException) -> str:
    """An exception as a single short line (an OS error's reason only, without the path)."""
    reason = e.strerror if isinstance(e, OSError) else None
    text = " ".join((reason or str(e)).split()) or type(e).__name__
    return text[:200]


def _read_head(fp: BinaryIO, name: str) -> bytes:
    """The first bytes of a stream, leaving its position where it was."""
    try:
        start = fp.tell()
        head = fp.read(_SNIFF_BYTES)
        fp.seek(start)
    except (OSError, ValueError, AttributeError) as e:
        raise ImageError(f"{name}: cannot read the stream ({_one_line(e)})") from e
    if not isinstance(head, bytes):
        raise ImageError(f"{name}: the stream must be opened in binary mode")
    return head


@functools.cache
def _import_plugins() -> None:
    """Register Pillow's decoders for the supported formats (once)."""
    for module in _PLUGINS.values():
        try:
            importlib.import_module(f"PIL.{module}")
        except ImportError:  # e.g. no AvifImagePlugin in this Pillow
            continue


def _open_formats() -> tuple[str, ...]:
    """Supported formats that Pillow can open right now."""
    _import_plugins()
    return tuple(f for f in _OPEN_ORDER if f in Image.OPEN)


def _ensure_heif_opener(kind: str | None) -> None:
    """Register ``pillow_heif`` with Pillow the first time a HEIF/AVIF file needs it."""
    _import_plugins()
    if kind == "HEIF" or (kind == "AVIF" and "AVIF" not in Image.OPEN):
        _register_heif()


@functools.cache
def _register_heif() -> None:
    """Import ``pillow_heif`` (about 40 ms) and register its openers, once."""
    try:
        import pillow_heif
    except ImportError:  # pragma: no cover - it is a declared dependency
        return
    pillow_heif.register_heif_opener()
    if "AVIF" not in Image.OPEN and hasattr(pillow_heif, "register_avif_opener"):
        pillow_heif.register_avif_opener()


def picture_size(data: bytes, name: str = "<bytes>") -> tuple[int, int]:
    """Width and height of a picture in pixels, from its header (nothing is decoded).

    Args:
        data: The file's bytes.
        name: How errors name the picture.

    Raises:
        ImageError: If the bytes are not a picture in a supported format.
    """
    with _open(io.BytesIO(data), name) as im:
        width, height = im.size
    return int(width), int(height)


def _load_stream(fp: BinaryIO, name: str, max_side_px: int, max_pixels: int) -> LoadedImage:
    """Open, check, decode and shrink one picture from an open stream."""
    with _open(fp, name) as im:
        return _decode(im, name, max_side_px, max_pixels)


def _open(fp: BinaryIO, name: str) -> Image.Image:
    """Open a picture lazily (header only), with errors that name it."""
    head = _read_head(fp, name)
    if not head:
        raise ImageError(f"{name}: the data is empty")
    kind = sniff_format(head)
    _ensure_heif_opener(kind)
    try:
        with warnings.catch_warnings():
            # Our own max_pixels check below is the limit that applies; Pillow's
            # warning (above ~89 MP) would only be noise. (catch_warnings is not
            # thread-safe before Python 3.14; at worst a warning leaks through.)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(fp, formats=_open_formats())
    except Image.DecompressionBombError as e:
        raise ImageError(f"{name}: too many pixels ({_one_line(e)})") from e
    except UnidentifiedImageError as e:
        supported = ", ".join(sorted(SUPPORTED_FORMATS))
        raise ImageError(f"{name}: not an image in a supported format ({supported})") from e
    except Exception as e:
        raise ImageError(f"{name}: cannot open the image ({_one_line(e)})") from e
    return im


def _decode(im: Image.Image, name: str, max_side_px: int, max_pixels: int) -> LoadedImage:
    fmt = im.format or ""
    width, height = im.size
    if width < 1 or height < 1:
        raise ImageError(f"{name}: the image has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise ImageError(
            f"{name}: too many pixels ({width}x{height} = {width * height:,}; "
            f"the limit is {max_pixels:,})"
        )
    scale = min(1.0, max_side_px / max(width, height))
    try:
        if scale < 1.0 and fmt in ("JPEG", "MPO"):
            draft_size = (
                max(1, math.ceil(width * scale * _DRAFT_SLACK)),
                max(1, math.ceil(height * scale * _DRAFT_SLACK)),
            )
            im.draft("RGB", draft_size)
        im.load()  # full decode here, so truncation is caught in this try
    except Image.DecompressionBombError as e:
        raise ImageError(f"{name}: too many pixels ({_one_line(e)})") from e
    except Exception as e:
        raise ImageError(f"{name}: the image is truncated or corrupt ({_one_line(e)})") from e
    orientation = _orientation(im)
    mode = im.mode
    try:
        small = _to_small_rgb(im, scale_to=max_side_px)
    except Exception as e:
        raise ImageError(
            f"{name}: cannot convert colour mode {mode} to RGB ({_one_line(e)})"
        ) from e
    return _rotated(small, orientation, width, height, fmt)


def _rotated(
    small: Image.Image, orientation: int, width: int, height: int, fmt: str
) -> LoadedImage:
    """Apply the EXIF orientation to the analysis copy and the original size."""
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    fix = _ORIENTATION_FIX.get(orientation)
    if fix is not None:
        small = small.transpose(fix)
    rgb = np.asarray(small, dtype=np.uint8).copy()
    rgb.setflags(write=False)
    return LoadedImage(rgb=rgb, width_px=width, height_px=height, format=fmt)


def rgb_problem(a: NDArray[np.generic]) -> str | None:
    """Why an array is not an sRGB picture (``uint8``, (height, width, 3)), or ``None``."""
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3 or min(a.shape[:2]) < 1:
        return f"uint8 with shape (height, width, 3), got {a.dtype} with shape {a.shape}"
    return None


def _orientation(im: Image.Image) -> int:
    """EXIF orientation still to apply after decoding (1 when none or unreadable).

    Read after ``load()`` on purpose: decoders that rotate by themselves (Pillow's
    TIFF plugin, ``pillow_heif``) drop or reset the tag when they do.
    """
    try:
        value = im.getexif().get(_EXIF_ORIENTATION_TAG, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _target_size(size: tuple[int, int], max_side_px: int) -> tuple[int, int]:
    """Size with the longer side at most ``max_side_px``, aspect ratio kept."""
    w, h = size
    if max(w, h) <= max_side_px:
        return w, h
    s = max_side_px / max(w, h)
    return max(1, round(w * s)), max(1, round(h * s))


def _to_small_rgb(im: Image.Image, *, scale_to: int) -> Image.Image:
    """Normalise the colour mode, downscale, convert to sRGB ``RGB``."""
    icc = im.info.get("icc_profile")
    mode = im.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        im = _high_depth_to_l(im, scale_to)
        icc = None
    elif mode == "1":
        im = im.convert("L")
    elif mode in ("LA", "La", "PA", "RGBa") or (
        mode in ("P", "L", "RGB") and "transparency" in im.info
    ):
        im = im.convert("RGBA")
    elif mode not in ("L", "RGB", "RGBA", "CMYK"):
        im = im.convert("RGB")

    size = _target_size(im.size, scale_to)
    if size != im.size:
        im = im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)

    if im.mode == "RGBA":
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im).convert("RGB")
    if icc and im.mode in ("RGB", "CMYK"):
        im = _icc_to_srgb(im, icc)
    if im.mode != "RGB":
        im = im.convert("RGB")
    return im


def _high_depth_to_l(im: Image.Image, scale_to: int) -> Image.Image:
    """Map a 16/32-bit integer or float grey image to 8-bit ``L``.

    Downscales first (in the high-depth mode), then rescales linearly:

    * ``I;16*``: the nominal range 0..65535 maps to 0..255 (``v / 257``).
    * ``I`` (32-bit int): 0..65535 when all values lie there (16-bit data in a
      wide container, as Pillow reads most 16-bit files), else min..max.
    * ``F`` (32-bit float): 0..1 when all values lie there, else min..max.

    Values are rounded, not truncated; a constant image outside the nominal range
    becomes mid grey.
    """
    if im.mode.startswith("I;16"):
        im = im.convert("I")
    size = _target_size(im.size, scale_to)
    if size != im.size:
        im = im.resize(size, Image.Resampling.BILINEAR, reducing_gap=3.0)
    a = np.asarray(im, dtype=np.float64)
    finite = a[np.isfinite(a)]
    lo_data = float(finite.min()) if finite.size else 0.0
    hi_data = float(finite.max()) if finite.size else 0.0
    if im.mode == "F" and lo_data >= 0.0 and hi_data <= 1.0:
        lo, hi = 0.0, 1.0
    elif im.mode != "F" and lo_data >= 0.0 and hi_data <= 65535.0:
        lo, hi = 0.0, 65535.0
    else:
        lo, hi = lo_data, hi_data
    if hi > lo:
        scaled = (np.nan_to_num(a, nan=lo, posinf=hi, neginf=lo) - lo) * (255.0 / (hi - lo))
    else:
        scaled = np.full_like(a, 128.0)
    out = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    return Image.fromarray(out)


def _icc_to_srgb(im: Image.Image, icc: bytes) -> Image.Image:
    """Convert from an embedded ICC profile to sRGB; unchanged if that fails."""
    try:
        from PIL import ImageCms

        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        dst = ImageCms.createProfile("sRGB")
        out = ImageCms.profileToProfile(im, src, dst, outputMode="RGB")
    except Exception:
        return im
    return out if out is not None else im


def load_pil(image: Image.Image, *, max_side_px: int = DEFAULT_MAX_SIDE_PX) -> LoadedImage:
    """Use a picture already opened with Pillow (any mode; EXIF rotation applied).

    Args:
        image: The picture; it is not modified.
        max_side_px: Analysis size: longest side in pixels (default 512).

    Raises:
        ImageError: If the picture has no pixels or cannot be converted.
    """
    width, height = image.size
    if width < 1 or height < 1:
        raise ImageError(f"image: the picture has no pixels ({width}x{height})")
    try:
        image.load()
        orientation = _orientation(image)
        small = _to_small_rgb(image, scale_to=max_side_px)
    except Exception as e:
        raise ImageError(f"image: cannot convert the picture ({_one_line(e)})") from e
    return _rotated(small, orientation, width, height, image.format or "")


def load_array(pixels: object, *, max_side_px: int = DEFAULT_MAX_SIDE_PX) -> LoadedImage:
    """Use sRGB pixels held in a numpy array.

    Args:
        pixels: ``uint8`` array of shape ``(height, width, 3)`` (RGB order).
        max_side_px: Analysis size: longest side in pixels (default 512).

    Raises:
        ImageError: For any other dtype or shape.
    """
    a = np.asarray(pixels)
    if (problem := rgb_problem(a)) is not None:
        raise ImageError(f"image: a numpy picture must be {problem}")
    height, width = int(a.shape[0]), int(a.shape[1])
    size = _target_size((width, height), max_side_px)
    im = Image.fromarray(np.ascontiguousarray(a))
    if size != (width, height):
        im = im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    rgb = np.asarray(im, dtype=np.uint8).copy()
    rgb.setflags(write=False)
    return LoadedImage(rgb=rgb, width_px=width, height_px=height, format="array")
