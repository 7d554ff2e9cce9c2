"""Fixtures for the corpus tests: a tiny copy of every dataset, built in tmp.

The text fixtures live in ``tests/data/fixtures/<dataset>/`` with one
purpose-named file or folder per edge case; MIDI files are generated here
with mido and everything is packed the way the real datasets are (tar.gz
archives, ``.mxl`` zips), so the real readers run unchanged.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import mido
import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# (onset_beats, duration_beats, pitch)
NoteSpec = tuple[float, float, int]


def midi_bytes(
    tracks: Iterable[tuple[str, list[NoteSpec]]],
    *,
    tpb: int = 480,
    tempo_bpm: float | None = 120.0,
    time_signature: tuple[int, int] | None = (4, 4),
    keys: Iterable[tuple[float, str]] = (),
) -> bytes:
    """A type-1 MIDI file: a conductor track then one track per (name, notes)."""
    mid = mido.MidiFile(type=1, ticks_per_beat=tpb)
    meta = mido.MidiTrack()
    events: list[tuple[int, mido.MetaMessage]] = []
    if tempo_bpm is not None:
        events.append((0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo_bpm))))
    if time_signature is not None:
        num, den = time_signature
        events.append((0, mido.MetaMessage("time_signature", numerator=num, denominator=den)))
    for beat, key in keys:
        events.append((round(beat * tpb), mido.MetaMessage("key_signature", key=key)))
    now = 0
    for tick, msg in sorted(events, key=lambda e: e[0]):
        meta.append(msg.copy(time=tick - now))
        now = tick
    mid.tracks.append(meta)
    for name, notes in tracks:
        tr = mido.MidiTrack()
        tr.append(mido.MetaMessage("track_name", name=name))
        msgs: list[tuple[int, int, mido.Message]] = []
        for on, dur, pitch in notes:
            msgs.append((round(on * tpb), 1, mido.Message("note_on", note=pitch, velocity=80)))
            msgs.append(
                (round((on + dur) * tpb), 0, mido.Message("note_off", note=pitch, velocity=0))
            )
        now = 0
        for tick, _, msg in sorted(msgs, key=lambda m: (m[0], m[1])):
            tr.append(msg.copy(time=tick - now))
            now = tick
        mid.tracks.append(tr)
    buf = io.BytesIO()
    mid.save(file=buf)
    return buf.getvalue()


def write_tar(path: Path, members: dict[str, bytes]) -> None:
    """A .tar.gz with the given member names and contents."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tf:
        for name, data in sorted(members.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def mxl_bytes(xml: bytes, inner_name: str) -> bytes:
    """A compressed MusicXML (.mxl) archive holding ``xml`` as ``inner_name``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        container = (
            "<?xml version='1.0' encoding='UTF-8'?><container><rootfiles>"
            f"<rootfile full-path='{inner_name}'/></rootfiles></container>"
        )
        z.writestr("META-INF/container.xml", container)
        z.writestr(inner_name, xml)
    return buf.getvalue()


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    """A minimal workbook with inline strings (what POP909's index.xlsx needs)."""
    body = "".join(
        "<row r='{}'>{}</row>".format(
            i + 1, "".join(f"<c t='inlineStr'><is><t>{v}</t></is></c>" for v in row)
        )
        for i, row in enumerate(rows)
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{body}</sheetData></worksheet>"
        )
    return buf.getvalue()


POP909_MELODY = {
    "001": [(0.0, 1.0, 72), (1.0, 1.0, 71), (2.0, 2.0, 69), (4.0, 1.0, 72), (6.0, 2.0, 69)],
    "002": [(0.0, 0.5, 67), (0.5, 1.0, 72), (1.5, 0.5, 74), (2.5, 1.0, 74), (3.5, 1.0, 69)],
}


def _pop909(root: Path) -> None:
    members: dict[str, bytes] = {}
    for folder in sorted((FIXTURES / "pop909").iterdir()):
        song = folder.name[:3]
        for f in folder.iterdir():
            members[f"POP909/{song}/{f.name}"] = f.read_bytes()
        # Seconds at 120 bpm = beats / 2; the melody's MIDI times are in seconds * 2 beats.
        notes = [(on * 2, dur * 2, p) for on, dur, p in POP909_MELODY.get(song, [])]
        members[f"POP909/{song}/{song}.mid"] = midi_bytes(
            [("MELODY", notes), ("PIANO", [(0.0, 4.0, 48)])], time_signature=(2, 4)
        )
    members["POP909/index.xlsx"] = xlsx_bytes(
        [
            ["song_id", "name", "artist", "modify_times", "num_beats", "num_quavers"],
            ["001", "Fixture Pop Song", "Fixture Singer", "1", "2", "2"],
            ["002", "Pickup Song", "Fixture Singer", "1", "2", "2"],
        ]
    )
    write_tar(root / "pop909" / "POP909.tar.gz", members)


def _billboard(root: Path) -> None:
    members = {
        f"billboard-2.0-salami_chords/{d.name[:4]}/salami_chords.txt": (
            d / "salami_chords.txt"
        ).read_bytes()
        for d in sorted((FIXTURES / "billboard").iterdir())
    }
    write_tar(root / "mcgill-billboard" / "billboard_salami_chords_and_lab.tar.gz", members)


def _openewld(root: Path) -> None:
    members = {}
    for xml in sorted((FIXTURES / "openewld").rglob("*.xml")):
        composer, title = xml.parent.parent.name, xml.parent.name
        members[f"dataset/{composer}/{title}/{title}.mxl"] = mxl_bytes(
            xml.read_bytes(), f"{title.replace('_', ' ')}.xml"
        )
    write_tar(root / "openewld" / "OpenEWLD_dataset.tar.gz", members)


def _chord_melody(root: Path) -> None:
    members = {
        f"chord-melody-dataset/{d.name}/c.xml": (d / "c.xml").read_bytes()
        for d in sorted((FIXTURES / "chord_melody").iterdir())
    }
    write_tar(root / "chord-melody-dataset" / "chord_melody_one_key_per_song.tar.gz", members)


def _when_in_rome(root: Path) -> None:
    members = {
        f"Corpus/Fixtures/Composer/{d.name}/analysis.txt": (d / "analysis.txt").read_bytes()
        for d in sorted((FIXTURES / "when_in_rome").iterdir())
    }
    write_tar(root / "when-in-rome" / "WiR_analyses.tar.gz", members)


def _jazz(root: Path) -> None:
    dest = root / "jazz-standards"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "jazz_standards" / "JazzStandards.json", dest / "JazzStandards.json")


NOTTINGHAM_G = (43, 47, 50)
NOTTINGHAM_D7 = (38, 42, 45, 48)


def _nottingham(root: Path) -> None:
    dest = root / "nottingham"
    (dest / "ABC_cleaned").mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "nottingham" / "fixture.abc", dest / "ABC_cleaned" / "fixture.abc")
    jig_melody = [(0.0, 1.0, 79), (1.0, 0.5, 79), (1.5, 1.0, 71), (2.5, 0.5, 71), (3.0, 1.5, 69)]
    jig_melody.append((4.5, 1.5, 67))
    jig_chords = [(0.0, 3.0, p) for p in NOTTINGHAM_G] + [(3.0, 1.5, p) for p in NOTTINGHAM_D7]
    jig_chords += [(4.5, 1.5, p) for p in NOTTINGHAM_G]
    reel_melody = [(i * 2.0, 2.0, p) for i, p in enumerate((74, 69, 73, 76, 71, 74, 73))]
    reel_chords = [(0.0, 4.0, p) for p in (50, 54, 57)] + [(4.0, 4.0, p) for p in (45, 49, 52, 55)]
    reel_chords += [(8.0, 4.0, p) for p in (47, 50, 54)] + [
        (12.0, 4.0, p) for p in (42, 46, 49, 52)
    ]
    members = {
        "MIDI/fixture1.mid": midi_bytes(
            [("", jig_melody), ("", jig_chords)],
            tpb=1024,
            tempo_bpm=None,
            time_signature=(6, 8),
            keys=[(0.0, "G")],
        ),
        "MIDI/fixture2.mid": midi_bytes(
            [("", reel_melody), ("", reel_chords)],
            tpb=1024,
            tempo_bpm=None,
            keys=[(0.0, "D"), (8.0, "Bm")],
        ),
        "MIDI/fixture3.mid": midi_bytes(
            [("", [(0.0, 1.0, 72), (1.0, 1.0, 76)])],
            tpb=1024,
            tempo_bpm=None,
            time_signature=(3, 4),
            keys=[(0.0, "C")],
        ),
    }
    members["MIDI/melody/fixture1.mid"] = members["MIDI/fixture1.mid"]
    write_tar(dest / "MIDI.tar.gz", members)


def emopia_clip(bpm: float, bars: int, tonic: int) -> bytes:
    """A piano clip in real time at ``bpm`` (MIDI tempo stays at 120, as in EMOPIA)."""
    scale = 120.0 / bpm  # MIDI beats per performed beat
    notes: list[NoteSpec] = []
    for bar in range(bars):
        for beat in range(4):
            t = (bar * 4 + beat) * scale
            notes.append((t, 0.9 * scale, 48 + tonic + (0, 12, 0, 12)[beat]))
            notes.append((t, 0.45 * scale, 60 + tonic + (0, 4, 7, 4)[beat]))
            notes.append((t + 0.5 * scale, 0.45 * scale, 72 + tonic + (4, 7, 12, 7)[beat]))
    return midi_bytes([("piano", notes)], tpb=384)


def _emopia(root: Path) -> None:
    src = FIXTURES / "emopia"
    members = {
        "EMOPIA_1.0/midis/Q1_fixtureSong_0.mid": emopia_clip(100.0, 4, 0),
        "EMOPIA_1.0/midis/Q3_fixtureSong_1.mid": emopia_clip(72.0, 3, 9),
        "EMOPIA_1.0/label.csv": (src / "label.csv").read_bytes(),
    }
    for name in ("train_clip.csv", "val_clip.csv", "test_clip.csv"):
        members[f"EMOPIA_1.0/split/{name}"] = (src / name).read_bytes()
    write_tar(root / "emopia" / "EMOPIA_1.0.tar.gz", members)


def make_datasets(root: Path) -> Path:
    """Write the fixture copy of every dataset under ``root``; returns ``root``."""
    for make in (
        _pop909,
        _billboard,
        _openewld,
        _chord_melody,
        _when_in_rome,
        _jazz,
        _nottingham,
        _emopia,
    ):
        make(root)
    return root


@pytest.fixture(scope="session")
def datasets_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A datasets folder with a tiny copy of all eight datasets (shared: do not modify)."""
    return make_datasets(tmp_path_factory.mktemp("datasets"))


@pytest.fixture
def fresh_datasets(tmp_path: Path) -> Path:
    """A private datasets folder that a test may modify."""
    return make_datasets(tmp_path / "datasets")


@pytest.fixture
def midi_factory() -> Callable[..., bytes]:
    """:func:`midi_bytes`, for tests that need their own MIDI files."""
    return midi_bytes


@pytest.fixture(scope="session")
def built_cache(datasets_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder with the corpus built from the fixtures (serially)."""
    from image2music.data.build import build_corpus

    cache = tmp_path_factory.mktemp("cache")
    build_corpus(datasets_dir, cache, workers=1)
    return cache
