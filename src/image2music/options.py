"""User options of a composition, validated once for every way in (API, CLI, web)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from image2music.errors import ConfigError
from image2music.types import MODES

__all__ = [
    "EMOTION_ESTIMATORS",
    "HARMONY_GENERATORS",
    "MAX_DURATION_SEC",
    "MELODY_GENERATORS",
    "MIN_DURATION_SEC",
    "SYNTHS",
    "ComposeOptions",
    "OptionSpec",
    "compose_option_specs",
    "options_from",
    "web_option_specs",
]

#: Names accepted by ``emotion=``; the first is the default: ``learned`` is the
#: model fitted to rated photographs, ``colour`` the transparent
#: colour-psychology rules.
EMOTION_ESTIMATORS: tuple[str, ...] = ("learned", "colour")
#: Names accepted by ``harmony=``; the first is the default.
HARMONY_GENERATORS: tuple[str, ...] = ("network", "network-gru", "baseline")
#: Names accepted by ``melody=``; the first is the default.
MELODY_GENERATORS: tuple[str, ...] = ("network", "baseline")
#: Names accepted by ``synth=``: ``auto`` picks FluidSynth when it is installed.
SYNTHS: tuple[str, ...] = ("auto", "symusic", "fluidsynth")
#: Shortest and longest ``duration_sec``, in seconds.
MIN_DURATION_SEC, MAX_DURATION_SEC = 5.0, 600.0


@dataclass(frozen=True)
class ComposeOptions:
    """How to compose.

    Attributes:
        bars: Length in bars: 4, 8 (default) or 16.
        seed: Seed of every random choice, >= 0 (default 0); the same picture,
            options and seed give byte-identical files.
        valence: Overrides the picture's valence, in [-1, 1].
        arousal: Overrides the picture's arousal, in [-1, 1].
        key: Fixes the key, e.g. ``"C"``, ``"F#m"``, ``"Eb major"``, ``"D dorian"``.
        mode: Fixes the mode: one of :data:`~image2music.types.MODES`.
        tempo_bpm: Fixes the tempo, 20..300 quarter notes per minute.
        harmony: Chord generator: one of :data:`HARMONY_GENERATORS`.
        melody: Melody generator: one of :data:`MELODY_GENERATORS`.
        detect_entities: Look for faces, smiles and scene cues (default on).
        style: Arrangement style (default ``"auto"``): one of
            :data:`~image2music.arrangement.styles.STYLES`.
        instruments: Instruments per part, e.g. ``"melody=flute,chords=strings,bass=42"``
            (General MIDI names, aliases or program numbers 0..127); ``None``
            (default) lets the mood, palette and style choose.
        drums: Allow drums (default ``True``); ``False`` is ``--no-drums``.
        duration_sec: Wanted length in seconds, 5..600, ending included; the
            music ends exactly then: the number of bars is chosen and the
            tempo set to fit (``bars`` must then stay at its default; with
            ``tempo_bpm`` fixed, the nearest length at that tempo). ``None``
            (default) uses ``bars``.
        synth: Audio synthesiser: one of :data:`SYNTHS` (default ``"auto"``).
        soundfont: An SF2 or SF3 General MIDI soundfont file for the audio;
            ``None`` (default) takes the best installed one (MuseScore General,
            FluidR3 GM, else pretty_midi's TimGM6mb). Not offered on the web:
            the service's settings choose it.
        emotion: Emotion estimator: one of :data:`EMOTION_ESTIMATORS`
            (default ``"learned"``).
    """

    bars: int = 8
    seed: int = 0
    valence: float | None = None
    arousal: float | None = None
    key: str | None = None
    mode: str | None = None
    tempo_bpm: float | None = None
    harmony: str = HARMONY_GENERATORS[0]
    melody: str = MELODY_GENERATORS[0]
    detect_entities: bool = True
    style: str = "auto"
    instruments: str | None = None
    drums: bool = True
    duration_sec: float | None = None
    synth: str = "auto"
    emotion: str = EMOTION_ESTIMATORS[0]
    soundfont: str | None = None

    def __post_init__(self) -> None:
        if self.bars not in (4, 8, 16):
            raise ConfigError(f"bars must be 4, 8 or 16, got {self.bars!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError(f"seed must be a whole number >= 0, got {self.seed!r}")
        for name in ("valence", "arousal", "tempo_bpm"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                raise ConfigError(f"{name} must be a number, got {v!r}")
        for name in ("valence", "arousal"):
            v = getattr(self, name)
            if v is not None and not -1.0 <= float(v) <= 1.0:
                raise ConfigError(f"{name} must be in [-1, 1], got {v!r}")
        if self.mode is not None and self.mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.tempo_bpm is not None and not 20.0 <= float(self.tempo_bpm) <= 300.0:
            raise ConfigError(f"tempo must be in 20..300 bpm, got {self.tempo_bpm!r}")
        if self.emotion not in EMOTION_ESTIMATORS:
            raise ConfigError(
                f"emotion must be one of {', '.join(EMOTION_ESTIMATORS)}, got {self.emotion!r}"
            )
        if self.harmony not in HARMONY_GENERATORS:
            raise ConfigError(
                f"harmony must be one of {', '.join(HARMONY_GENERATORS)}, got {self.harmony!r}"
            )
        if self.melody not in MELODY_GENERATORS:
            raise ConfigError(
                f"melody must be one of {', '.join(MELODY_GENERATORS)}, got {self.melody!r}"
            )
        if self.key is not None:
            from image2music.errors import TheoryError
            from image2music.theory import parse_key

            try:
                parse_key(self.key)
            except TheoryError as e:
                raise ConfigError(f"key {self.key!r} is not a key: {e}") from e

        self._check_arrangement()

    def _check_arrangement(self) -> None:
        from image2music.arrangement.instruments import parse_instruments
        from image2music.arrangement.styles import STYLES

        if not isinstance(self.style, str) or self.style.strip().lower() not in STYLES:
            raise ConfigError(f"style must be one of {', '.join(STYLES)}, got {self.style!r}")
        if self.instruments is not None:
            if not isinstance(self.instruments, str):
                raise ConfigError(
                    f"instruments must be text like 'melody=flute,bass=cello', "
                    f"got {self.instruments!r}"
                )
            parse_instruments(self.instruments)
        if not isinstance(self.drums, bool):
            raise ConfigError(f"drums must be true or false, got {self.drums!r}")
        if self.duration_sec is not None:
            d = self.duration_sec
            if isinstance(d, bool) or not isinstance(d, int | float):
                raise ConfigError(f"duration must be a number of seconds, got {d!r}")
            if not MIN_DURATION_SEC <= float(d) <= MAX_DURATION_SEC:
                raise ConfigError(
                    f"duration must be in {MIN_DURATION_SEC:g}..{MAX_DURATION_SEC:g} seconds, "
                    f"got {d!r}"
                )
            if self.bars != 8:
                raise ConfigError("bars and duration are mutually exclusive; give one of them")
        if self.synth not in SYNTHS:
            raise ConfigError(f"synth must be one of {', '.join(SYNTHS)}, got {self.synth!r}")

    def to_dict(self) -> dict[str, Any]:
        """The options as a JSON-ready dict."""
        return asdict(self)


# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class OptionSpec:
    """One composition option as every way in shows it.

    The default is the :class:`ComposeOptions` field's own default (never
    repeated here); the CLI (:mod:`image2music.cli.compose_options`), the web
    form and OpenAPI schema (:mod:`image2music.service.form_options`) and
    ``GET /api/options`` are built from :data:`COMPOSE_OPTIONS`.

    Attributes:
        field: The :class:`ComposeOptions` field.
        cli: The CLI parameter (``--`` plus dashes for underscores); for a
            negated switch (``negated``) the flag that turns the option off,
            e.g. ``no_drums``.
        web: The web form field, or ``None`` for an option the web does not
            offer (a server file path: the service's settings set it).
        kind: ``int``, ``float``, ``str`` or ``bool``.
        help: One line for ``--help`` and the API reference.
        choices: The allowed values, or ``None`` for free values.
        optional: Whether the option may be absent (``None``: from the picture).
        negated: A boolean that the CLI turns off with a ``--no-...`` flag.
        unset_default: Shown as the default where ``None`` is passed (``bars``:
            8 unless ``duration`` is given).
    """

    field: str
    cli: str
    web: str | None
    kind: type
    help: str
    choices: tuple[Any, ...] | None = None
    optional: bool = False
    negated: bool = False
    unset_default: Any = None

    @property
    def default(self) -> Any:
        """The default value (the :class:`ComposeOptions` field's)."""
        return _FIELD_DEFAULTS[self.field]


def _style_names() -> tuple[str, ...]:
    from image2music.arrangement.styles import STYLES

    return tuple(STYLES)


def _specs() -> tuple[OptionSpec, ...]:
    return (
        OptionSpec("bars", "bars", "bars", int,
                   "Length in bars, plus the ending; not with duration.",
                   choices=(4, 8, 16), optional=True, unset_default=8),
        OptionSpec("duration_sec", "duration", "duration", float,
                   f"Length in seconds ({MIN_DURATION_SEC:g}..{MAX_DURATION_SEC:g})"
                   " instead of bars; the music ends exactly then (sections and tempo"
                   " are chosen to fit).", optional=True),
        OptionSpec("seed", "seed", "seed", int, "Random seed: same picture, options and seed,"
                   " same files."),
        OptionSpec("valence", "valence", "valence", float,
                   "Override the picture's valence, -1 (sad) .. 1 (happy).", optional=True),
        OptionSpec("arousal", "arousal", "arousal", float,
                   "Override the picture's arousal, -1 (calm) .. 1 (excited).", optional=True),
        OptionSpec("key", "key", "key", str, "Fix the key, e.g. C, Am, 'Eb major', 'D dorian'.",
                   optional=True),
        OptionSpec("mode", "mode", "mode", str, "Fix the mode (default: from valence).",
                   choices=tuple(MODES), optional=True),
        OptionSpec("tempo_bpm", "tempo", "tempo", float,
                   "Fix the tempo in bpm, 20..300 (default: from arousal).", optional=True),
        OptionSpec("emotion", "emotion", "emotion", str,
                   "Emotion estimator: learned (fitted to rated photographs) or colour (rules).",
                   choices=EMOTION_ESTIMATORS),
        OptionSpec("harmony", "harmony", "harmony", str,
                   "Chord generator: network (the chord transformer), network-gru (the chord "
                   "GRU) or baseline (rules).",
                   choices=HARMONY_GENERATORS),
        OptionSpec("melody", "melody", "melody", str,
                   "Melody generator: network (the melody GRU) or baseline (rules).",
                   choices=MELODY_GENERATORS),
        OptionSpec("style", "style", "style", str, "Arrangement style.", choices=_style_names()),
        OptionSpec("instruments", "instruments", "instruments", str,
                   "Instruments per part (melody, chords, bass, pad): GM names or numbers 0..127,"
                   " e.g. 'melody=flute,chords=strings,bass=cello'.", optional=True),
        OptionSpec("drums", "no_drums", "drums", bool,
                   "Drums where the mood or style calls for them; --no-drums or drums=false:"
                   " never.", negated=True),
        OptionSpec("synth", "synth", "synth", str,
                   "Audio synthesiser: auto (FluidSynth when installed), symusic or fluidsynth.",
                   choices=SYNTHS),
        OptionSpec("soundfont", "soundfont", None, str,
                   "SF2 or SF3 soundfont for the audio (default: the best installed: MuseScore"
                   " General, FluidR3 GM, else pretty_midi's TimGM6mb).", optional=True),
        OptionSpec("detect_entities", "no_entities", "entities", bool,
                   "Look for faces, smiles, scene cues, objects and expressions; --no-entities or"
                   " entities=false: skip them.", negated=True),
    )  # fmt: skip


_FIELD_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(ComposeOptions)}


def compose_option_specs() -> tuple[OptionSpec, ...]:
    """Every composition option, in the order the CLI and the form show them."""
    return _specs()


def web_option_specs() -> tuple[OptionSpec, ...]:
    """The options the web form and the REST API offer (those with a web name)."""
    return tuple(s for s in _specs() if s.web is not None)


def options_from(values: dict[str, Any], *, adapter: str) -> ComposeOptions:
    """Build validated options from an adapter's parameter values.

    Args:
        values: Parameter name -> value, named as the adapter names them
            (:attr:`OptionSpec.cli` or :attr:`OptionSpec.web`); a missing name
            takes the default.
        adapter: ``"cli"`` or ``"web"``.

    Returns:
        The options.

    Raises:
        ConfigError: If a value is invalid, or bars and duration are both given.
    """
    if adapter not in ("cli", "web"):
        raise ConfigError(f"adapter must be cli or web, got {adapter!r}")
    fields: dict[str, Any] = {}
    for spec in compose_option_specs():
        name = spec.cli if adapter == "cli" else spec.web
        if name is None or name not in values:
            continue
        value = values[name]
        if spec.negated and adapter == "cli":
            value = not value
        if spec.optional and isinstance(value, str) and not value.strip():
            value = None  # an empty form field is "not given"
        fields[spec.field] = value
    bars, duration = fields.get("bars"), fields.get("duration_sec")
    if bars is not None and duration is not None:
        raise ConfigError("bars and duration are mutually exclusive; give one of them")
    if bars is None:
        fields["bars"] = _FIELD_DEFAULTS["bars"]
    return ComposeOptions(**fields)
