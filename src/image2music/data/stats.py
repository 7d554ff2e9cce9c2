"""Statistics of a built corpus, from its manifest (no arrays are loaded).

Per dataset: items found, songs kept, phrases, chord occurrences (N not
counted) with the shares mapped exactly / simplified / dropped, no-chord
occurrences, melody notes, items skipped with their reasons, and chord drop
reasons. The total row's mapping shares cover the *annotated* datasets only
(EMOPIA's chords are estimated from notes, so they cannot be "dropped").
"""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["TARGETS", "dataset_rows", "target_checks"]

#: Done-means thresholds: dataset -> minimum share of items kept as songs.
TARGETS: dict[str, float] = {
    "pop909": 0.95,
    "billboard": 0.90,
    "openewld": 0.90,
    "chord_melody": 0.90,
}
#: Minimum share of annotated chord occurrences mapped (exact or simplified).
CHORD_TARGET = 0.97


def _share(a: int, b: int) -> float:
    return a / b if b else 0.0


def dataset_rows(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per dataset plus a ``TOTAL`` row.

    Args:
        manifest: The corpus manifest.

    Returns:
        Rows with keys ``dataset``, ``licence``, ``permissive``, ``items``,
        ``songs``, ``songs_share``, ``phrases``, ``chords``, ``exact``,
        ``simplified``, ``dropped`` (shares of ``chords``), ``no_chord``,
        ``melody_notes``, ``skipped`` (count), ``skip_reasons``,
        ``chord_drop_reasons``, ``estimated_chords``.
    """
    rows = []
    tot: Counter[str] = Counter()
    tot_skip: Counter[str] = Counter()
    tot_drop: Counter[str] = Counter()
    for name in manifest["datasets"]:
        part = manifest["parts"][name]
        st, rep = part["stats"], part["report"]
        chords = st["chords_exact"] + st["chords_simplified"] + st["chords_dropped"]
        estimated = "estimated" in st.get("chord_source", [])
        skipped = sum(rep["skipped"].values())
        rows.append(
            {
                "dataset": name,
                "licence": part["licence"],
                "permissive": part["permissive"],
                "items": rep["items_total"],
                "songs": st["songs"],
                "songs_share": _share(st["songs"], rep["items_total"]),
                "phrases": st["phrases"],
                "chords": chords,
                "exact": _share(st["chords_exact"], chords),
                "simplified": _share(st["chords_simplified"], chords),
                "dropped": _share(st["chords_dropped"], chords),
                "no_chord": st["chords_none"],
                "melody_notes": st["melody_notes"],
                "skipped": skipped,
                "skip_reasons": rep["skipped"],
                "chord_drop_reasons": st["chord_drop_reasons"],
                "estimated_chords": estimated,
            }
        )
        for k in ("songs", "phrases", "melody_notes"):
            tot[k] += st[k]
        tot["items"] += rep["items_total"]
        tot["no_chord"] += st["chords_none"]
        tot["skipped"] += skipped
        tot_skip.update(rep["skipped"])
        if not estimated:
            tot["chords"] += chords
            tot["exact"] += st["chords_exact"]
            tot["simplified"] += st["chords_simplified"]
            tot["dropped"] += st["chords_dropped"]
            tot_drop.update(st["chord_drop_reasons"])
    rows.append(
        {
            "dataset": "TOTAL",
            "licence": "",
            "permissive": None,
            "items": tot["items"],
            "songs": tot["songs"],
            "songs_share": _share(tot["songs"], tot["items"]),
            "phrases": tot["phrases"],
            "chords": tot["chords"],
            "exact": _share(tot["exact"], tot["chords"]),
            "simplified": _share(tot["simplified"], tot["chords"]),
            "dropped": _share(tot["dropped"], tot["chords"]),
            "no_chord": tot["no_chord"],
            "melody_notes": tot["melody_notes"],
            "skipped": tot["skipped"],
            "skip_reasons": dict(tot_skip),
            "chord_drop_reasons": dict(tot_drop),
            "estimated_chords": False,
        }
    )
    return rows


def target_checks(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's "done means" thresholds, checked against a manifest.

    Args:
        manifest: The corpus manifest.

    Returns:
        One dict per check: ``name``, ``value``, ``threshold``, ``ok``
        (datasets absent from the corpus are left out).
    """
    rows = {r["dataset"]: r for r in dataset_rows(manifest)}
    checks = []
    for name, threshold in TARGETS.items():
        if name in rows:
            value = rows[name]["songs_share"]
            checks.append(
                {
                    "name": f"{name} songs kept",
                    "value": value,
                    "threshold": threshold,
                    "ok": value >= threshold,
                }
            )
    total = rows["TOTAL"]
    mapped = total["exact"] + total["simplified"]
    checks.append(
        {
            "name": "annotated chord occurrences mapped",
            "value": mapped,
            "threshold": CHORD_TARGET,
            "ok": mapped >= CHORD_TARGET and total["chords"] > 0,
        }
    )
    return checks
