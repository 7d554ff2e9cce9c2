"""Standard MIDI file output (type 1) through mido.

Track 0 is the conductor track: title, tempo, time signature and key
signature (and their changes). Every :class:`~image2music.types.Track` of the
score follows with its name, program change and control changes (the mix:
volume, pan, reverb and chorus sends, sustain pedal). Events at the same tick
are ordered note-offs first, then control changes, then note-ons, each by
number, so the bytes are deterministic.
"""

from __future__ import annotations

import io

from image2music.errors import OutputError
from image2music.types import Key, Score

__all__ = ["midi_bytes", "mido_key_name"]

_MAJOR_BY_FIFTHS = {
    -7: "Cb", -6: "Gb", -5: "Db", -4: "Ab", -3: "Eb", -2: "Bb", -1: "F", 0: "C",
    1: "G", 2: "D", 3: "A", 4: "E", 5: "B", 6: "F#", 7: "C#",
}  # fmt: skip
_MINOR_BY_FIFTHS = {
    -7: "Abm", -6: "Ebm", -5: "Bbm", -4: "Fm", -3: "Cm", -2: "Gm", -1: "Dm", 0: "Am",
    1: "Em", 2: "Bm", 3: "F#m", 4: "C#m", 5: "G#m", 6: "D#m", 7: "A#m",
}  # fmt: skip


def mido_key_name(key: Key) -> str:
    """The key-signature name mido writes: the mode's signature, as major or minor.

    Church modes have no MIDI key-signature mode; they are written with their
    signature as the relative major (``D dorian`` -> ``C``).
    """
    from image2music.theory import key_signature

    fifths = key_signature(key)
    if key.mode == "minor":
        return _MINOR_BY_FIFTHS[fifths]
    return _MAJOR_BY_FIFTHS[fifths]


def midi_bytes(score: Score) -> bytes:
    """Encode a score as a type-1 Standard MIDI File.

    Args:
        score: The piece.

    Returns:
        The file's bytes.

    Raises:
        OutputError: If mido rejects a value.
    """
    import mido

    try:
        # UTF-8 text events: a picture named "Фото" or "日本" titles its music too
        # (mido's default Latin-1 cannot encode them).
        mid = mido.MidiFile(type=1, ticks_per_beat=score.ticks_per_beat, charset="utf-8")
        conductor = mido.MidiTrack()
        conductor.append(mido.MetaMessage("track_name", name=score.title, time=0))
        ts = score.progression.time_signature
        conductor.append(
            mido.MetaMessage(
                "time_signature", numerator=ts.numerator, denominator=ts.denominator, time=0
            )
        )
        # Keys before tempos at the same tick; each change at its own tick.
        changes: list[tuple[int, int, mido.MetaMessage]] = [
            (0, 0, mido.MetaMessage("key_signature", key=mido_key_name(score.key))),
            (0, 1, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(score.tempo_bpm))),
        ]
        changes += [
            (k.start_ticks, 0, mido.MetaMessage("key_signature", key=mido_key_name(k.key)))
            for k in score.key_changes
        ]
        changes += [
            (t.start_ticks, 1, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(t.tempo_bpm)))
            for t in score.tempo_changes
        ]
        now = 0
        for tick, _, message in sorted(changes, key=lambda c: (c[0], c[1])):
            conductor.append(message.copy(time=tick - now))
            now = tick
        end = max(
            [score.progression.total_ticks] + [n.end_ticks for t in score.tracks for n in t.notes]
        )
        conductor.append(mido.MetaMessage("end_of_track", time=end - now))
        mid.tracks.append(conductor)

        for track in score.tracks:
            mt = mido.MidiTrack()
            mt.append(mido.MetaMessage("track_name", name=track.name, time=0))
            if not track.is_drum:
                mt.append(
                    mido.Message(
                        "program_change", channel=track.channel, program=track.program, time=0
                    )
                )
            # (tick, order, a, b): note-offs (0) before controls (1) before note-ons (2).
            events: list[tuple[int, int, int, int]] = []
            for n in track.notes:
                events.append((n.start_ticks, 2, n.pitch, n.velocity))
                events.append((n.end_ticks, 0, n.pitch, 0))
            events += [(c.tick, 1, c.number, c.value) for c in track.controls]
            events.sort()
            now = 0
            channel = track.channel
            for tick, order, a, b in events:
                if order == 1:
                    message = mido.Message(
                        "control_change", channel=channel, control=a, value=b, time=tick - now
                    )
                else:
                    kind = "note_on" if order == 2 else "note_off"
                    message = mido.Message(
                        kind, channel=channel, note=a, velocity=b, time=tick - now
                    )
                mt.append(message)
                now = tick
            mt.append(mido.MetaMessage("end_of_track", time=max(0, end - now)))
            mid.tracks.append(mt)
        buf = io.BytesIO()
        mid.save(file=buf)
    except (ValueError, TypeError) as e:
        raise OutputError(f"could not encode MIDI: {e}") from e
    return buf.getvalue()
