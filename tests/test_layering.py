"""The layering rule, read from the import statements (ast) of every module, including imports
inside functions: library/ is the domain and imports no web framework, no PDF or HTML parser
and no imaging library; web/ and reviewlib/ are thin shells that leave extraction to indexer/;
indexer/ extracts but serves nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import ROOT

#: package -> top-level modules it must not import
FORBIDDEN: dict[str, frozenset[str]] = {
    "library": frozenset({"flask", "werkzeug", "pdfminer", "bs4", "pypdfium2", "PIL"}),
    "web": frozenset({"pdfminer", "pypdfium2"}),
    "reviewlib": frozenset({"pdfminer", "pypdfium2"}),
    "indexer": frozenset({"flask", "werkzeug"}),
}


def imported_modules(path: Path) -> dict[str, int]:
    """Top-level module of every absolute import in ``path`` -> the first line importing it."""
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            found.setdefault(name.split(".")[0], node.lineno)
    return found


def _modules(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no modules under {package}/"
    return files


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_keeps_to_its_layer(package: str) -> None:
    breaches = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _modules(package)
        for module, line in imported_modules(path).items()
        if module in FORBIDDEN[package]
    ]
    assert breaches == []


def test_the_check_sees_imports_anywhere_in_a_module(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import os\n"
        "def f():\n"
        "    from pdfminer.high_level import extract_text\n"
        "    import PIL.Image as image\n"
        "class C:\n"
        "    import flask\n"
        "from . import sibling\n"
    )
    assert imported_modules(probe) == {"os": 1, "pdfminer": 3, "PIL": 4, "flask": 6}
