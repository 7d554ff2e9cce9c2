"""Dataset readers, one module per dataset, and the registry of them."""

from __future__ import annotations

from image2music.data.readers import (
    billboard,
    chord_melody,
    emopia,
    jazz_standards,
    nottingham,
    openewld,
    pop909,
    when_in_rome,
)
from image2music.data.readers.base import DatasetSpec

__all__ = ["DATASETS", "DatasetSpec"]

# The chord-melody set's code and annotations are MIT, but its songs are OCR'd
# copyrighted standards for research use; ../shared/datasets/README.md does not
# list it for default weights, so shipped weights leave it out (not permissive).
_TABLE = (
    # name, folder, licence, permissive, inputs, reader, has_melody
    ("pop909", "pop909", "MIT", True, (pop909.ARCHIVE,), pop909.read, True),
    ("billboard", "mcgill-billboard", "CC0-1.0", True, (billboard.ARCHIVE,), billboard.read,
     False),
    ("openewld", "openewld", "MIT / public domain", True, (openewld.ARCHIVE,), openewld.read,
     True),
    ("chord_melody", "chord-melody-dataset", "MIT (OCR of copyrighted songs: research use)",
     False, (chord_melody.ARCHIVE,), chord_melody.read, True),
    ("when_in_rome", "when-in-rome",
     "CC BY-SA 4.0 (analyses from other sources keep their licence)", False,
     (when_in_rome.ARCHIVE,), when_in_rome.read, False),
    ("jazz_standards", "jazz-standards", "none stated (iReal Pro charts)", False,
     (jazz_standards.FILE,), jazz_standards.read, False),
    ("nottingham", "nottingham", "GPL-3.0", False, (nottingham.ARCHIVE, "ABC_cleaned/*.abc"),
     nottingham.read, True),
    ("emopia", "emopia", "CC BY-NC-SA 4.0", False, (emopia.ARCHIVE,), emopia.read, True),
)  # fmt: skip

#: Every dataset the builder knows, in corpus order.
DATASETS: dict[str, DatasetSpec] = {
    name: DatasetSpec(name, folder, licence, permissive, inputs, read, has_melody)
    for name, folder, licence, permissive, inputs, read, has_melody in _TABLE
}
