"""load_image and sniff_format: formats, colour modes, orientation, bad input."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from image2music.errors import ImageError
from image2music.vision.loading import SUPPORTED_FORMATS, LoadedImage, load_image, sniff_format

SaveImage = Callable[..., Path]
Solid = Callable[..., NDArray[np.uint8]]

RED = (255, 0, 0)
BLUE = (0, 0, 255)


def _close(pixel: NDArray[np.uint8], colour: tuple[int, int, int], tol: int = 12) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(colour)) <= tol))


def _centre(img: LoadedImage) -> NDArray[np.uint8]:
    h, w = img.rgb.shape[:2]
    return np.asarray(img.rgb[h // 2, w // 2], dtype=np.uint8)


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("name", "fmt", "kwargs"),
    [
        ("red.jpg", "JPEG", {"quality": 95}),
        ("red.png", "PNG", {}),
        ("red.webp", "WEBP", {"quality": 95}),
        ("red.gif", "GIF", {}),
        ("red.tif", "TIFF", {}),
        ("red.bmp", "BMP", {}),
    ],
)
def test_common_formats_load_as_rgb(
    save_image: SaveImage, solid: Solid, name: str, fmt: str, kwargs: dict[str, object]
) -> None:
    path = save_image(name, Image.fromarray(solid(RED, (40, 30))), fmt, **kwargs)
    img = load_image(path)
    assert img.format == fmt
    assert (img.width_px, img.height_px) == (40, 30)
    assert img.rgb.shape == (30, 40, 3)
    assert img.rgb.dtype == np.uint8
    assert _close(_centre(img), RED)


def test_heic_loads_through_pillow_heif(tmp_path: Path, solid: Solid) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    path = tmp_path / "red.heic"
    pillow_heif.from_pillow(Image.fromarray(solid(RED, (64, 48)))).save(path, quality=95)
    img = load_image(path)
    assert img.format == "HEIF"
    assert (img.width_px, img.height_px) == (64, 48)
    assert _close(_centre(img), RED, tol=20)


def test_avif_loads(save_image: SaveImage, solid: Solid) -> None:
    Image.init()
    if "AVIF" not in Image.SAVE:
        pytest.skip("this Pillow was built without AVIF support")
    path = save_image("red.avif", Image.fromarray(solid(RED, (64, 48))), "AVIF", quality=95)
    img = load_image(path)
    assert img.format == "AVIF"
    assert (img.width_px, img.height_px) == (64, 48)
    assert _close(_centre(img), RED, tol=20)


def test_mpo_camera_jpeg_loads(save_image: SaveImage, solid: Solid) -> None:
    first = Image.fromarray(solid(RED, (40, 30)))
    second = Image.fromarray(solid(BLUE, (40, 30)))
    path = save_image("camera.mpo", first, "MPO", save_all=True, append_images=[second])
    img = load_image(path)
    assert img.format == "MPO"
    assert _close(_centre(img), RED)


def test_gif_animation_uses_first_frame(save_image: SaveImage, solid: Solid) -> None:
    frames = [Image.fromarray(solid(c, (32, 32))) for c in (RED, BLUE, (0, 255, 0))]
    path = save_image("anim.gif", frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert Image.open(path).n_frames == 3
    img = load_image(path)
    assert img.format == "GIF"
    assert _close(_centre(img), RED)


# --------------------------------------------------------------------------- colour modes


def test_cmyk_jpeg_becomes_rgb(save_image: SaveImage) -> None:
    path = save_image("cmyk.jpg", Image.new("CMYK", (32, 24), (0, 255, 255, 0)), "JPEG")
    img = load_image(path)
    assert _close(_centre(img), RED, tol=20)


def test_palette_png_becomes_rgb(save_image: SaveImage) -> None:
    im = Image.new("P", (32, 24), 1)
    im.putpalette([*RED, *BLUE])
    img = load_image(save_image("palette.png", im, "PNG"))
    assert _close(_centre(img), BLUE, tol=0)


def test_palette_transparency_composites_onto_white(save_image: SaveImage) -> None:
    im = Image.new("P", (32, 24), 0)
    im.putpalette([*RED, *BLUE])
    img = load_image(save_image("palette_trns.png", im, "PNG", transparency=0))
    assert _close(_centre(img), (255, 255, 255), tol=0)


def test_rgba_half_transparent_red_is_pink_on_white(save_image: SaveImage) -> None:
    im = Image.new("RGBA", (32, 24), (255, 0, 0, 128))
    img = load_image(save_image("rgba.png", im, "PNG"))
    assert _close(_centre(img), (255, 127, 127), tol=2)


def test_fully_transparent_la_is_white(save_image: SaveImage) -> None:
    img = load_image(save_image("la.png", Image.new("LA", (32, 24), (0, 0)), "PNG"))
    assert _close(_centre(img), (255, 255, 255), tol=0)


def test_opaque_la_keeps_its_grey(save_image: SaveImage) -> None:
    img = load_image(save_image("la_opaque.png", Image.new("LA", (32, 24), (60, 255)), "PNG"))
    assert _close(_centre(img), (60, 60, 60), tol=0)


def test_greyscale_l_becomes_equal_channels(save_image: SaveImage) -> None:
    img = load_image(save_image("grey.png", Image.new("L", (32, 24), 77), "PNG"))
    assert _close(_centre(img), (77, 77, 77), tol=0)


def test_one_bit_image_is_black_and_white(save_image: SaveImage) -> None:
    im = Image.new("1", (32, 24), 0)
    im.paste(1, (16, 0, 32, 24))
    img = load_image(save_image("bilevel.png", im, "PNG"))
    assert _close(img.rgb[12, 4], (0, 0, 0), tol=0)
    assert _close(img.rgb[12, 28], (255, 255, 255), tol=0)


def test_16_bit_grey_png_is_scaled_not_clipped(save_image: SaveImage) -> None:
    ramp = np.tile(np.array([0, 16384, 32768, 65535], dtype=np.uint16).repeat(8), (8, 1))
    im = Image.fromarray(ramp)
    assert im.mode == "I;16"
    img = load_image(save_image("grey16.png", im, "PNG"))
    row = img.rgb[4, :, 0]
    assert row[4] == 0
    assert abs(int(row[12]) - 64) <= 1
    assert abs(int(row[20]) - 128) <= 1
    assert row[28] == 255


def test_32_bit_integer_grey_uses_the_16_bit_range(save_image: SaveImage) -> None:
    arr = np.full((8, 8), 32768, dtype=np.int32)
    arr[:, 4:] = 0
    img = load_image(save_image("grey32.tif", Image.fromarray(arr), "TIFF"))
    assert abs(int(img.rgb[4, 1, 0]) - 128) <= 1
    assert img.rgb[4, 6, 0] == 0


def test_32_bit_integer_grey_beyond_16_bits_is_stretched(save_image: SaveImage) -> None:
    arr = np.full((8, 8), 10_000_000, dtype=np.int32)
    arr[:, 4:] = -10_000_000
    img = load_image(save_image("grey32wide.tif", Image.fromarray(arr), "TIFF"))
    assert img.rgb[4, 1, 0] == 255
    assert img.rgb[4, 6, 0] == 0


def test_float_grey_in_unit_range_maps_to_0_255(save_image: SaveImage) -> None:
    arr = np.full((8, 8), 0.5, dtype=np.float32)
    arr[:, 4:] = 1.0
    img = load_image(save_image("greyf.tif", Image.fromarray(arr), "TIFF"))
    assert abs(int(img.rgb[4, 1, 0]) - 128) <= 1
    assert img.rgb[4, 6, 0] == 255


def test_float_grey_outside_unit_range_is_stretched(save_image: SaveImage) -> None:
    arr = np.full((8, 8), -3.0, dtype=np.float32)
    arr[:, 4:] = 1000.0
    img = load_image(save_image("greyf_wide.tif", Image.fromarray(arr), "TIFF"))
    assert img.rgb[4, 1, 0] == 0
    assert img.rgb[4, 6, 0] == 255


def test_16_bit_rgb_tiff(
    tmp_path: Path, write_rgb16_tiff: Callable[[Path, NDArray[np.uint16]], None]
) -> None:
    arr = np.zeros((6, 8, 3), dtype=np.uint16)
    arr[...] = (65535, 32768, 0)
    path = tmp_path / "rgb48.tif"
    write_rgb16_tiff(path, arr)
    img = load_image(path)
    assert img.format == "TIFF"
    assert _close(_centre(img), (255, 128, 0), tol=1)


def test_16_bit_rgb_png(tmp_path: Path) -> None:
    # Pillow cannot write 48-bit PNG; build one with zlib by hand.
    import struct
    import zlib

    w, h = 8, 6
    px = np.zeros((h, w, 3), dtype=">u2")
    px[...] = (0, 32768, 65535)
    raw = b"".join(b"\x00" + px[y].tobytes() for y in range(h))

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    path = tmp_path / "rgb48.png"
    path.write_bytes(data)
    img = load_image(path)
    assert _close(_centre(img), (0, 128, 255), tol=1)


def test_embedded_icc_profile_is_converted_to_srgb(save_image: SaveImage, solid: Solid) -> None:
    from PIL import ImageCms

    profile: Any = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    im = Image.fromarray(solid((200, 100, 50), (32, 24)))
    img = load_image(save_image("icc.png", im, "PNG", icc_profile=profile.tobytes()))
    assert _close(_centre(img), (200, 100, 50), tol=2)


def test_unreadable_icc_profile_is_ignored(save_image: SaveImage, solid: Solid) -> None:
    im = Image.fromarray(solid((200, 100, 50), (32, 24)))
    img = load_image(save_image("badicc.png", im, "PNG", icc_profile=b"not a profile"))
    assert _close(_centre(img), (200, 100, 50), tol=0)


# --------------------------------------------------------------------------- orientation

# How a camera stores an upright scene for each EXIF orientation: the inverse of
# the transpose a viewer applies (6 and 8 are quarter turns, the rest flips).
_STORE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_exif_orientation_is_applied(
    save_image: SaveImage,
    marker_image: Callable[..., Image.Image],
    orientation: int,
    fmt: str,
) -> None:
    upright = marker_image(60, 30)
    undo = _STORE[orientation]
    stored = upright if undo is None else upright.transpose(undo)
    exif = Image.Exif()
    exif[0x0112] = orientation
    kwargs: dict[str, object] = {"exif": exif.tobytes()}
    if fmt in ("JPEG", "WEBP"):
        kwargs["quality"] = 95
    path = save_image(f"o{orientation}.{fmt.lower()}", stored, fmt, **kwargs)
    img = load_image(path)
    assert (img.width_px, img.height_px) == (60, 30)
    assert img.rgb.shape == (30, 60, 3)
    assert _close(img.rgb[5, 5], RED, tol=40), img.rgb[5, 5]
    assert _close(img.rgb[25, 55], BLUE, tol=40), img.rgb[25, 55]


def test_heic_orientation_reports_rotated_size(
    tmp_path: Path, marker_image: Callable[..., Image.Image]
) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    stored = marker_image(60, 30).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "rot.heic"
    pillow_heif.from_pillow(stored).save(path, quality=95, exif=exif.tobytes())
    img = load_image(path)
    assert (img.width_px, img.height_px) == (60, 30)
    assert _close(img.rgb[5, 5], RED, tol=50)


# --------------------------------------------------------------------------- downscaling


def test_large_jpeg_is_downscaled_with_draft(save_image: SaveImage) -> None:
    rng = np.random.default_rng(1)
    arr = rng.integers(0, 256, (1500, 2000, 3), dtype=np.uint8)
    path = save_image("big.jpg", Image.fromarray(arr), "JPEG", quality=80)
    img = load_image(path)
    assert (img.width_px, img.height_px) == (2000, 1500)
    longest = max(img.rgb.shape[:2])
    assert 384 <= longest <= 512
    assert img.rgb.shape[1] / img.rgb.shape[0] == pytest.approx(2000 / 1500, rel=0.02)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "TIFF"])
def test_large_non_jpeg_is_downscaled_exactly(
    save_image: SaveImage, solid: Solid, fmt: str
) -> None:
    path = save_image(f"big.{fmt.lower()}", Image.fromarray(solid(RED, (1200, 900))), fmt)
    img = load_image(path, max_side_px=300)
    assert img.rgb.shape == (225, 300, 3)
    assert (img.width_px, img.height_px) == (1200, 900)
    assert img.scale == pytest.approx(0.25)


def test_small_images_are_not_upscaled(save_image: SaveImage, solid: Solid) -> None:
    img = load_image(save_image("tiny.png", Image.fromarray(solid(RED, (7, 5))), "PNG"))
    assert img.rgb.shape == (5, 7, 3)


def test_pixels_are_read_only(save_image: SaveImage, solid: Solid) -> None:
    img = load_image(save_image("ro.png", Image.fromarray(solid(RED, (8, 8))), "PNG"))
    with pytest.raises(ValueError, match="read-only"):
        img.rgb[0, 0, 0] = 1


# --------------------------------------------------------------------------- sources


def test_bytes_and_stream_sources(save_image: SaveImage, solid: Solid) -> None:
    path = save_image("src.png", Image.fromarray(solid(BLUE, (16, 12))), "PNG")
    data = path.read_bytes()
    from_bytes = load_image(data)
    with path.open("rb") as fp:
        from_stream = load_image(fp)
        assert not fp.closed
    from_buffer = load_image(io.BytesIO(data))
    for img in (from_bytes, from_stream, from_buffer):
        assert img.format == "PNG"
        assert _close(_centre(img), BLUE, tol=0)


class _Pipe(io.RawIOBase):
    """A readable, non-seekable binary stream, like a pipe or a socket."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, b: Any) -> int:
        chunk = self._buf.read(len(b))
        b[: len(chunk)] = chunk
        return len(chunk)


def test_non_seekable_stream(save_image: SaveImage, solid: Solid) -> None:
    path = save_image("pipe.png", Image.fromarray(solid(BLUE, (16, 12))), "PNG")
    img = load_image(io.BufferedReader(_Pipe(path.read_bytes())))
    assert img.format == "PNG"
    assert _close(_centre(img), BLUE, tol=0)


def test_text_stream_is_refused() -> None:
    with pytest.raises(ImageError, match="binary mode"):
        load_image(io.StringIO("not bytes"))  # type: ignore[arg-type]


def test_str_path_works(save_image: SaveImage, solid: Solid) -> None:
    path = save_image("str.png", Image.fromarray(solid(BLUE, (16, 12))), "PNG")
    assert load_image(str(path)).format == "PNG"


# --------------------------------------------------------------------------- bad input


def _assert_one_line(err: pytest.ExceptionInfo[ImageError], needle: str) -> None:
    msg = str(err.value)
    assert "\n" not in msg
    assert needle in msg


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.jpg"
    with pytest.raises(ImageError, match="not found") as err:
        load_image(path)
    _assert_one_line(err, str(path))


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="directory") as err:
        load_image(tmp_path)
    _assert_one_line(err, str(tmp_path))


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(ImageError, match="empty") as err:
        load_image(path)
    _assert_one_line(err, str(path))


def test_empty_bytes_and_stream() -> None:
    with pytest.raises(ImageError, match="empty"):
        load_image(b"")
    with pytest.raises(ImageError, match="empty"):
        load_image(io.BytesIO(b""))


def test_text_file_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("these are not pixels\n" * 20)
    with pytest.raises(ImageError, match="not an image") as err:
        load_image(path)
    _assert_one_line(err, str(path))
    assert err.value.__cause__ is not None


def test_random_bytes_are_not_an_image() -> None:
    data = np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    with pytest.raises(ImageError, match="not an image"):
        load_image(data)


def test_unsupported_format_is_refused(save_image: SaveImage, solid: Solid) -> None:
    path = save_image("pic.ppm", Image.fromarray(solid(RED, (8, 8))), "PPM")
    with pytest.raises(ImageError, match="supported"):
        load_image(path)


def _noise(w: int, h: int) -> Image.Image:
    return Image.fromarray(np.random.default_rng(3).integers(0, 256, (h, w, 3), dtype=np.uint8))


def test_truncated_jpeg(save_image: SaveImage) -> None:
    path = save_image("whole.jpg", _noise(200, 150), "JPEG", quality=90)
    cut = path.with_name("cut.jpg")
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ImageError, match="truncated or corrupt") as err:
        load_image(cut)
    _assert_one_line(err, str(cut))
    assert err.value.__cause__ is not None


def test_truncated_png(save_image: SaveImage) -> None:
    path = save_image("whole.png", _noise(200, 150), "PNG")
    cut = path.with_name("cut.png")
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ImageError, match="truncated or corrupt"):
        load_image(cut)


def test_truncated_image_does_not_flip_pillow_global() -> None:
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_too_many_pixels_with_small_limit(save_image: SaveImage, solid: Solid) -> None:
    path = save_image("big.png", Image.fromarray(solid(RED, (40, 30))), "PNG")
    with pytest.raises(ImageError, match="too many pixels") as err:
        load_image(path, max_pixels=1000)
    _assert_one_line(err, "1,200")


def test_pillow_decompression_bomb_is_wrapped(
    tmp_path: Path, png_header_only: Callable[[int, int], bytes]
) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(20_000, 20_000))
    with pytest.raises(ImageError, match="too many pixels"):
        load_image(path)


def test_header_over_our_limit_but_under_pillows_is_refused_before_decoding(
    tmp_path: Path, png_header_only: Callable[[int, int], bytes]
) -> None:
    path = tmp_path / "large.png"
    path.write_bytes(png_header_only(12_000, 9_000))  # 108 MP: PIL only warns
    with pytest.raises(ImageError, match="too many pixels"):
        load_image(path)


def test_bad_arguments() -> None:
    with pytest.raises(ImageError, match="max_side_px"):
        load_image(b"x", max_side_px=0)
    with pytest.raises(ImageError, match="max_pixels"):
        load_image(b"x", max_pixels=0)


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("fmt", "kwargs"),
    [("JPEG", {}), ("PNG", {}), ("GIF", {}), ("WEBP", {}), ("TIFF", {}), ("BMP", {})],
)
def test_sniff_format_by_content(solid: Solid, fmt: str, kwargs: dict[str, Any]) -> None:
    buf = io.BytesIO()
    Image.fromarray(solid(RED, (8, 8))).save(buf, fmt, **kwargs)
    assert sniff_format(buf.getvalue()) == fmt
    assert fmt in SUPPORTED_FORMATS


def test_sniff_heic_and_avif(solid: Solid) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    buf = io.BytesIO()
    pillow_heif.from_pillow(Image.fromarray(solid(RED, (16, 16)))).save(buf, format="HEIF")
    assert sniff_format(buf.getvalue()) == "HEIF"
    avif_head = b"\x00\x00\x00\x20ftypavif\x00\x00\x00\x00avifmif1miafMA1B"
    assert sniff_format(avif_head) == "AVIF"
    generic_avif = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif"
    assert sniff_format(generic_avif) == "AVIF"


@pytest.mark.parametrize(
    "data",
    [b"", b"hello world", b"%PDF-1.7\n", b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp42"],
)
def test_sniff_rejects_non_images(data: bytes) -> None:
    assert sniff_format(data) is None


# --------------------------------------------------------------------------- laziness


def test_import_and_jpeg_load_do_not_import_pillow_heif(
    save_image: SaveImage, solid: Solid, tmp_path: Path
) -> None:
    jpg = save_image("lazy.jpg", Image.fromarray(solid(RED, (16, 16))), "JPEG")
    heic = tmp_path / "lazy.heic"
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.from_pillow(Image.fromarray(solid(RED, (16, 16)))).save(heic)
    code = (
        "import sys\n"
        "import image2music.vision as v\n"
        "assert 'cv2' not in sys.modules and 'pillow_heif' not in sys.modules\n"
        f"v.load_image({str(jpg)!r})\n"
        "assert 'pillow_heif' not in sys.modules\n"
        f"assert v.load_image({str(heic)!r}).format == 'HEIF'\n"
        "assert 'pillow_heif' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
