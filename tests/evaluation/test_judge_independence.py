"""The judge must be an independent witness: no code shared with the generators."""

from __future__ import annotations

import ast
from pathlib import Path

import image2music.evaluation.judge as judge_pkg

ALLOWED = ("image2music.errors", "image2music.evaluation.judge")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: use absolute imports"
            out.add(node.module or "")
    return out


def test_judge_imports_nothing_of_the_generators() -> None:
    folder = Path(judge_pkg.__file__).parent
    files = sorted(folder.glob("*.py"))
    assert len(files) >= 5
    for path in files:
        for module in imported_modules(path):
            if module == "image2music" or module.startswith("image2music."):
                assert module.startswith(ALLOWED), f"{path.name} imports {module}"
            assert "training" not in module and not module.startswith("image2music.data")
