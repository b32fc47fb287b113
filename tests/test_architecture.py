"""The engine decides, the dashboard shows: nothing below the UI may import the UI.

These checks read the source with ``ast`` (so an import hidden in a function still counts) and then
import the engine in a fresh interpreter to prove Textual stays out of the process.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "opd_tui"
UI_FREE_PACKAGES = ("engine", "store", "scenario")
FORBIDDEN = ("textual", "rich", "opd_tui.ui")


def _ui_free_modules() -> list[Path]:
    modules: list[Path] = []
    for name in UI_FREE_PACKAGES:
        folder = PACKAGE / name
        if folder.is_dir():
            modules.extend(sorted(folder.rglob("*.py")))
    return modules


def _imported_names(module: Path, source: str | None = None) -> list[str]:
    """Every module name ``module`` imports, with relative imports resolved to absolute names."""
    if source is None:
        source = module.read_text(encoding="utf-8")
    parts = module.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts if module.name == "__init__.py" else parts[:-1]
    if package and package[-1] == "__init__":
        package = package[:-1]
    names: list[str] = []
    for node in ast.walk(ast.parse(source, filename=str(module))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names.append(target)
            names.extend(f"{target}.{alias.name}" for alias in node.names)
    return names


def _is_forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def test_the_engine_package_is_where_the_contract_expects_it() -> None:
    modules = _ui_free_modules()
    assert PACKAGE / "engine" / "engine.py" in modules
    assert PACKAGE / "engine" / "seating.py" in modules


@pytest.mark.parametrize("module", _ui_free_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_ui_import_below_the_dashboard(module: Path) -> None:
    offending = [name for name in _imported_names(module) if _is_forbidden(name)]
    assert offending == [], f"{module.relative_to(PACKAGE)} imports the UI: {offending}"


def test_the_import_checker_sees_relative_and_nested_ui_imports() -> None:
    """The checker itself must be able to fail, or the contract above proves nothing."""
    source = "def f():\n    from ..ui import app\n    import rich.text\n"
    names = _imported_names(PACKAGE / "engine" / "fake.py", source)
    assert [name for name in names if _is_forbidden(name)] == [
        "opd_tui.ui",
        "opd_tui.ui.app",
        "rich.text",
    ]


def test_importing_the_engine_leaves_textual_unloaded() -> None:
    probe = (
        "import sys\n"
        "import opd_tui.engine\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')"
        " or m.startswith('opd_tui.ui'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert result.stdout.strip() == ""
