"""Columnar storage of the corpus: flat numpy arrays in a deterministic ``.npz``.

Layout (``S`` songs, ``P`` phrases, ``F`` = ``len(FEATURE_NAMES)``); ragged
per-song data is stored flat with ``*_offsets`` (length ``S + 1``): the rows
of song ``i`` are ``offsets[i]:offsets[i + 1]``.

Songs (length ``S``): ``song_id``, ``dataset``, ``title``, ``artist``,
``licence``, ``official_split``, ``split`` (``train``/``valid``/``test``),
``group_key`` (what the split was hashed from), ``chord_source``,
``key_source`` (strings); ``permissive``, ``has_melody`` (bool);
``ts_num``, ``ts_den`` (metre of the first bar); ``tempo_bpm`` (NaN when
unknown); ``emotion_q`` (1..4, 0 none); ``tonic``/``mode`` (first key;
``mode`` indexes :data:`image2music.types.MODES`: 0 major, 1 minor);
``end_beats``; ``features`` (``S x F``).

Bars: ``bar_starts`` (beats).
Chords: ``chord_onset``, ``chord_dur`` (beats); ``chord_token`` (chord
vocabulary id); ``chord_root`` / ``chord_bass`` (semitones above the local
tonic, -1 for none/root position); ``chord_quality`` (index into the
qualities, -1 for N/dropped); ``chord_status`` (0 exact, 1 simplified,
2 no-chord, 3 dropped); ``chord_key_tonic`` (absolute pitch class) and
``chord_key_mode`` of the local key.
Melody: ``note_onset``, ``note_dur`` (16th steps); ``note_pitch`` (MIDI);
``note_token`` (melody vocabulary id, relative to the local key).
Keys: ``key_onset`` (beats), ``key_tonic``, ``key_mode``.
Phrases (length ``P``): ``phrase_song`` (song row), ``phrase_start_bar``,
``phrase_end_bar`` (exclusive), ``phrase_label``, ``phrase_features``
(``P x F``).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from image2music.data.features import FEATURE_NAMES
from image2music.data.normalise import SongArrays

__all__ = [
    "RAGGED",
    "SONG_COLUMNS",
    "Table",
    "concat_tables",
    "content_hash",
    "pack_songs",
    "read_npz",
    "write_npz",
]

#: A corpus table: column name -> array.
Table = dict[str, NDArray[np.generic]]

#: Ragged groups: offsets name -> its flat columns.
RAGGED: dict[str, tuple[str, ...]] = {
    "bar_offsets": ("bar_starts",),
    "chord_offsets": (
        "chord_onset",
        "chord_dur",
        "chord_token",
        "chord_root",
        "chord_quality",
        "chord_bass",
        "chord_status",
        "chord_key_tonic",
        "chord_key_mode",
    ),
    "note_offsets": ("note_onset", "note_dur", "note_pitch", "note_token"),
    "key_offsets": ("key_onset", "key_tonic", "key_mode"),
    "phrase_offsets": (
        "phrase_song",
        "phrase_start_bar",
        "phrase_end_bar",
        "phrase_label",
        "phrase_features",
    ),
}

#: Per-song columns.
SONG_COLUMNS: tuple[str, ...] = (
    "song_id",
    "dataset",
    "title",
    "artist",
    "licence",
    "official_split",
    "split",
    "group_key",
    "chord_source",
    "key_source",
    "permissive",
    "has_melody",
    "ts_num",
    "ts_den",
    "tempo_bpm",
    "emotion_q",
    "tonic",
    "mode",
    "end_beats",
    "features",
)

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def _str_array(values: Sequence[str]) -> NDArray[np.str_]:
    return np.array(list(values), dtype=np.str_) if values else np.zeros(0, dtype="<U1")


def _offsets(lengths: Sequence[int]) -> NDArray[np.int64]:
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def pack_songs(songs: Sequence[SongArrays], licence: str, permissive: bool) -> Table:
    """Pack normalised songs of one dataset into a table.

    ``split`` and ``group_key`` are left empty; the builder fills them when it
    combines datasets.

    Args:
        songs: The songs, in corpus order.
        licence: The dataset's licence.
        permissive: Whether that licence is permissive.

    Returns:
        The table.
    """
    recs = [s.record for s in songs]
    n = len(songs)
    t: Table = {
        "song_id": _str_array([r.song_id for r in recs]),
        "dataset": _str_array([r.dataset for r in recs]),
        "title": _str_array([r.title for r in recs]),
        "artist": _str_array([r.artist for r in recs]),
        "licence": _str_array([licence] * n),
        "official_split": _str_array([r.official_split for r in recs]),
        "split": _str_array([""] * n),
        "group_key": _str_array([""] * n),
        "chord_source": _str_array([r.chord_source for r in recs]),
        "key_source": _str_array([r.key_source for r in recs]),
        "permissive": np.full(n, permissive, dtype=bool),
        "has_melody": np.array([len(s.note_onset) > 0 for s in songs], dtype=bool),
        "ts_num": np.array([r.time_signature[0] for r in recs], dtype=np.int16),
        "ts_den": np.array([r.time_signature[1] for r in recs], dtype=np.int16),
        "tempo_bpm": np.array([r.tempo_bpm for r in recs], dtype=np.float32),
        "emotion_q": np.array([r.emotion_q for r in recs], dtype=np.int8),
        "tonic": np.array([s.key_tonic[0] for s in songs], dtype=np.int8),
        "mode": np.array([s.key_mode[0] for s in songs], dtype=np.int8),
        "end_beats": np.array([r.end for r in recs], dtype=np.float32),
        "features": (
            np.stack([s.features for s in songs])
            if songs
            else np.zeros((0, len(FEATURE_NAMES)), np.float32)
        ),
    }
    t["bar_offsets"] = _offsets([len(s.bar_starts) for s in songs])
    t["chord_offsets"] = _offsets([len(s.chord_onset) for s in songs])
    t["note_offsets"] = _offsets([len(s.note_onset) for s in songs])
    t["key_offsets"] = _offsets([len(s.key_onset) for s in songs])
    t["phrase_offsets"] = _offsets([len(s.phrase_start_bar) for s in songs])
    for group in RAGGED.values():
        for col in group:
            if col == "phrase_song":
                parts: list[NDArray[np.generic]] = [
                    np.full(len(s.phrase_start_bar), i, dtype=np.int32) for i, s in enumerate(songs)
                ]
            elif col == "phrase_label":
                t[col] = _str_array([lab for s in songs for lab in s.phrase_label])
                continue
            else:
                parts = [getattr(s, col) for s in songs]
            if parts:
                t[col] = np.concatenate(parts)
            else:
                t[col] = _empty_like_column(col)
    return t


def _empty_like_column(col: str) -> NDArray[np.generic]:
    if col.endswith("features"):
        return np.zeros((0, len(FEATURE_NAMES)), np.float32)
    return np.zeros(0, dtype=np.float32 if col in ("bar_starts", "key_onset") else np.int32)


def concat_tables(tables: Sequence[Table]) -> Table:
    """Concatenate tables song-wise, rebasing offsets and phrase song rows.

    Args:
        tables: Tables with the same columns.

    Returns:
        One table.
    """
    if len(tables) == 1:
        return dict(tables[0])
    out: Table = {}
    keys = list(tables[0])
    for key in keys:
        if key in RAGGED:
            pieces: list[NDArray[np.generic]] = []
            base = 0
            for t in tables:
                off = t[key].astype(np.int64)
                pieces.append(off[:-1] + base)
                base += int(off[-1])
            pieces.append(np.array([base], dtype=np.int64))
            out[key] = np.concatenate(pieces)
        elif key == "phrase_song":
            pieces = []
            base = 0
            for t in tables:
                pieces.append(t[key].astype(np.int32) + base)
                base += len(t["song_id"])
            out[key] = np.concatenate(pieces) if pieces else t[key]
        else:
            arrays = [t[key] for t in tables]
            if arrays[0].dtype.kind == "U":
                width = max(a.dtype.itemsize // 4 for a in arrays)
                arrays = [a.astype(f"<U{max(width, 1)}") for a in arrays]
            out[key] = np.concatenate(arrays)
    return out


def content_hash(table: Mapping[str, NDArray[np.generic]]) -> str:
    """SHA-256 over every column's name, dtype, shape and bytes (sorted by name).

    Args:
        table: The table.

    Returns:
        Hex digest.
    """
    h = hashlib.sha256()
    for key in sorted(table):
        a = np.ascontiguousarray(table[key])
        h.update(f"{key}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def write_npz(path: Path, table: Mapping[str, NDArray[np.generic]]) -> None:
    """Write a table as a compressed ``.npz`` whose bytes depend only on the data.

    Args:
        path: Destination; written via a temporary file and renamed.
        table: The table (no object arrays).
    """
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(table):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(table[key]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())
    tmp.replace(path)


def read_npz(path: Path) -> Table:
    """Read a table written by :func:`write_npz`.

    Args:
        path: The ``.npz`` file.

    Returns:
        The table (arrays fully loaded).
    """
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}
