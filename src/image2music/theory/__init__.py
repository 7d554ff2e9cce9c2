"""Music-theory core: pitches, keys, scales, chord symbols, Roman numerals, voicing.

Pure Python, no heavy imports. Every function raises
:class:`~image2music.errors.TheoryError` (a ``ValueError``) with a one-line
message naming the bad value. Submodules:

* :mod:`.pitch`: note names, pitch classes, MIDI numbers, intervals.
* :mod:`.keys`: key names, signatures, relative and parallel keys.
* :mod:`.scales`: scale pitches, scale degrees, diatonic steps.
* :mod:`.chords`: chord symbols (parse with folding of extensions, print).
* :mod:`.chord_tones`: chord tones, spelling, transposition, chord recognition.
* :mod:`.diatonic`: the diatonic triads and seventh chords of a key.
* :mod:`.roman`: Roman numerals (print and parse).
* :mod:`.relative`: key-relative chord tokens for the corpus and the networks.
* :mod:`.voicing`: MIDI voicings with smooth voice leading, bass notes.
"""

from __future__ import annotations

from image2music.theory.chord_tones import (
    QUALITY_PREFERENCE,
    chord_quality_from_pcs,
    chord_tone_names,
    chord_tones,
    is_chord_tone,
    transpose_chord,
)
from image2music.theory.chords import (
    QUALITY_SUFFIXES,
    ParsedChord,
    chord_symbol,
    parse_chord,
    parse_chord_symbol,
    parse_chord_symbol_ex,
)
from image2music.theory.diatonic import (
    diatonic_chord,
    diatonic_chords,
    is_diatonic,
    stacked_quality,
)
from image2music.theory.keys import (
    MODE_ALIASES,
    all_keys,
    key_from_signature,
    key_name,
    key_signature,
    parallel_key,
    parse_key,
    relative_key,
    tonic_name,
)
from image2music.theory.pitch import (
    INTERVAL_NAMES,
    interval_class,
    interval_name,
    interval_up,
    midi_to_name,
    name_to_midi,
    name_to_pc,
    pc_to_name,
    signed_interval,
    transpose_pc,
)
from image2music.theory.relative import degree_of, from_relative, relative_root, to_relative
from image2music.theory.roman import parse_roman, roman_numeral
from image2music.theory.scales import (
    degree_and_alteration_of,
    degree_pc,
    diatonic_step,
    is_in_scale,
    nearest_in_scale,
    scale_degree,
    scale_pcs,
    scale_pitches,
)
from image2music.theory.voicing import bass_pitch, voice_chord, voice_progression

__all__ = [
    "INTERVAL_NAMES",
    "MODE_ALIASES",
    "QUALITY_PREFERENCE",
    "QUALITY_SUFFIXES",
    "ParsedChord",
    "all_keys",
    "bass_pitch",
    "chord_quality_from_pcs",
    "chord_symbol",
    "chord_tone_names",
    "chord_tones",
    "degree_and_alteration_of",
    "degree_of",
    "degree_pc",
    "diatonic_chord",
    "diatonic_chords",
    "diatonic_step",
    "from_relative",
    "interval_class",
    "interval_name",
    "interval_up",
    "is_chord_tone",
    "is_diatonic",
    "is_in_scale",
    "key_from_signature",
    "key_name",
    "key_signature",
    "midi_to_name",
    "name_to_midi",
    "name_to_pc",
    "nearest_in_scale",
    "parallel_key",
    "parse_chord",
    "parse_chord_symbol",
    "parse_chord_symbol_ex",
    "parse_key",
    "parse_roman",
    "pc_to_name",
    "relative_key",
    "relative_root",
    "roman_numeral",
    "scale_degree",
    "scale_pcs",
    "scale_pitches",
    "signed_interval",
    "stacked_quality",
    "to_relative",
    "tonic_name",
    "transpose_chord",
    "transpose_pc",
    "voice_chord",
    "voice_progression",
]
