"""Torch-free preparation of training sequences: chord and melody examples and emotion labels.

Training (:mod:`image2music.training`) and evaluation (:mod:`image2music.evaluation`)
both read the corpus through these modules; neither imports the other's internals.
"""
