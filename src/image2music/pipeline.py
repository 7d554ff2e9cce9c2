"""The pipeline: picture -> features -> emotion -> plan -> harmony -> melody -> score.

Every way in (the Python API, the CLI, the web service) calls :func:`compose`.
Randomness flows from one :class:`numpy.random.SeedSequence` built from the
seed; each stage gets its own child generator, so swapping one stage's
generator does not change what the others draw.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import numpy as np

from image2music.composition import Composition
from image2music.emotion import EmotionEstimator, estimator_for
from image2music.emotion.override import override_emotion
from image2music.options import ComposeOptions
from image2music.rendering.report import ImageInfo, ModelInfo, build_report
from image2music.types import Emotion, ImageFeatures

__all__ = ["STAGES", "ImageSource", "ProgressCallback", "compose", "compose_features"]

#: Stage names in order, as reported to progress callbacks.
STAGES: tuple[str, ...] = ("analyse", "emotion", "plan", "harmony", "melody", "arrange", "report")

#: What :func:`compose` accepts as a picture: a path, the file's bytes, or a binary file.
ImageSource = str | os.PathLike[str] | bytes | IO[bytes]

#: Called as ``progress(stage, index, total)`` before each stage.
ProgressCallback = Callable[[str, int, int], None]


def _image_info(source: str | os.PathLike[str] | bytes) -> ImageInfo:
    if isinstance(source, bytes):
        return ImageInfo("image", hashlib.sha256(source).hexdigest())
    path = Path(source)
    with path.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return ImageInfo(path.name, digest)


def compose(
    image: ImageSource,
    options: ComposeOptions | None = None,
    *,
    estimator: EmotionEstimator | None = None,
    progress: ProgressCallback | None = None,
    **overrides: Any,
) -> Composition:
    """Compose music for a picture.

    Args:
        image: Path, bytes or binary file of a picture (JPEG, PNG, WebP, GIF,
            TIFF, BMP, HEIC, AVIF).
        options: Composition options; keyword ``overrides`` replace fields of
            it (``compose("a.jpg", bars=4, seed=7)``).
        estimator: Emotion estimator (default: the one ``options.emotion`` names).
        progress: Called before each stage with ``(stage, index, total)``.
        **overrides: Fields of :class:`ComposeOptions`.

    Returns:
        The composition, held in memory; call ``.write(outdir)`` for files.

    Raises:
        ImageError: If the picture cannot be read.
        ConfigError: If an option is invalid.
        Image2MusicError: For any other failure of a stage.
    """
    opts = replace(options or ComposeOptions(), **overrides)
    from image2music.vision import analyse_image

    source: str | os.PathLike[str] | io.BytesIO
    name: object = None
    if isinstance(image, str | os.PathLike):
        source = image
    else:
        name = getattr(image, "name", None)
        data = image if isinstance(image, bytes) else image.read()
        source = io.BytesIO(data)
        image = data
    _step(progress, "analyse")
    features = analyse_image(
        source,
        detect_entities=opts.detect_entities,
        content=opts.detect_entities or opts.emotion == "learned",
    )
    info = _image_info(image)
    if isinstance(name, str):
        info = ImageInfo(Path(name).name, info.sha256)
    return compose_features(features, opts, image_info=info, estimator=estimator, progress=progress)


def compose_features(
    features: ImageFeatures,
    options: ComposeOptions | None = None,
    *,
    image_info: ImageInfo | None = None,
    estimator: EmotionEstimator | None = None,
    progress: ProgressCallback | None = None,
) -> Composition:
    """Compose from already analysed features (the stages after ``analyse``).

    Args:
        features: The picture's features.
        options: Composition options (defaults when ``None``).
        image_info: File name and hash for the report.
        estimator: Emotion estimator (default: the one ``options.emotion`` names).
        progress: Called before each stage with ``(stage, index, total)``.

    Returns:
        The composition.
    """
    from image2music.arrangement.arrange import arrange
    from image2music.arrangement.form import form_for, repeat_sections
    from image2music.arrangement.plan import plan_music
    from image2music.generators import harmony_generator, melody_generator
    from image2music.rendering.synth import choose_synth
    from image2music.theory import parse_key
    from image2music.types import Score

    opts = options or ComposeOptions()
    info = image_info or ImageInfo("image", "")
    est = estimator or estimator_for(opts.emotion)

    _step(progress, "emotion")
    estimated: Emotion = est.estimate(features)
    emotion = override_emotion(estimated, valence=opts.valence, arousal=opts.arousal)

    _step(progress, "plan")
    plan = plan_music(
        emotion,
        features,
        key=parse_key(opts.key) if opts.key else None,
        mode=opts.mode,
        tempo_bpm=opts.tempo_bpm,
    )
    # Children 0 and 1 are the same whatever the count, so adding streams
    # keeps the harmony and melody of a seed unchanged.
    harmony_rng, melody_rng, arrange_rng, variation_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(opts.seed).spawn(4)
    )
    form = form_for(opts.bars, opts.duration_sec, plan.tempo_bpm, plan.time_signature)

    _step(progress, "harmony")
    harmony = harmony_generator(opts.harmony)
    progression = harmony.generate(
        emotion, plan.key, form.section_bars, harmony_rng, plan.time_signature
    )

    _step(progress, "melody")
    melody_gen = melody_generator(opts.melody)
    melody = melody_gen.generate(progression, emotion, melody_rng)
    if form.sections > 1:
        variation = melody_gen.generate(progression, emotion, variation_rng)
        progression, melody = repeat_sections(progression, (melody, variation), form.sections)

    _step(progress, "arrange")
    title = Path(info.name).stem or "image2music"
    arranged = arrange(
        progression,
        melody,
        emotion,
        features,
        plan,
        arrange_rng,
        style=opts.style,
        instruments=opts.instruments,
        drums=opts.drums,
        form=form,
    )
    score = Score(arranged.progression, arranged.melody, plan.tempo_bpm, arranged.tracks, title)
    synth = choose_synth(opts.synth)

    _step(progress, "report")
    report = build_report(
        image=info,
        features=features,
        emotion=emotion,
        plan=plan,
        score=score,
        seed=opts.seed,
        options=opts.to_dict(),
        models={
            "emotion": ModelInfo(est.name, est.version),
            "harmony": ModelInfo(harmony.name, harmony.version),
            "melody": ModelInfo(melody_gen.name, melody_gen.version),
        },
        arrangement=arranged.choice,
        synth=synth,
    )
    return Composition(
        features=features,
        emotion=emotion,
        estimated_emotion=estimated,
        plan=plan,
        score=score,
        report=report,
        options=opts,
        synth=synth,
    )


def _step(progress: ProgressCallback | None, stage: str) -> None:
    if progress is not None:
        progress(stage, STAGES.index(stage), len(STAGES))
