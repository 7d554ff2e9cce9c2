"""Rendering: from a score to files.

Submodules (imported on use; the heavy libraries load only when their format is asked for):

* :mod:`.midi`: Standard MIDI File (mido).
* :mod:`.synth`: symusic or FluidSynth, and which one to use.
* :mod:`.loudness`: BS.1770 loudness, normalisation, peak ceiling, fade.
* :mod:`.audio`: synthesis plus mastering, once per composition.
* :mod:`.encode`: WAV, FLAC, OGG and MP3 (soundfile).
* :mod:`.musicxml`: the lead sheet (music21, optional extra ``musicxml``).
* :mod:`.pianoroll` and :mod:`.colours`: the piano-roll PNG (matplotlib).
* :mod:`.report`: the JSON report; :mod:`.files`: atomic writes.
"""
