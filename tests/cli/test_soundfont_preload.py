"""The CLI loads the soundfont in the background when it will need it."""

from __future__ import annotations

import threading

import pytest


def test_an_audio_compose_loads_the_soundfont_while_the_picture_is_analysed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from image2music.cli import writing
    from image2music.rendering import synth

    loaded: list[str] = []
    done = threading.Event()

    def preload(choice: synth.SynthChoice) -> None:
        loaded.append(choice.name)
        done.set()

    monkeypatch.setattr(synth, "preload_soundfont", preload)
    writing.start_command({"synth": "symusic"}, "mid,json", quiet=True)
    assert not done.wait(0.2) and loaded == []  # no audio asked for: nothing loaded
    writing.start_command({"synth": "symusic"}, "mid,wav", quiet=True)
    assert done.wait(10) and loaded == ["symusic"]
