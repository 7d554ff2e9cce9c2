"""Planning and arranging: from an emotion and a picture to instrument tracks.

Submodules (nothing is imported here, so ``import image2music`` stays cheap):

* :mod:`.plan`: key, mode and tempo from the emotion and the palette.
* :mod:`.arrange`: the arranger, :func:`~.arrange.arrange`.
* :mod:`.gm`: General MIDI names, aliases and instrument ranges.
* :mod:`.instruments`: instruments from mood, palette temperature and style.
* :mod:`.styles`: the named styles (``--style``).
* :mod:`.patterns`: accompaniment patterns by arousal.
* :mod:`.bass`: the bass line with passing tones.
* :mod:`.drums`: light General MIDI percussion.
* :mod:`.dynamics`: the velocity curve and the ending's level.
* :mod:`.humanise`: seeded timing and velocity nudges, swing.
* :mod:`.form`: bars for ``--duration``, repeated sections, the held ending.

The rules and tables are collected in ``docs/arrangement.md``.
"""
