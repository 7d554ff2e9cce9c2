"""Plain words for what the vision networks saw and how the picture feels.

Used by the report's ``why`` and ``image.content`` (see ``docs/report.md``):
"a smiling face, a dog and a sunny seashore: pleasant and lively".
"""

from __future__ import annotations

from image2music.types import Emotion, ImageFeatures

__all__ = ["content_words", "feeling_words"]

#: Expression -> adjective for a face.
_FACE_WORDS = {
    "happy": "smiling",
    "sad": "sad",
    "angry": "angry",
    "fear": "frightened",
    "surprise": "surprised",
    "disgust": "disgusted",
    "neutral": "calm",
}

#: Scene labels are said only when the scene network is at least this sure.
_MIN_SCENE_P = 0.2

_NUMBER = {2: "two", 3: "three", 4: "four", 5: "five"}


def _article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _count(noun: str, n: int) -> str:
    if n == 1:
        return _article(noun)
    plural = (
        "people" if noun == "person" else noun + ("es" if noun.endswith(("s", "sh", "ch")) else "s")
    )
    return f"{_NUMBER.get(n, str(n))} {plural}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def content_words(features: ImageFeatures, *, max_things: int = 4) -> str:
    """What the picture contains, in plain words, or ``""`` when nothing was recognised.

    Faces come first with their expression ("a smiling face", "two faces, one
    sad"), then COCO objects by count ("two people", "a dog"; people are not
    repeated when faces were named), then the scene network's top label when it
    is at least 20 % sure ("it looks like a seashore").

    Args:
        features: The picture's features (``content`` may be ``None``).
        max_things: Most object kinds named (default 4).
    """
    content = features.content
    if content is None:
        return ""
    things: list[str] = []
    if content.faces:
        moods = [_FACE_WORDS[f.expression] for f in content.faces]
        if len(set(moods)) == 1:
            things.append(f"{_count(moods[0] + ' face', len(moods))}")
        else:
            things.append(f"{_count('face', len(moods))} ({', '.join(sorted(set(moods)))})")
    counts: dict[str, int] = {}
    for obj in content.objects:
        counts[obj.label] = counts.get(obj.label, 0) + 1
    for label, n in counts.items():
        if label == "person" and content.faces and n <= len(content.faces):
            continue
        things.append(_count(label, n))
        if len(things) >= max_things:
            break
    scene = next((lab for lab in content.labels if lab.confidence >= _MIN_SCENE_P), None)
    text = _join(things)
    if scene is not None:
        looks = f"it looks like {_article(scene.label)}"
        text = f"{text}; {looks}" if text else looks
    return text


#: Words for valence and for arousal: the first whose lower bound the value passes.
_VALENCE_WORDS = (
    (0.5, "very pleasant"),
    (0.15, "pleasant"),
    (-0.15, "neither pleasant nor unpleasant"),
    (-0.5, "somewhat unpleasant"),
    (-2.0, "unpleasant"),
)
_AROUSAL_WORDS = ((0.5, "excited"), (0.15, "lively"), (-0.15, "moderately calm"), (-2.0, "calm"))


def _word(value: float, table: tuple[tuple[float, str], ...]) -> str:
    return next(word for bound, word in table if value > bound or bound == table[-1][0])


def feeling_words(emotion: Emotion) -> str:
    """The emotion as plain words, e.g. ``"pleasant and lively"``, ``"sad and calm"``."""
    return f"{_word(emotion.valence, _VALENCE_WORDS)} and {_word(emotion.arousal, _AROUSAL_WORDS)}"
