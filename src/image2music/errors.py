"""The exception hierarchy: one root, one subclass per pipeline stage.

Third-party errors are wrapped at the boundary where they enter the package
(``raise ImageError(...) from e``), so callers only ever need to catch
:class:`Image2MusicError`. Every message is a single line meant for a person.
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "CompositionError",
    "ConfigError",
    "DataError",
    "EmotionError",
    "ExistingFileError",
    "Image2MusicError",
    "ImageError",
    "MissingDependencyError",
    "ModelError",
    "OutputError",
    "TheoryError",
    "ValidationError",
    "VideoError",
    "WriteError",
]


class Image2MusicError(Exception):
    """Root of every error raised on purpose by image2music."""


class ValidationError(Image2MusicError, ValueError):
    """A value handed to a data type is out of range or of the wrong kind."""


class ConfigError(Image2MusicError, ValueError):
    """A user option is invalid (for example ``--bars 5``)."""


class MissingDependencyError(Image2MusicError, ImportError):
    """An optional dependency is not installed; the message names the extra."""

    def __init__(self, module: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the '{module}' package: "
            f"install it with  pip install 'image2music[{extra}]'"
        )
        self.module = module
        self.extra = extra
        self.purpose = purpose

    def __reduce__(self) -> tuple[type[MissingDependencyError], tuple[str, str, str]]:
        """Pickle by the constructor's arguments (errors cross process boundaries)."""
        return (type(self), (self.module, self.extra, self.purpose))


class ImageError(Image2MusicError):
    """The picture cannot be read: missing, empty, not an image, corrupt or too large."""


class VideoError(ImageError):
    """The video clip cannot be read: no video stream, corrupt, truncated, empty or too long."""


class AnalysisError(Image2MusicError):
    """Image analysis (tone features or entities) failed."""


class EmotionError(Image2MusicError):
    """Estimating the emotion of a picture failed."""


class TheoryError(Image2MusicError, ValueError):
    """A music-theory value cannot be parsed or does not exist (e.g. chord 'H#q')."""


class CompositionError(Image2MusicError):
    """A harmony or melody generator could not produce music."""


class ModelError(Image2MusicError):
    """A trained model is missing, corrupt or incompatible."""


class DataError(Image2MusicError):
    """A training dataset cannot be read or is malformed."""


class OutputError(Image2MusicError):
    """Writing an output file failed or would overwrite an existing file."""


class ExistingFileError(OutputError):
    """An output file exists and overwriting was not asked for.

    Attributes:
        path: The existing file.
    """

    def __init__(self, path: object) -> None:
        super().__init__(f"{path} exists; pass force=True to overwrite it")
        self.path = path

    def __reduce__(self) -> tuple[type[ExistingFileError], tuple[object]]:
        """Pickle by the constructor's argument (errors cross process boundaries)."""
        return (type(self), (self.path,))


class WriteError(OutputError):
    """The output place cannot take the files: a full disk, no permission, a folder in the way.

    Like a bad picture or option, this is for the user to fix (the command
    line exits with status 2).
    """
