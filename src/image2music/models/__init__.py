"""Shipped model weights (ONNX) and their JSON sidecars; no code.

* ``harmony.onnx`` + ``harmony.json``: the emotion-conditioned chord
  transformer; ``harmony-gru.onnx`` + ``harmony-gru.json``: the chord GRU
  (model card: ``docs/model-cards/harmony.md``).
* ``melody.onnx`` + ``melody.json``: the melody network.
"""
