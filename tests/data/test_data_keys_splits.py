from __future__ import annotations

from collections import Counter

from image2music.data.chords import ParsedChord
from image2music.data.harte import parse_harte
from image2music.data.keys import (
    estimate_key,
    estimate_key_from_chords,
    mode_for_tonic,
    mode_from_signature,
    parse_key_name,
)
from image2music.data.phrases import split_phrases
from image2music.data.splits import (
    assign_split,
    group_key,
    is_generic_title,
    normalise_title,
)
from image2music.theory import key_from_signature
from image2music.types import Key


def test_parse_key_names() -> None:
    assert parse_key_name("Gb:maj") == Key(6, "major")
    assert parse_key_name("Db:min") == Key(1, "minor")
    assert parse_key_name("Dmin") == Key(2, "minor")
    assert parse_key_name("Ab") == Key(8, "major")
    assert parse_key_name("F#m") == Key(6, "minor")
    assert parse_key_name("") is None
    assert parse_key_name("H:maj") is None
    assert parse_key_name("D dorian") is None  # the corpus has major and minor keys only
    assert parse_key_name("f#:") == Key(6, "minor")  # RomanText: lower case is minor
    # MusicXML / MIDI key signatures go through the theory core.
    assert key_from_signature(-3, "minor") == Key(0, "minor")
    assert key_from_signature(2, "major") == Key(2, "major")


def test_estimate_key_from_histogram() -> None:
    c_major = [1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1]
    assert estimate_key(c_major) == Key(0, "major")
    a_minor = [1, 0, 1, 0, 1.5, 1, 0, 0.5, 0, 3, 0, 1]
    assert estimate_key(a_minor) == Key(9, "minor")
    assert estimate_key([0] * 12) == Key(0, "major")


def _chords(*labels: str) -> list[tuple[float, ParsedChord]]:
    return [(4.0, parse_harte(label)) for label in labels]


def test_estimate_key_from_chords() -> None:
    assert estimate_key_from_chords(_chords("A:min", "D:min", "E:7", "A:min")) == Key(9, "minor")
    assert estimate_key_from_chords(_chords("C:maj", "F:maj", "G:7", "C:maj")) == Key(0, "major")
    assert estimate_key_from_chords(_chords("X", "N")) == Key(0, "major")  # nothing mapped


def test_mode_estimators() -> None:
    minor = _chords("A:min", "D:min", "E:7", "A:min")
    assert mode_from_signature(0, minor) == Key(9, "minor")
    major = _chords("C:maj", "F:maj", "G:7", "C:maj")
    assert mode_from_signature(0, major) == Key(0, "major")
    assert mode_for_tonic(9, minor) == Key(9, "minor")
    assert mode_for_tonic(0, major) == Key(0, "major")


def test_normalised_titles() -> None:
    assert normalise_title("The Girl from Ipanema") == "girl from ipanema"
    assert normalise_title("All Of Me (Remastered)") == "all of me"
    assert normalise_title("Don't Blame Me!") == "dont blame me"
    assert normalise_title("Rock & Roll") == "rock and roll"
    assert normalise_title("Lady Is a Tramp, The") == "lady is a tramp"
    assert is_generic_title(normalise_title("Untitled"))
    assert is_generic_title("waltz") and is_generic_title("12") and is_generic_title("hey")
    assert not is_generic_title("summertime")
    assert not is_generic_title("晴天")


def test_group_keys_and_splits() -> None:
    a = group_key("openewld", "openewld/x", "All of Me")
    b = group_key("jazz_standards", "jazz_standards/all-of-me", "All Of Me")
    assert a == b == "title:all of me"
    assert group_key("when_in_rome", "when_in_rome/x", "Sonata") == "id:when_in_rome/x"
    assert group_key("nottingham", "nottingham/waltzes3", "Waltz") == "id:nottingham/waltzes3"
    assert assign_split(a) == assign_split(b)
    assert assign_split("id:anything", official="test") == "test"


def test_split_is_deterministic_and_80_10_10() -> None:
    keys = [f"id:song/{i}" for i in range(20000)]
    first = [assign_split(k) for k in keys]
    assert first == [assign_split(k) for k in keys]
    counts = Counter(first)
    assert abs(counts["train"] / 20000 - 0.8) < 0.02
    assert abs(counts["valid"] / 20000 - 0.1) < 0.01
    assert abs(counts["test"] / 20000 - 0.1) < 0.01


def test_phrase_rule() -> None:
    bars = [4.0 * i for i in range(20)]
    fixed = split_phrases(bars, [])
    assert [(p.start_bar, p.end_bar) for p in fixed] == [(0, 8), (8, 16), (16, 20)]
    sections = split_phrases(bars, [(0.0, "intro"), (8.0, "verse"), (48.0, "chorus")])
    spans = [(p.start_bar, p.end_bar, p.label) for p in sections]
    assert spans == [(0, 2, "intro"), (2, 10, "verse"), (10, 12, "verse"), (12, 20, "chorus")]
    assert split_phrases([], []) == []
