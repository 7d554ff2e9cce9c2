"""Deterministic train / validation / test splits by song, duplicate-aware.

Rule:

1. Every song gets a *group key*. For datasets with real song titles
   (all but When in Rome, whose titles are work names such as "Sonata", and
   EMOPIA, whose clips have ids only) it is ``"title:" +`` the normalised
   title, unless the title is generic; otherwise ``"id:" +`` the song id.
   Songs that share a normalised title, in one dataset or across datasets
   (the same standard in OpenEWLD, chord-melody and JazzStandards), share a
   group and therefore a split.
2. ``bucket = int(sha1(group_key)[:8], 16) % 100``: 0-79 train, 80-89
   valid, 90-99 test (80/10/10).
3. A dataset's official split (EMOPIA's ``split/*_clip.csv``) overrides 2.

Normalised title: Unicode NFKC, lower case, text in parentheses or brackets
removed, ``&`` -> ``and``, punctuation removed, a leading or trailing
article (the, a, an) removed, whitespace collapsed. Generic: empty, only
digits, shorter than 4 characters (Latin script), or in
:data:`GENERIC_TITLES`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "GENERIC_TITLES",
    "SPLITS",
    "TITLE_GROUPED_DATASETS",
    "assign_split",
    "group_key",
    "is_generic_title",
    "normalise_title",
]

#: Split names in order.
SPLITS: tuple[str, ...] = ("train", "valid", "test")

#: Datasets whose titles identify songs (used for duplicate grouping).
TITLE_GROUPED_DATASETS = frozenset(
    {"pop909", "billboard", "openewld", "chord_melody", "jazz_standards", "nottingham"}
)

#: Titles that do not identify a song.
GENERIC_TITLES = frozenset(
    {
        "untitled",
        "unknown",
        "no title",
        "title",
        "song",
        "intro",
        "theme",
        "blues",
        "waltz",
        "reel",
        "jig",
        "march",
        "hornpipe",
        "polka",
        "minuet",
        "prelude",
        "lullaby",
        "medley",
        "instrumental",
        "traditional",
    }
)

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_ARTICLES = re.compile(r"^(the|a|an)\s+|\s+(the|a|an)$")


def normalise_title(title: str) -> str:
    """Canonical form of a title for duplicate detection.

    Args:
        title: The title as written.

    Returns:
        The normalised title ("" when nothing is left).
    """
    t = unicodedata.normalize("NFKC", title).lower()
    t = _BRACKETS.sub(" ", t).replace("&", " and ")
    t = t.replace("'", "").replace("\u2019", "")
    t = re.sub(r"[^\w\s]", " ", t).replace("_", " ")
    t = " ".join(t.split())
    t = t.removesuffix(", the")
    for _ in range(2):
        t = _ARTICLES.sub("", t).strip()
    return t


def is_generic_title(normalised: str) -> bool:
    """Whether a normalised title is too generic to identify a song."""
    if not normalised or normalised.isdigit() or normalised in GENERIC_TITLES:
        return True
    return normalised.isascii() and len(normalised) < 4


def group_key(dataset: str, song_id: str, title: str) -> str:
    """The key a song's split is hashed from (see the module doc).

    Args:
        dataset: Dataset name.
        song_id: Corpus-wide song id.
        title: The song's title.

    Returns:
        ``"title:<normalised title>"`` or ``"id:<song id>"``.
    """
    if dataset in TITLE_GROUPED_DATASETS:
        norm = normalise_title(title)
        if not is_generic_title(norm):
            return f"title:{norm}"
    return f"id:{song_id}"


def assign_split(key: str, official: str = "", fractions: Sequence[int] = (80, 10, 10)) -> str:
    """Split of a group key.

    Args:
        key: Group key from :func:`group_key`.
        official: A dataset's prescribed split, which wins when set.
        fractions: Percent of train, valid and test (summing to 100).

    Returns:
        ``"train"``, ``"valid"`` or ``"test"``.
    """
    if official in SPLITS:
        return official
    bucket = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 100
    if bucket < fractions[0]:
        return "train"
    if bucket < fractions[0] + fractions[1]:
        return "valid"
    return "test"
