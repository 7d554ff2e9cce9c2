"""The whole build on the fixtures: cache, splits, duplicates, loader, CLI, errors."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from image2music.cli.data_cmd import build_data_cli
from image2music.data import FEATURE_NAMES, load_corpus
from image2music.data.build import build_corpus, corpus_dir
from image2music.data.stats import dataset_rows, target_checks
from image2music.errors import DataError
from image2music.vocab import CHORD_N, MELODY_HOLD, MELODY_REST, chord_token

runner = CliRunner()


def test_full_build_on_fixtures(built_cache: Path) -> None:
    corpus = load_corpus(built_cache)
    m = corpus.manifest
    assert m["datasets"] == [
        "pop909",
        "billboard",
        "openewld",
        "chord_melody",
        "when_in_rome",
        "jazz_standards",
        "nottingham",
        "emopia",
    ]
    assert m["counts"]["songs"] == len(corpus) == 14
    assert set(corpus.arrays["split"].tolist()) <= {"train", "valid", "test"}
    assert m["feature_names"] == list(FEATURE_NAMES)
    assert len(m["content_hash"]) == 64
    rows = {r["dataset"]: r for r in dataset_rows(m)}
    assert rows["pop909"]["songs"] == 2 and rows["pop909"]["items"] == 3
    assert rows["pop909"]["skip_reasons"] == {"malformed beat_midi.txt": 1}
    assert rows["billboard"]["chord_drop_reasons"] == {"unannotated chord (*)": 1}
    assert rows["emopia"]["estimated_chords"]
    assert rows["TOTAL"]["skipped"] == 6
    log = (corpus_dir(built_cache) / "parts" / "pop909.log").read_text()
    assert "skipped 003: malformed beat_midi.txt" in log
    names = [c["name"] for c in target_checks(m)]
    assert "annotated chord occurrences mapped" in names


def test_splits_keep_duplicate_titles_together(built_cache: Path) -> None:
    corpus = load_corpus(built_cache)
    a = corpus.arrays
    groups: dict[str, set[str]] = {}
    for key, split in zip(a["group_key"].tolist(), a["split"].tolist(), strict=True):
        groups.setdefault(key, set()).add(split)
    assert all(len(s) == 1 for s in groups.values())  # no group in two splits
    same = [i for i, k in enumerate(a["group_key"].tolist()) if k == "title:all of me"]
    assert {a["dataset"][i] for i in same} == {"billboard", "openewld", "jazz_standards"}
    assert corpus.manifest["duplicates"]["cross_dataset_groups"] == 1
    # EMOPIA follows its official split files.
    emopia = {s.song_id: s.split for s in corpus.songs(datasets=["emopia"])}
    assert emopia == {"emopia/Q1_fixtureSong_0": "train", "emopia/Q3_fixtureSong_1": "test"}


def test_build_is_deterministic_and_cached(datasets_dir: Path, tmp_path: Path) -> None:
    first = build_corpus(datasets_dir, tmp_path / "a", only=["pop909", "billboard"])
    assert first.built == ["pop909", "billboard"] and first.combined
    again = build_corpus(datasets_dir, tmp_path / "a", only=["pop909", "billboard"])
    assert again.built == [] and again.cached == ["pop909", "billboard"]
    assert not again.combined
    assert again.manifest["content_hash"] == first.manifest["content_hash"]
    other = build_corpus(datasets_dir, tmp_path / "b", only=["pop909", "billboard"], force=True)
    assert other.manifest["content_hash"] == first.manifest["content_hash"]
    npz_a = (corpus_dir(tmp_path / "a") / "corpus.npz").read_bytes()
    assert npz_a == (corpus_dir(tmp_path / "b") / "corpus.npz").read_bytes()
    forced = build_corpus(datasets_dir, tmp_path / "a", only=["pop909"], force=True)
    assert forced.built == ["pop909"] and forced.combined
    assert forced.manifest["datasets"] == ["pop909"]


def test_incremental_rebuild_only_changed_dataset(fresh_datasets: Path, tmp_path: Path) -> None:
    ds = fresh_datasets
    cache = tmp_path / "cache"
    build_corpus(ds, cache, only=["jazz_standards", "billboard"])
    chart = ds / "jazz-standards" / "JazzStandards.json"
    tunes = json.loads(chart.read_text())
    tunes.append(
        {"Title": "New Tune", "Key": "G", "Sections": [{"MainSegment": {"Chords": "G|D7|G"}}]}
    )
    chart.write_text(json.dumps(tunes))
    os.utime(chart, ns=(1, 2_000_000_000_000_000_000))
    res = build_corpus(ds, cache, only=["jazz_standards", "billboard"])
    assert res.built == ["jazz_standards"] and res.cached == ["billboard"] and res.combined
    assert res.manifest["parts"]["jazz_standards"]["stats"]["songs"] == 4


def test_parallel_build_matches_serial(
    datasets_dir: Path, tmp_path: Path, built_cache: Path
) -> None:
    res = build_corpus(datasets_dir, tmp_path, workers=2)
    serial = load_corpus(built_cache).manifest["content_hash"]
    assert res.manifest["content_hash"] == serial


def test_loader_filters_and_grids(built_cache: Path) -> None:
    corpus = load_corpus(built_cache)
    permissive = corpus.songs(permissive_only=True)
    # chord-melody is MIT code over OCR'd copyrighted songs: not for shipped weights.
    assert permissive and {s.dataset for s in permissive} == {"pop909", "billboard", "openewld"}
    assert all(s.permissive for s in permissive)
    waltzes = corpus.songs(metre=(3, 4))
    assert {s.song_id for s in waltzes} >= {
        "billboard/0002",
        "when_in_rome/Fixtures/Composer/key_change_pivot_pickup_repeat",
    }
    for split in ("train", "valid", "test"):
        assert all(s.split == split for s in corpus.songs(split))
    assert len(corpus.select(with_melody=True)) + len(corpus.select(with_melody=False)) == len(
        corpus
    )

    (song,) = corpus.songs(datasets=["openewld"])
    assert song.key.mode == "minor" and song.key.tonic_pc == 9
    beats = song.chord_grid()
    assert len(beats) == 16
    assert beats[:4].tolist() == [CHORD_N] * 4  # pickup bar has no chord
    assert beats[4] == chord_token(0, "min")  # Am in A minor
    assert beats[8] == chord_token(3, "maj")  # C/E -> (3, maj)
    assert song.chord_bass[2] == 7  # E is 7 semitones above A
    mel = song.melody_grid()
    assert len(mel) == 64
    assert mel[12] not in (MELODY_REST, MELODY_HOLD)  # pickup note on beat 4
    assert mel[16] not in (MELODY_REST, MELODY_HOLD) and mel[17] == MELODY_HOLD
    assert mel[28] == MELODY_REST
    assert song.key_at(5.0).tonic_pc == 9

    phrases = corpus.phrases(datasets=["billboard"])
    labels = [p.label for p in phrases if p.song.song_id == "billboard/0001"]
    assert labels == ["intro", "verse", "chorus"]
    verse = next(p for p in phrases if p.label == "verse")
    assert verse.start_beat == 8.0 and verse.end_beat == 32.0
    assert len(verse.chord_grid()) == 24 and len(verse.melody_grid()) == 96
    assert verse.features.shape == (len(FEATURE_NAMES),)
    assert np.isnan(verse.features[FEATURE_NAMES.index("note_density")])


def test_cli_build_and_stats(datasets_dir: Path, tmp_path: Path) -> None:
    args = ["build", "--datasets", str(datasets_dir), "--cache-dir", str(tmp_path)]
    res = runner.invoke(
        build_data_cli(), [*args, "--only", "pop909,jazz_standards", "--workers", "1"]
    )
    assert res.exit_code == 0, res.output
    assert "pop909" in res.output and "songs kept" in res.output
    res2 = runner.invoke(build_data_cli(), [*args, "--only", "pop909,jazz_standards"])
    assert res2.exit_code == 0 and "cached: pop909, jazz_standards" in res2.output
    table = runner.invoke(build_data_cli(), ["stats", "--cache-dir", str(tmp_path)])
    assert table.exit_code == 0 and "jazz_standards" in table.output
    assert "malformed beat_midi.txt" in table.output
    js = runner.invoke(build_data_cli(), ["stats", "--json", "--cache-dir", str(tmp_path)])
    payload = json.loads(js.output)
    rows = {r["dataset"]: r for r in payload["datasets"]}
    assert rows["pop909"]["songs"] == 2 and rows["jazz_standards"]["songs"] == 3
    assert payload["vocab_version"] == 1


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    res = runner.invoke(build_data_cli(), ["stats", "--cache-dir", str(tmp_path / "none")])
    assert res.exit_code == 1 and "no corpus" in res.output
    res = runner.invoke(
        build_data_cli(), ["build", "--datasets", str(tmp_path), "--cache-dir", str(tmp_path / "c")]
    )
    assert res.exit_code == 1 and "pop909" in res.output
    res = runner.invoke(
        build_data_cli(), ["build", "--only", "nosuch", "--cache-dir", str(tmp_path)]
    )
    assert res.exit_code == 1 and "unknown dataset" in res.output


def test_wholly_unreadable_dataset_fails_naming_it(fresh_datasets: Path, tmp_path: Path) -> None:
    ds = fresh_datasets
    (ds / "jazz-standards" / "JazzStandards.json").write_text('[{"Title": "x", "Sections": []}]')
    with pytest.raises(DataError, match="'jazz_standards' is unreadable"):
        build_corpus(ds, tmp_path / "cache", only=["jazz_standards"])
    (ds / "jazz-standards" / "JazzStandards.json").write_text("{not json")
    with pytest.raises(DataError, match="jazz_standards"):
        build_corpus(ds, tmp_path / "cache", only=["jazz_standards"])
    (ds / "mcgill-billboard" / "billboard_salami_chords_and_lab.tar.gz").write_bytes(b"junk")
    with pytest.raises(DataError, match="billboard: cannot read archive"):
        build_corpus(ds, tmp_path / "cache", only=["billboard"])
    shutil.rmtree(ds / "emopia")
    with pytest.raises(DataError, match="'emopia'"):
        build_corpus(ds, tmp_path / "cache", only=["emopia"])


def test_load_corpus_without_build(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no corpus"):
        load_corpus(tmp_path)


@pytest.mark.slow
def test_real_datasets_meet_the_issue_targets(tmp_path: Path) -> None:
    """Full build of the real datasets (about 20 s): CI points IMAGE2MUSIC_DATASETS there."""
    real = os.environ.get("IMAGE2MUSIC_DATASETS")
    if not real or not (Path(real) / "pop909").is_dir():
        if os.environ.get("IMAGE2MUSIC_STRICT_DEPS"):
            pytest.fail("IMAGE2MUSIC_DATASETS must point to the real datasets in CI")
        pytest.skip("IMAGE2MUSIC_DATASETS does not point to the real datasets")
    res = build_corpus(Path(real), tmp_path)
    checks = target_checks(res.manifest)
    assert len(checks) == 5
    failed = [c for c in checks if not c["ok"]]
    assert not failed, failed
    rows = {r["dataset"]: r for r in dataset_rows(res.manifest)}
    assert set(rows) >= {"pop909", "billboard", "openewld", "chord_melody", "emopia", "TOTAL"}
    corpus = load_corpus(tmp_path)
    assert len(corpus.songs(permissive_only=True)) > 2000
