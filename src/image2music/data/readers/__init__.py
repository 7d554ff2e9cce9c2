"""Dataset readers, one module per dataset, and the registry of them."""

from __future__ import annotations

from image2music.data.readers import (
    billboard,
    chord_melody,
    emopia,
    jazz_standards,
    nottingham,
    openewld,
    pop909,
    when_in_rome,
)
from image2music.data.readers.base import DatasetSpec

__all__ = ["DATASETS", "DatasetSpec"]

#: Every dataset the builder knows, in corpus order.
DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        pop909.SPEC,
        billboard.SPEC,
        openewld.SPEC,
        chord_melody.SPEC,
        when_in_rome.SPEC,
        jazz_standards.SPEC,
        nottingham.SPEC,
        emopia.SPEC,
    )
}
