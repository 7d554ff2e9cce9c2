"""Training corpus: dataset readers, normalisation, vocabularies and the loader.

Build it with ``image2music data build``; load it with :func:`load_corpus`.
See ``docs/corpus.md`` for the representation, vocabularies and features.
"""

from __future__ import annotations

from image2music.data.corpus import Corpus, Phrase, Song, load_corpus
from image2music.data.features import FEATURE_NAMES

__all__ = ["FEATURE_NAMES", "Corpus", "Phrase", "Song", "load_corpus"]
