from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
import soundfile

import image2music
from image2music.composition import Composition
from image2music.errors import ConfigError, OutputError
from image2music.rendering import encode, soundfonts, synth
from image2music.rendering.audio import TAIL_SEC
from image2music.rendering.loudness import CEILING_DBFS, TARGET_LUFS, integrated_loudness
from tests.conftest import STRICT, need_program

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "photo.jpg"
SYNTHS = ("symusic", "fluidsynth")


def _require(name: str) -> None:
    if name == "fluidsynth":
        need_program("fluidsynth")
        if not synth.FLUIDR3_GM.is_file():
            msg = f"soundfont {synth.FLUIDR3_GM} missing (apt-get install fluid-soundfont-gm)"
            if STRICT:
                pytest.fail(msg, pytrace=False)
            pytest.skip(msg)


@pytest.fixture(scope="module", params=SYNTHS)
def piece(request: pytest.FixtureRequest) -> Composition:
    _require(request.param)
    return image2music.compose(EXAMPLE, bars=4, arousal=0.8, synth=request.param)


def test_audio_matches_the_score(piece: Composition) -> None:
    audio = piece.audio
    assert audio.synth.name == piece.options.synth
    assert audio.sample_rate == 44100
    assert audio.samples.shape[1] == 2 and audio.samples.dtype == np.float32
    expected = piece.score.duration_sec + TAIL_SEC
    assert audio.duration_sec == pytest.approx(expected, abs=1 / 44100)
    rms = float(np.sqrt(np.mean(audio.samples.astype(np.float64) ** 2)))
    assert 20 * math.log10(rms) > -40  # not silent
    peak = float(np.max(np.abs(audio.samples)))
    assert 20 * math.log10(peak) <= CEILING_DBFS + 1e-3  # no clipping, -1 dBFS ceiling
    assert audio.peak_dbfs <= CEILING_DBFS
    # Normalised to -16 LUFS unless the ceiling held it lower (the fade lowers it a little).
    loudness = integrated_loudness(audio.samples, audio.sample_rate)
    assert TARGET_LUFS - 6 < loudness < TARGET_LUFS + 0.5
    # Sound all through the score, a fade to silence at the very end.
    seconds = audio.samples[: round(piece.score.duration_sec * 44100)].reshape(-1)
    assert np.max(np.abs(seconds[: 44100 * 2])) > 0.01
    tail = audio.samples[-441:]
    assert float(np.max(np.abs(tail))) < 1e-3


def test_audio_is_rendered_once(piece: Composition) -> None:
    assert piece.audio is piece.audio


@pytest.mark.parametrize("fmt", ["wav", "flac", "ogg", "mp3"])
def test_every_audio_format_decodes(piece: Composition, fmt: str) -> None:
    data = piece.render(fmt)
    samples, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    assert rate == 44100 and samples.shape[1] == 2
    assert samples.shape[0] == pytest.approx(piece.audio.samples.shape[0], abs=0.1 * 44100)
    if fmt in ("wav", "flac"):  # lossless: the same peak, never above the ceiling
        assert 20 * math.log10(float(np.max(np.abs(samples)))) <= CEILING_DBFS + 0.01
        assert samples.shape[0] == piece.audio.samples.shape[0]


@pytest.mark.parametrize("name", SYNTHS)
def test_audio_is_byte_identical_for_a_seed(name: str) -> None:
    _require(name)
    a = image2music.compose(EXAMPLE, bars=4, seed=3, synth=name).render("wav")
    b = image2music.compose(EXAMPLE, bars=4, seed=3, synth=name).render("wav")
    assert a == b


def test_synth_choice_is_reported_and_auto_prefers_fluidsynth(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(soundfonts, "SEARCH", ())  # nothing installed
    monkeypatch.setattr(synth, "fluidsynth_available", lambda: False)
    auto = synth.choose_synth("auto")
    assert auto.name == "symusic" and auto.soundfont.name == "TimGM6mb.sf2"
    assert auto.licence == "GPL-2.0" and "not installed" in auto.reason
    with pytest.raises(ConfigError, match="apt-get install"):
        synth.choose_synth("fluidsynth")
    monkeypatch.setattr(synth, "fluidsynth_available", lambda: True)
    chosen = synth.choose_synth("auto")
    assert chosen.name == "fluidsynth" and "installed" in chosen.reason
    report = chosen.to_report()
    assert report["name"] == "fluidsynth" and report["licence"] == "GPL-2.0"
    assert "reverb" in report["effects"] and report["reason"] == chosen.reason
    with pytest.raises(ConfigError):
        synth.choose_synth("timidity")


def _fake_soundfont(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF\x04\x00\x00\x00sfbk")
    return path


def test_the_best_installed_soundfont_is_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fluid = _fake_soundfont(tmp_path / "sf2" / "FluidR3_GM.sf2")
    musescore = tmp_path / "sf3" / "MuseScore_General.sf3"
    search = (
        ("MuseScore General", "MIT", (tmp_path / "sf2" / "MuseScore_General.sf2", musescore)),
        ("FluidR3 GM", "MIT", (fluid,)),
    )
    monkeypatch.setattr(soundfonts, "SEARCH", search)
    assert soundfonts.default_soundfont().path == fluid
    _fake_soundfont(musescore)
    best = soundfonts.default_soundfont()
    assert (best.name, best.path, best.licence) == ("MuseScore General", musescore, "MIT")
    chosen = synth.choose_synth("symusic")
    assert chosen.soundfont == musescore and "MuseScore General" in chosen.reason
    (tmp_path / "not-a-font.sf2").write_bytes(b"RIFF\x04\x00\x00\x00WAVE")
    with pytest.raises(ConfigError, match="not an SF2 or SF3"):
        synth.choose_synth("auto", tmp_path / "not-a-font.sf2")
    with pytest.raises(ConfigError, match="does not exist"):
        synth.choose_synth("auto", tmp_path / "missing.sf2")


SF3 = Path("/usr/share/sounds/sf3/MuseScore_General.sf3")


@pytest.mark.parametrize("font", [Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"), SF3])
@pytest.mark.parametrize("name", SYNTHS)
def test_a_soundfont_file_plays(font: Path, name: str, tmp_path: Path) -> None:
    _require(name)
    if not font.is_file():
        msg = (
            f"{font} missing (apt-get install fluid-soundfont-gm musescore-general-soundfont-small)"
        )
        if STRICT:
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    piece = image2music.compose(EXAMPLE, bars=4, synth=name, soundfont=str(font))
    assert piece.report["arrangement"]["synth"]["soundfont"] == font.name
    audio = piece.audio.samples
    assert audio.shape[0] > 44100 and np.abs(audio).max() > 0.1
    assert piece.options.soundfont == str(font)


def test_synth_choice_goes_into_the_report() -> None:
    report = image2music.compose(EXAMPLE, bars=4, synth="symusic").report
    assert report["arrangement"]["synth"]["name"] == "symusic"
    assert any(line.startswith("audio: symusic") for line in report["why"])


def test_fluidsynth_failures_are_output_errors(tmp_path: Path) -> None:
    _require("fluidsynth")
    junk = tmp_path / "junk.sf2"
    junk.write_bytes(b"RIFF\x00\x00\x00\x00not a soundfont")
    midi = image2music.compose(EXAMPLE, bars=4, synth="fluidsynth").midi
    with pytest.raises(OutputError, match="cannot load the soundfont"):
        synth.synthesise(midi, synth.SynthChoice("fluidsynth", junk, "test"))
    with pytest.raises(OutputError, match="cannot read the MIDI"):
        synth.synthesise(b"MThd", synth.choose_synth("fluidsynth"))
    with pytest.raises(OutputError, match="longer than"):
        synth.synthesise(midi, synth.choose_synth("fluidsynth"), timeout_sec=0.0)


def test_fluidsynth_plays_a_piece_the_same_from_a_used_synthesiser() -> None:
    _require("fluidsynth")
    choice = synth.choose_synth("fluidsynth", synth.FLUIDR3_GM)
    first = image2music.compose(EXAMPLE, bars=4, seed=1, synth="fluidsynth").midi
    other = image2music.compose(EXAMPLE, bars=4, seed=2, synth="fluidsynth").midi
    a = synth.synthesise(first, choice, frames=70_001)  # ends mid-block
    synth.synthesise(other, choice, room="cathedral", frames=50_003)
    b = synth.synthesise(first, choice, frames=70_001)
    assert a.shape == (70_001, 2) and np.abs(a).max() > 0.01
    assert np.array_equal(a, b)


def test_mp3_without_support_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    formats = {k: v for k, v in soundfile.available_formats().items() if k != "MP3"}
    monkeypatch.setattr(soundfile, "available_formats", lambda: formats)
    with pytest.raises(OutputError, match="MP3 output needs"):
        encode.encode_audio(np.zeros((100, 2), dtype=np.float32), 44100, "mp3")


@pytest.mark.parametrize("name", SYNTHS)
def test_velocity_changes_loudness(name: str) -> None:
    _require(name)
    from image2music.rendering.midi import midi_bytes
    from image2music.types import Chord, Key, Melody, Note, Progression, Score, TimedChord, Track

    soft, loud = Note(60, 0, 480, 30), Note(60, 960, 480, 120)
    prog = Progression(Key(0), (TimedChord(Chord(0), 0, 1920),), 1)
    score = Score(prog, Melody((soft, loud)), 120.0, (Track("Piano", 0, 0, (soft, loud)),))
    audio = synth.synthesise(midi_bytes(score), synth.choose_synth(name))
    first = float(np.max(np.abs(audio[:22050])))
    second = float(np.max(np.abs(audio[44100 : 44100 + 22050])))
    assert second > 3 * first > 0


def test_ogg_is_byte_identical_for_the_same_audio() -> None:
    import io

    import numpy as np
    import soundfile

    from image2music.rendering.encode import encode_audio
    from image2music.rendering.ogg import SERIAL

    x = np.random.default_rng(0).normal(0, 0.1, (44100 * 3, 2)).astype(np.float32)
    a, b = encode_audio(x, 44100, "ogg"), encode_audio(x, 44100, "ogg")
    assert a == b
    assert int.from_bytes(a[14:18], "little") == SERIAL
    decoded, rate = soundfile.read(io.BytesIO(a))
    assert rate == 44100 and decoded.shape == x.shape


def test_ogg_checksums_match_libogg() -> None:
    import io

    import numpy as np
    import soundfile

    from image2music.rendering.ogg import ogg_crc

    buf = io.BytesIO()
    with soundfile.SoundFile(buf, "w", 8000, 1, format="OGG", subtype="VORBIS") as f:
        f.write(np.zeros(8000, np.float32))
    raw = bytearray(buf.getvalue())
    end = 27 + raw[26] + sum(raw[27 : 27 + raw[26]])
    crc = int.from_bytes(raw[22:26], "little")
    raw[22:26] = bytes(4)
    assert ogg_crc(raw[:end]) == crc


def test_fluidsynth_in_two_threads_sounds_as_one() -> None:
    _require("fluidsynth")
    from image2music.rendering import fluidlib
    from image2music.rendering.reverb import ROOMS

    midi = image2music.compose(EXAMPLE, bars=4, seed=5, synth="fluidsynth").midi
    outs = []
    for shares, parallel in ((1, True), (2, True), (2, True), (2, False)):
        out = np.empty((200_001, 2), dtype=np.float32)
        fluidlib.render(
            midi,
            synth.FLUIDR3_GM,
            out,
            settings=synth._FLUIDSYNTH_SETTINGS,
            reverb=ROOMS["hall"].fluidsynth,
            chorus=synth._FLUIDSYNTH_CHORUS,
            timeout_sec=60.0,
            shares=shares,
            parallel=parallel,
        )
        outs.append(out)
    assert len(fluidlib._share(fluidlib.events(midi, 44100), 2)) == 2  # the parts are shared
    assert np.abs(outs[0]).max() > 0.05
    assert np.abs(outs[0] - outs[1]).max() < 1e-4  # float rounding only
    assert np.array_equal(outs[1], outs[2])  # and the same every time
    assert np.array_equal(outs[1], outs[3])  # on one core too: one after the other


def test_a_worker_on_one_core_writes_the_same_audio_as_two_cores() -> None:
    _require("fluidsynth")
    from image2music.cores import one_core

    piece = image2music.compose(EXAMPLE, bars=4, seed=6, synth="fluidsynth")
    two = piece.render("wav")
    with one_core():
        again = image2music.compose(EXAMPLE, bars=4, seed=6, synth="fluidsynth").render("wav")
    assert again == two
