"""The Markdown form of the ``evaluate all`` report (see :mod:`.report_all`)."""

from __future__ import annotations

from typing import Any

__all__ = ["controllability_markdown", "judge_markdown", "report_markdown"]


def _pct(x: Any) -> str:
    return "–" if x is None else f"{100 * float(x):.0f}%"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return [*lines, ""]


def judge_markdown(judge: dict[str, Any]) -> list[str]:
    """The judge's EMOPIA figures beside the paper's."""
    if "skipped" in judge:
        return [f"Skipped: {judge['skipped']}", ""]
    figs, paper = judge["figures"], judge["paper_figures"]
    rows = [
        [
            split,
            str(f["clips"]),
            f"{f['4q']:.3f}",
            f"{f['valence']:.3f}",
            f"{f['arousal']:.3f}",
        ]
        for split, f in figs.items()
    ]
    rows.append(
        [
            "EMOPIA paper (test)",
            "–",
            f"{paper['4q']:.3f}",
            f"{paper['valence']:.3f}",
            f"{paper['arousal']:.3f}",
        ]
    )
    out = [f"Judge `{judge['version']}`, trained {judge.get('trained_at')}.", ""]
    out += _table(["split", "clips", "4Q", "valence", "arousal"], rows)
    if "test" in figs:
        out += ["Test confusion (rows: true Q1..Q4, columns: predicted):", ""]
        out += _table(
            ["", "Q1", "Q2", "Q3", "Q4"],
            [[f"Q{i + 1}", *map(str, row)] for i, row in enumerate(figs["test"]["confusion_4q"])],
        )
    return out


def controllability_markdown(ctrl: dict[str, Any]) -> list[str]:
    """Per-cell and overall agreement, the pipelines side by side."""
    if "skipped" in ctrl:
        return [f"Skipped: {ctrl['skipped']}", ""]
    pipes = ctrl["pipelines"]
    names = list(pipes)
    c = ctrl["config"]
    out = [
        f"{c['seeds']} seeds per cell, {c['bars']} bars; judge `{ctrl['judge']}`. "
        + "; ".join(f"{n}: harmony={p['harmony']}, melody={p['melody']}" for n, p in pipes.items())
        + ". Agreement: valence sign / arousal sign / quadrant (– where the target is 0); "
        "mean reading in brackets.",
        "",
    ]
    head = ["target V, A", *names]
    rows = []
    cells = zip(*(pipes[n]["grid"]["cells"] for n in names), strict=True)
    for group in cells:
        first = group[0]
        row = [f"{first['valence']:+.1f}, {first['arousal']:+.1f}"]
        for cell in group:
            row.append(
                f"{_pct(cell['valence_agreement'])} / {_pct(cell['arousal_agreement'])} / "
                f"{_pct(cell['quadrant_agreement'])} "
                f"({cell['mean_valence_reading']:+.2f}, {cell['mean_arousal_reading']:+.2f})"
            )
        rows.append(row)
    overall = []
    for n in names:
        o = pipes[n]["grid"]["overall"]
        overall.append(
            f"**{_pct(o['valence_agreement'])} / {_pct(o['arousal_agreement'])} / "
            f"{_pct(o['quadrant_agreement'])}** (r = {o['valence_correlation']}, "
            f"{o['arousal_correlation']})"
        )
    rows.append(["overall", *overall])
    out += _table(head, rows)
    if all("pictures" in pipes[n] for n in names):
        out += [f"Real pictures ({c['picture_seeds']} seeds each; target = estimated emotion):", ""]
        prow = []
        pic_groups = zip(*(pipes[n]["pictures"]["rows"] for n in names), strict=True)
        for group in pic_groups:
            g0 = group[0]
            row = [f"{g0['picture']} ({g0['target_valence']:+.2f}, {g0['target_arousal']:+.2f})"]
            row += [
                f"{_pct(g['valence_agreement'])} / {_pct(g['arousal_agreement'])} / "
                f"{_pct(g['quadrant_agreement'])}"
                for g in group
            ]
            prow.append(row)
        prow.append(
            [
                "overall",
                *(
                    f"**{_pct(o['valence_agreement'])} / {_pct(o['arousal_agreement'])} / "
                    f"{_pct(o['quadrant_agreement'])}**"
                    for o in (pipes[n]["pictures"]["overall"] or {} for n in names)
                    if o
                ),
            ]
        )
        out += _table(["picture (V, A)", *names], prow)
    out += _levels_markdown(pipes, names)
    return out


def _levels_markdown(pipes: dict[str, Any], names: list[str]) -> list[str]:
    """Mean readings per target level, and the fixed mode-and-tempo test."""
    out = ["Mean reading per target level (grid; blind: the judge without mode and tempo):", ""]
    rows = []
    for n in names:
        levels = pipes[n]["grid"].get("levels", {})
        for what, values in levels.items():
            rows.append([n, what.replace("_", " "), " ".join(f"{k}: {v:+.2f}" for k, v in
                                                            values.items())])  # fmt: skip
    out += _table(["pipeline", "reading", "target: mean reading"], rows)
    fixed_rows = []
    for n in names:
        for mode, e in pipes[n].get("fixed_mode_and_tempo", {}).items():
            levels = " ".join(f"{k}: {v:+.2f}" for k, v in e["valence_levels"].items())
            fixed_rows.append(
                [n, mode, str(e["valence_rank_correlation"]),
                 str(e.get("blind_valence_rank_correlation", "–")), levels]
            )  # fmt: skip
    if fixed_rows:
        out += ["Valence with mode and tempo fixed (arousal 0): rank correlation of target and "
                "reading, and the mean reading per target:", ""]  # fmt: skip
        out += _table(["pipeline", "mode", "rank r", "rank r (blind)", "levels"], fixed_rows)
    return out


def _harmony_markdown(h: dict[str, Any]) -> list[str]:
    if "skipped" in h:
        return [f"Skipped: {h['skipped']}", ""]
    rows = [
        [name, _pct(m["top1"]), _pct(m["top5"]), f"{m['perplexity']:.2f}"]
        for name, m in h.get("next_chord", {}).items()
    ]
    return [
        *_table(["model", "top-1", "top-5", "perplexity"], rows),
        "Full figures (generated statistics, emotion response) in report.json.",
        "",
    ]


def _generic_markdown(d: dict[str, Any]) -> list[str]:
    if "skipped" in d:
        return [f"Skipped: {d['skipped']}", ""]
    return ["See report.json for the figures.", ""]


def _speed_markdown(d: dict[str, Any]) -> list[str]:
    if "skipped" in d:
        return [f"Skipped: {d['skipped']}", ""]
    rows = [list(map(str, r)) for r in d.get("table", [])]
    return _table(["benchmark", "measure", "value"], rows)


def report_markdown(report: dict[str, Any]) -> str:
    """The whole report as Markdown."""
    models = ", ".join(f"{k} `{v}`" for k, v in report["models"].items())
    out = [
        "# image2music evaluation report",
        "",
        f"- date: {report['date']}",
        f"- package version: {report['package_version']} (Python {report['python']}, "
        f"{report['platform']})",
        f"- models: {models}",
        f"- quick: {report['quick']}",
        "",
        "## Music emotion judge (EMOPIA, official splits)",
        "",
        *judge_markdown(report["judge"]),
        "## Controllability: network pipeline vs baseline composer",
        "",
        *controllability_markdown(report["controllability"]),
        "## Harmony (test split)",
        "",
        *_harmony_markdown(report["harmony"]),
        "## Melody",
        "",
        *_generic_markdown(report["melody"]),
        "## Speed and memory",
        "",
        *_speed_markdown(report["speed"]),
    ]
    return "\n".join(out)
