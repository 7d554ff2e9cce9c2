"""A plain accompaniment: sustained voiced chords and a root bass line.

Each chord is voiced in close position between MIDI 48 and 72 with smooth
voice leading from the previous chord; the bass plays the chord's bass note
(the slash bass when there is one) between MIDI 36 and 52, on every bar's
downbeat and chord change, and on beat 3 as well when arousal is positive.
"""

from __future__ import annotations

from image2music.arrangement.instruments import instruments_for
from image2music.types import Emotion, Melody, Note, Progression, Track

__all__ = ["arrange"]


def arrange(progression: Progression, melody: Melody, emotion: Emotion) -> tuple[Track, ...]:
    """Build the melody, chord and bass tracks.

    Args:
        progression: The chords.
        melody: The main melody.
        emotion: Chooses instruments, bass rhythm and dynamics.

    Returns:
        Three tracks: melody (channel 0), chords (channel 1), bass (channel 2).
    """
    from image2music.theory import bass_pitch, voice_chord

    inst = instruments_for(emotion)
    chord_vel = 52 + round(20 * (emotion.arousal + 1) / 2)
    bass_vel = chord_vel + 10
    chord_notes: list[Note] = []
    bass_notes: list[Note] = []
    previous: tuple[int, ...] | None = None
    half_bar = progression.bar_ticks // 2
    for tc in progression.chords:
        voicing = voice_chord(tc.chord, previous=previous)
        previous = voicing
        for p in voicing:
            chord_notes.append(Note(p, tc.start_ticks, tc.duration_ticks, chord_vel))
        bass = bass_pitch(tc.chord)
        starts = [tc.start_ticks]
        if emotion.arousal > 0:
            t = tc.start_ticks + half_bar - tc.start_ticks % half_bar
            while t < tc.end_ticks:
                starts.append(t)
                t += half_bar
        for s, e in zip(starts, [*starts[1:], tc.end_ticks], strict=True):
            bass_notes.append(Note(bass, s, e - s, bass_vel))
    return (
        Track("Melody", inst.melody, 0, melody.notes),
        Track("Chords", inst.chords, 1, tuple(chord_notes)),
        Track("Bass", inst.bass, 2, tuple(bass_notes)),
    )
