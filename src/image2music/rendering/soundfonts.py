"""General MIDI soundfonts: the one given with ``--soundfont``, or the best one installed.

Auto-detection looks for these, best first (:data:`SEARCH`):

==========================  ==============================================  ========
soundfont                   where (Debian / Ubuntu package)                 licence
==========================  ==============================================  ========
MuseScore General           ``/usr/share/sounds/sf2/MuseScore_General.sf2``  MIT
                            (``musescore-general-soundfont``, lossless) or
                            ``/usr/share/sounds/sf3/MuseScore_General.sf3``
                            (``musescore-general-soundfont-small``)
FluidR3 GM                  ``/usr/share/sounds/sf2/FluidR3_GM.sf2``         MIT
                            (``fluid-soundfont-gm``)
TimGM6mb                    inside the ``pretty_midi`` package (pip only)    GPL-2.0
==========================  ==============================================  ========

SF3 files are Vorbis-compressed: FluidSynth decodes the samples an SF3 piece
uses each time it renders (about 1 s for the small MuseScore font here), an
SF2 loads faster. A soundfont given by path is checked to be a RIFF ``sfbk``
file (SF2 or SF3); its licence is the user's to know.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from image2music.errors import ConfigError, OutputError

__all__ = [
    "SEARCH",
    "Soundfont",
    "default_soundfont",
    "installed_soundfonts",
    "pretty_midi_soundfont",
    "soundfont_at",
]

#: Name of the soundfont file inside the ``pretty_midi`` package.
_PRETTY_MIDI_SF2 = "TimGM6mb.sf2"


@dataclass(frozen=True)
class Soundfont:
    """A soundfont file and what is known about it.

    Attributes:
        name: Its name for people, e.g. ``"FluidR3 GM"``.
        path: The SF2 or SF3 file.
        licence: SPDX identifier, or ``"unknown"`` for a user's file.
        reason: Why it was chosen, in plain words.
    """

    name: str
    path: Path
    licence: str
    reason: str


#: Installed General MIDI soundfonts looked for, best first: (name, licence, paths).
SEARCH: tuple[tuple[str, str, tuple[Path, ...]], ...] = (
    (
        "MuseScore General",
        "MIT",
        (
            Path("/usr/share/sounds/sf2/MuseScore_General.sf2"),
            Path("/usr/share/sounds/sf3/MuseScore_General.sf3"),
        ),
    ),
    ("FluidR3 GM", "MIT", (Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),)),
)


def _is_soundfont(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return head[:4] == b"RIFF" and head[8:12] == b"sfbk"


def installed_soundfonts() -> list[Soundfont]:
    """Every soundfont of :data:`SEARCH` that is installed and readable, best first."""
    found = []
    for name, licence, paths in SEARCH:
        for path in paths:
            if path.is_file() and _is_soundfont(path):
                found.append(Soundfont(name, path, licence, f"the best installed: {name}"))
                break
    return found


def default_soundfont() -> Soundfont:
    """The best installed soundfont, else pretty_midi's TimGM6mb.

    Raises:
        OutputError: If none is installed and pretty_midi's is missing.
    """
    found = installed_soundfonts()
    if found:
        return found[0]
    return Soundfont(
        "TimGM6mb",
        pretty_midi_soundfont(),
        "GPL-2.0",
        "no system soundfont is installed, so pretty_midi's small TimGM6mb",
    )


def soundfont_at(path: str | os.PathLike[str]) -> Soundfont:
    """A soundfont given by path (``--soundfont``).

    Raises:
        ConfigError: If the file is missing or is not an SF2/SF3 soundfont.
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise ConfigError(f"soundfont {str(path)!r} does not exist or is not a file")
    if not _is_soundfont(p):
        raise ConfigError(f"soundfont {p.name!r} is not an SF2 or SF3 file (no RIFF sfbk header)")
    known = {q: (n, lic) for n, lic, paths in SEARCH for q in paths}
    name, licence = known.get(p, (p.stem, "unknown"))
    return Soundfont(name, p, licence, "chosen with --soundfont")


def pretty_midi_soundfont() -> Path:
    """Path of the General MIDI soundfont shipped inside ``pretty_midi``.

    Raises:
        OutputError: If ``pretty_midi`` or its soundfont is missing.
    """
    spec = importlib.util.find_spec("pretty_midi")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / _PRETTY_MIDI_SF2
        if path.is_file():
            return path
    raise OutputError(
        f"the General MIDI soundfont {_PRETTY_MIDI_SF2} of the 'pretty_midi' package is missing; "
        "reinstall it with  pip install --force-reinstall pretty_midi"
    )
