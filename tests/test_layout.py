"""The layout keeps its promises: only the edges import Excel, Word and UI libraries; lower
layers never import higher ones. Walks every module's imports with `ast` (nothing is run)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "toolkit"

# third-party libraries that only the edges may import, and which edges
READERS = {"python_calamine", "fastexcel", "olefile"}
WRITERS = {"xlsxwriter", "openpyxl", "docxtpl", "docx", "matplotlib"}
EDGE_LIBRARIES = {
    "inputs": READERS | {"openpyxl"},          # openpyxl: reading what calamine cannot (never to write)
    "outputs": WRITERS | READERS,              # annotated copies and templates detect before they edit
    "excel.py": {"xlwings"} | WRITERS,
    "cli.py": {"typer", "rich"},
    "jobs": {"schedule", "watchdog"},
}
FORBIDDEN = READERS | WRITERS | {"xlwings", "typer", "rich", "schedule", "watchdog"}

# the pure core: functions of their inputs, settings and as_of; may not import the layers above it
CORE = ["schema.py", "config.py", "config_email.py", "config_jobs.py", "history.py",
        "errors.py", "model.py", "results.py", "calendar.py", "coerce.py", "rows.py",
        "validate.py", "consolidate.py", "run.py", "analyze", "present", "i18n"]
ABOVE_CORE = {"inputs", "outputs", "pipeline", "cli", "demo", "excel", "jobs", "deliver", "workspace"}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def imports_of(path: Path) -> set[str]:
    """Absolute module names imported by `path` (relative imports resolved against the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = here[:-1] if path.name != "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
                found.add(name)
                if not node.module:   # from . import x
                    found.update(".".join([*base, a.name]) for a in node.names)
            elif node.module:
                found.add(node.module)
    return found


def edge_of(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if rel[0] in EDGE_LIBRARIES else None


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_edges_import_excel_word_and_ui_libraries(path):
    top_level = {name.split(".")[0] for name in imports_of(path)}
    allowed = EDGE_LIBRARIES.get(edge_of(path) or "", set())
    assert not (top_level & FORBIDDEN) - allowed, f"{path.name} imports {sorted((top_level & FORBIDDEN) - allowed)}"


@pytest.mark.parametrize("name", CORE)
def test_the_core_does_not_import_the_layers_above_it(name):
    target = PACKAGE / name
    paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    for path in paths:
        above = {n.split(".")[1] for n in imports_of(path) if n.startswith("toolkit.") and len(n.split(".")) > 1}
        assert not above & ABOVE_CORE, f"{path.relative_to(PACKAGE)} imports {sorted(above & ABOVE_CORE)}"


def test_the_walker_sees_imports():
    # guard against a walker that finds nothing and so passes everything
    assert "xlsxwriter" in imports_of(PACKAGE / "outputs" / "master" / "fast_rows.py")
    assert "python_calamine" in imports_of(PACKAGE / "inputs" / "reader.py")
    assert "toolkit.rows" in imports_of(PACKAGE / "inputs" / "reader.py")
    assert "toolkit.present.labels" in imports_of(PACKAGE / "outputs" / "master" / "book.py")
