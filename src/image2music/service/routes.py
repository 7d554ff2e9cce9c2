"""The REST API: compose, fetch result files, health and the option choices."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import FileResponse

from image2music.errors import ConfigError
from image2music.options import ComposeOptions, options_from, web_option_specs
from image2music.rendering.pianoroll import HEIGHT_PX, PLOT_AREA_PX, WIDTH_PX
from image2music.service.errors import ApiError
from image2music.service.form_options import with_form_options
from image2music.service.job_registry import Job, JobRegistry
from image2music.service.jobs import BusyError, ComposeInput, ComposeJobs, JobCancelledError
from image2music.service.results import ResultStore, StoredResult
from image2music.service.settings import ServiceSettings
from image2music.service.uploads import ACCEPTED_TYPES, read_upload, read_video_upload
from image2music.version import __version__

__all__ = ["MEDIA_TYPES", "ServiceState", "router"]

T = TypeVar("T")

#: Content type of each result file, by extension.
MEDIA_TYPES: dict[str, str] = {
    "mid": "audio/midi",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "musicxml": "application/vnd.recordare.musicxml+xml",
    "png": "image/png",
    "json": "application/json",
    "mp4": "video/mp4",
}


@dataclass(frozen=True)
class ServiceState:
    """What the routes share, kept on ``app.state.service``.

    Attributes:
        settings: The service's settings.
        store: The results folder.
        jobs: The compose pool.
        formats: Formats made by default (those this installation can make).
        registry: The compose jobs clients follow (``/api/jobs``).
    """

    settings: ServiceSettings
    store: ResultStore
    jobs: ComposeJobs
    formats: tuple[str, ...]
    registry: JobRegistry


router = APIRouter(prefix="/api")

#: The pictures of a sequence together may be this many times one upload's limit.
_SEQUENCE_BYTES_FACTOR = 5

#: The form's picture and formats fields, the same in /api/compose and /api/jobs.
PictureField = Annotated[
    UploadFile | None,
    File(description="The picture: JPEG, PNG, WebP, GIF, TIFF, BMP, HEIC, AVIF"),
]
FormatsField = Annotated[
    str | None,
    Form(description="Comma-separated output formats (default: the server's web formats)"),
]

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": text,
        "content": {"application/json": {"example": {"error": {"code": code, "message": text}}}},
    }
    for status, code, text in (
        (400, "no_file", "No file, an empty file or a bad option"),
        (408, "timeout", "The request came too slowly"),
        (413, "too_large", "The upload is larger than the limit (bytes or pixels)"),
        (415, "unsupported_type", "Not a supported picture type (checked by content)"),
        (422, "bad_image", "A supported type, but truncated or corrupt"),
        (503, "busy", "Too many composes waiting"),
        (507, "storage_full", "No room for results until older ones expire"),
    )
}


def _state(request: Request) -> ServiceState:
    state = request.app.state.service
    assert isinstance(state, ServiceState)
    return state


@router.post(
    "/compose",
    summary="Compose music for a picture",
    responses=_ERRORS,
    response_description="The report (docs/report.md) with the result's id and file URLs",
)
@with_form_options
async def compose_route(
    request: Request,
    image: PictureField = None,
    formats: FormatsField = None,
    **option_values: Any,
) -> dict[str, Any]:
    """Compose music for the uploaded picture and keep its files for a while.

    Takes a multipart form: the picture in `image` and the same options as
    `image2music compose`. Returns the JSON report (`docs/report.md`) with
    `id`, `files` (format -> URL of the file) and `expires_at`.
    """
    state, given, options, fmts = await _prepare(request, image, formats, option_values)
    cancelled = threading.Event()
    work = state.jobs.compose(given, options, fmts, state.store, cancelled)
    stored, report = await _unless_client_leaves(request, work, cancelled)
    return _result_body(request, state, stored, report)


async def _prepare(
    request: Request,
    image: UploadFile | None,
    formats: str | None,
    option_values: dict[str, Any],
    *,
    images: list[UploadFile] | None = None,
    video: UploadFile | None = None,
) -> tuple[ServiceState, ComposeInput, ComposeOptions, tuple[str, ...]]:
    """Check a compose request: its options, formats and files (raises the API's errors).

    One picture in ``image``, two or more in ``images`` (a sequence), or a
    clip in ``video``; a clip's result also has ``mp4`` (the clip with its
    soundtrack).
    """
    state = _state(request)
    settings = state.settings
    _check_lengths({**option_values, "formats": formats}, settings.max_option_chars)
    options = replace(options_from(option_values, adapter="web"), soundfont=settings.soundfont)
    given_count = sum(x is not None and x != [] for x in (image, images, video))
    if given_count > 1:
        raise ConfigError("send one picture in 'image', pictures in 'images' or a clip in 'video'")
    fmts = _formats(formats, state.formats)
    given: ComposeInput
    if video is not None:
        if options.duration_sec is not None:
            raise ConfigError("a clip sets the length: leave 'duration' out")
        data, name = await read_video_upload(video, settings.max_upload_bytes)
        given = ComposeInput("video", ((name, data),))
        fmts = (*fmts, "mp4") if "mp4" not in fmts else fmts
    elif images:
        from image2music.sequence import MAX_PICTURES

        if not 2 <= len(images) <= MAX_PICTURES:
            raise ConfigError(f"a sequence takes 2 to {MAX_PICTURES} pictures, got {len(images)}")
        files = []
        total = 0
        for upload in images:
            data, name, _kind = await read_upload(
                upload, settings.max_upload_bytes, settings.max_pixels
            )
            total += len(data)
            if total > _SEQUENCE_BYTES_FACTOR * settings.max_upload_bytes:
                raise ApiError(413, "too_large", "the pictures together are too large")
            files.append((name, data))
        given = ComposeInput("sequence", tuple(files))
    else:
        data, name, _kind = await read_upload(image, settings.max_upload_bytes, settings.max_pixels)
        given = ComposeInput("picture", ((name, data),))
    await asyncio.to_thread(state.store.check_room)
    return state, given, options, fmts


def _result_body(
    request: Request, state: ServiceState, stored: StoredResult, report: dict[str, Any]
) -> dict[str, Any]:
    """What ``/api/compose`` answers: the report with the result's id and file URLs."""
    base = f"{request.scope.get('root_path', '').rstrip('/')}/api/results/{stored.id}"
    return {
        "id": stored.id,
        "files": {fmt: f"{base}/{filename}" for fmt, filename in stored.files.items()},
        "expires_at": _iso(stored.created + state.store.ttl_sec),
        **report,
    }


@router.post(
    "/jobs",
    status_code=202,
    summary="Start composing music for a picture, and follow it",
    responses=_ERRORS,
    response_description="The job: its id, status, stage and progress (poll its Location)",
)
@with_form_options
async def start_job_route(
    request: Request,
    response: Response,
    image: PictureField = None,
    formats: FormatsField = None,
    images: Annotated[
        list[UploadFile] | None,
        File(description="Two or more pictures, in order: one piece, a section per picture"),
    ] = None,
    video: Annotated[
        UploadFile | None,
        File(description="A video clip (MP4, MOV, WebM, MKV, AVI, GIF): its soundtrack"),
    ] = None,
    **option_values: Any,
) -> dict[str, Any]:
    """Take the same form as `POST /api/compose`, answer 202 at once with the job.

    Besides one picture in `image`, a job takes two or more pictures in
    `images` (one piece, a section per picture, in order) or a clip in `video`
    (a soundtrack as long as the clip; its result adds `mp4`, the clip with it).

    Follow it with `GET /api/jobs/{id}` (its `Location`): `status` (queued,
    running, done, failed, cancelled), `stage`, `progress` in [0, 1], then
    `result` (the body `/api/compose` answers) or `error`. `DELETE` cancels it.
    """
    state, given, options, fmts = await _prepare(
        request, image, formats, option_values, images=images, video=video
    )
    if state.jobs.in_flight >= state.jobs.workers + state.jobs.max_pending:
        raise BusyError("the server is busy; try again in a minute")

    async def work(job: Job) -> dict[str, Any]:
        stored, report = await state.jobs.compose(
            given, options, fmts, state.store, job.cancelled, job.board
        )
        return _result_body(request, state, stored, report)

    job = state.registry.start(work)
    location = f"{request.scope.get('root_path', '').rstrip('/')}/api/jobs/{job.id}"
    response.headers["Location"] = location
    return {**job.to_json(), "location": location}


@router.get("/jobs/{job_id}", summary="How far a compose job is", responses=_ERRORS)
async def job_route(request: Request, job_id: str) -> dict[str, Any]:
    """The job's `status`, `stage`, `progress`, and its `result` or `error` when it ended."""
    return _state(request).registry.get(job_id).to_json()


@router.delete("/jobs/{job_id}", summary="Cancel a compose job", responses=_ERRORS)
async def cancel_job_route(request: Request, job_id: str) -> dict[str, Any]:
    """Stop the job: a queued one never starts, a running one stops at its next stage."""
    return _state(request).registry.cancel(job_id).to_json()


def _check_lengths(values: dict[str, Any], limit: int) -> None:
    """Refuse an over-long form value without echoing it.

    Raises:
        ConfigError: Naming the field, its length and the limit.
    """
    for field, value in values.items():
        if isinstance(value, str) and len(value) > limit:
            raise ConfigError(f"{field} is too long: {len(value)} characters (at most {limit})")


async def _unless_client_leaves(
    request: Request, work: Coroutine[Any, Any, T], cancelled: threading.Event
) -> T:
    """Await ``work``; if the client disconnects first, stop it and raise.

    Raises:
        JobCancelledError: If the client went away (``cancelled`` is set, so the
            compose stops at its next stage and keeps no result).
    """
    job = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({job, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
    if not job.done():
        cancelled.set()
        job.cancel()
        raise JobCancelledError("the client went away before its music was ready")
    return job.result()


async def _disconnected(request: Request) -> None:
    """Return when the client has closed its connection."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _formats(given: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    from image2music.composition import FORMATS

    if given is None or not given.strip():
        return default
    fmts = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in given.split(",")))
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not all(fmts):
        raise ConfigError(f"unknown format {given!r}; choose from {', '.join(FORMATS)}")
    return fmts


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


@router.get(
    "/results/{result_id}/{filename}",
    summary="Download a file of a result",
    response_class=FileResponse,
    responses={404: {"description": "Unknown or expired result, or no such file"}},
)
async def result_file(request: Request, result_id: str, filename: str) -> FileResponse:
    """One file of a result, e.g. ``/api/results/ID/photo.mp3``."""
    state = _state(request)
    path = state.store.path(result_id, filename)
    ext = path.suffix.lstrip(".")
    return FileResponse(
        path,
        media_type=MEDIA_TYPES.get(ext, "application/octet-stream"),
        headers={"Cache-Control": "private, max-age=3600"},
    )


@router.get("/health", summary="Is the service up?")
async def health(request: Request) -> dict[str, Any]:
    """Status, version, the pool's size and how many composes are in flight."""
    state = _state(request)
    return {
        "status": "ok",
        "version": __version__,
        "workers": state.jobs.workers,
        "in_flight": state.jobs.in_flight,
        "formats": list(state.formats),
    }


@router.get("/options", summary="The choices each compose option accepts")
async def option_choices(request: Request) -> dict[str, Any]:
    """Choices for the page's controls, and the upload limits."""
    from image2music.arrangement.gm import GM_ALIASES, GM_NAMES
    from image2music.arrangement.instruments import PARTS
    from image2music.arrangement.styles import STYLES
    from image2music.composition import FORMATS

    state = _state(request)
    specs = {spec.web: spec for spec in web_option_specs()}

    def choices(name: str) -> list[Any]:
        return list(specs[name].choices or ())

    return {
        "options": [
            {
                "name": spec.web,
                "type": spec.kind.__name__,
                "default": spec.unset_default if spec.default is None else spec.default,
                "optional": spec.optional,
                "choices": None if spec.choices is None else list(spec.choices),
                "help": spec.help,
            }
            for spec in specs.values()
        ],
        "bars": choices("bars"),
        "modes": choices("mode"),
        "emotion": choices("emotion"),
        "harmony": choices("harmony"),
        "melody": choices("melody"),
        "styles": {name: style.description for name, style in STYLES.items()},
        "instrument_parts": list(PARTS),
        "instruments": [{"program": p, "name": n} for p, n in sorted(GM_NAMES.items())],
        "instrument_aliases": sorted(GM_ALIASES),
        "synths": choices("synth"),
        "formats": list(FORMATS),
        "default_formats": list(state.formats),
        "image_types": sorted(set(ACCEPTED_TYPES.values())),
        "max_upload_bytes": state.settings.max_upload_bytes,
        "pianoroll": {"width_px": WIDTH_PX, "height_px": HEIGHT_PX, "plot_px": list(PLOT_AREA_PX)},
        "result_ttl_sec": state.store.ttl_sec,
    }
