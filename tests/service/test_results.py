"""The results folder: ids, file-name checks, containment and expiry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from image2music.service.results import (
    FILE_PATTERN,
    ID_PATTERN,
    ResultNotFoundError,
    ResultStore,
    safe_stem,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def composition() -> object:
    import image2music

    return image2music.compose(
        Path(__file__).resolve().parents[2] / "examples" / "photo.jpg",
        bars=4,
        detect_entities=False,
    )


def test_save_and_find(tmp_path: Path, composition: object) -> None:
    store = ResultStore(tmp_path / "r", ttl_sec=60)
    stored = store.save(composition, ["mid", "json"], name="My Photo (1).jpg")  # type: ignore[arg-type]
    assert ID_PATTERN.fullmatch(stored.id)
    assert stored.files == {"mid": "My-Photo-1.mid", "json": "My-Photo-1.json"}
    path = store.path(stored.id, "My-Photo-1.mid")
    assert path.read_bytes().startswith(b"MThd")
    assert path.parent.parent == store.root
    assert sorted(p.name for p in store.root.iterdir()) == [stored.id]  # no temporary folder left
    assert (store.root.stat().st_mode & 0o777) == 0o700


def test_ids_are_unguessable(tmp_path: Path, composition: object) -> None:
    store = ResultStore(tmp_path, ttl_sec=60)
    ids = {store.save(composition, ["json"]).id for _ in range(5)}  # type: ignore[arg-type]
    assert len(ids) == 5 and all(len(i) == 22 for i in ids)


@pytest.mark.parametrize(
    ("result_id", "name"),
    [
        ("../../etc", "passwd"),
        ("{id}", "../{id}/photo.mid"),
        ("{id}", "photo.wav"),
        ("{id}", "photo.mid\x00.json"),
        ("{id}", "/etc/passwd"),
        ("{id}", ".photo.mid"),
        ("{id}", "photo.MID"),
        ("AAAAAAAAAAAAAAAAAAAAAA", "photo.mid"),
        ("{id}/..", "photo.mid"),
        ("", "photo.mid"),
    ],
)
def test_bad_lookups(tmp_path: Path, composition: object, result_id: str, name: str) -> None:
    store = ResultStore(tmp_path, ttl_sec=60)
    stored = store.save(composition, ["mid"], name="photo.jpg")  # type: ignore[arg-type]
    with pytest.raises(ResultNotFoundError):
        store.path(result_id.format(id=stored.id), name.format(id=stored.id))


def test_symlink_out_of_the_root_is_refused(tmp_path: Path, composition: object) -> None:
    store = ResultStore(tmp_path / "r", ttl_sec=60)
    stored = store.save(composition, ["mid"], name="photo.jpg")  # type: ignore[arg-type]
    secret = tmp_path / "secret.json"
    secret.write_text("{}")
    (store.root / stored.id / "leak.json").symlink_to(secret)
    with pytest.raises(ResultNotFoundError):
        store.path(stored.id, "leak.json")


def test_expiry(tmp_path: Path, composition: object) -> None:
    clock = Clock()
    store = ResultStore(tmp_path, ttl_sec=100, clock=clock)
    old = store.save(composition, ["json"], name="a.png")  # type: ignore[arg-type]
    clock.now += 60
    new = store.save(composition, ["json"], name="b.png")  # type: ignore[arg-type]
    (store.root / ".tmp-leftover").mkdir()
    os.utime(store.root / ".tmp-leftover", (clock.now - 500, clock.now - 500))
    (store.root / "not-a-result").mkdir()
    clock.now += 50
    with pytest.raises(ResultNotFoundError, match="expired"):
        store.path(old.id, "a.json")
    assert store.path(new.id, "b.json").exists()
    assert store.sweep() == 2
    assert sorted(p.name for p in store.root.iterdir()) == sorted([new.id, "not-a-result"])
    clock.now += 100
    assert store.sweep() == 1


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("photo.jpg", "photo"),
        ("Été à Paris.jpeg", "Ete-a-Paris"),
        ("../../etc/passwd", "passwd"),
        ("..", "image2music"),
        ("", "image2music"),
        (None, "image2music"),
        ("a" * 200 + ".png", "a" * 64),
        ("日本.png", "image2music"),
        ("-x-.png", "x"),
    ],
)
def test_safe_stem(name: str | None, stem: str) -> None:
    assert safe_stem(name) == stem
    assert FILE_PATTERN.fullmatch(f"{safe_stem(name)}.json")
