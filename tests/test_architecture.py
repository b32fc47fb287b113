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
    names: list[str] = []
    for target, taken in _imports(module, source):
        names.append(target)
        names.extend(f"{target}.{name}" for name in taken)
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


SCREENLESS_UI_MODULES = ("ui/rows.py", "ui/history.py", "ui/cells.py", "ui/marks.py")
"""The dashboard's parts that work without a screen: rows from engine state, the day as it was.
The dashboard's, but no Textual: they can be called (and tested) alone."""


@pytest.mark.parametrize("name", SCREENLESS_UI_MODULES)
def test_the_screenless_ui_modules_import_no_textual(name: str) -> None:
    module = PACKAGE / name
    names = _imported_names(module)
    assert [n for n in names if n == "textual" or n.startswith("textual.")] == []
    dotted = "opd_tui." + name.removesuffix(".py").replace("/", ".")
    probe = (
        "import sys\n"
        f"import {dotted}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert result.stdout.strip() == "", f"importing {dotted} loads Textual"


# ------------------------------------------------------------------ the layers

LAYERS: dict[str, frozenset[str]] = {
    "engine": frozenset(),
    "desk": frozenset({"engine"}),
    "scenario": frozenset({"engine"}),
    "store": frozenset({"engine", "desk"}),
    "demo": frozenset({"engine", "scenario"}),
    "api": frozenset({"engine", "desk", "store"}),
    "ui": frozenset({"engine", "desk", "store", "scenario"}),
    "wiring": frozenset({"engine", "desk", "store", "scenario", "demo"}),
    "cli": frozenset({"engine", "desk", "store", "scenario", "demo", "api", "ui", "wiring"}),
    "__main__": frozenset({"cli"}),
}
"""Each part of the package and the parts it may import, below it: the engine decides, the
desk and the store record, the scenario plays, the service and the dashboard show, the wiring
puts them together, the command line asks. The package's face (its version) is open to all."""


def _layer(module: Path) -> str:
    return module.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(module: Path, source: str | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """``(module imported, names taken from it)`` for each import, relative ones resolved."""
    if source is None:
        source = module.read_text(encoding="utf-8")
    parts = module.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts if module.name == "__init__.py" else parts[:-1]
    if package and package[-1] == "__init__":
        package = package[:-1]
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(source, filename=str(module))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append((target, tuple(alias.name for alias in node.names)))
    return found


def _layer_problems(module: Path, source: str | None = None) -> list[str]:
    """Every import of ``module`` that crosses the layers the wrong way, named."""
    import opd_tui.engine

    own = _layer(module)
    public = set(opd_tui.engine.__all__)
    problems = []
    for target, names in _imports(module, source):
        if target != "opd_tui" and not target.startswith("opd_tui."):
            continue
        if target == "opd_tui":  # ``from .. import x``: x is a part of the package, or its face
            wanted = [n for n in names if n != "__version__"]
            targets = [f"opd_tui.{name}" for name in wanted]
        else:
            targets = [target]
        for name in targets:
            layer = name.split(".")[1]
            if layer != own and layer not in LAYERS[own]:
                allowed = ", ".join(sorted(LAYERS[own])) or "nothing else of the package"
                problems.append(f"imports {name} ({own} may import: {allowed})")
            elif own != "engine" and layer == "engine":
                if name != "opd_tui.engine":
                    problems.append(f"imports {name} (outside the engine: opd_tui.engine only)")
                hidden = sorted(set(names) - public)
                if hidden:
                    problems.append(f"imports {', '.join(hidden)} (not opd_tui.engine's own)")
    return problems


def test_every_layer_is_where_the_contract_expects_it() -> None:
    """A renamed or moved part must not make the contract pass by naming nothing."""
    found = {_layer(module) for module in PACKAGE.rglob("*.py")} - {"__init__"}
    assert found == set(LAYERS)


@pytest.mark.parametrize(
    "module",
    sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_imports_run_down_the_layers_only(module: Path) -> None:
    assert _layer_problems(module) == []


def test_the_layer_check_names_what_crosses() -> None:
    """The checker itself must be able to fail, or the contract above proves nothing."""
    store = PACKAGE / "store" / "fake.py"
    source = (
        "from .. import demo\n"
        "from ..api import app\n"
        "from ..engine.events import Placed\n"
        "from ..engine import Engine, _reason\n"
        "from .. import __version__\n"
    )
    assert _layer_problems(store, source) == [
        "imports opd_tui.demo (store may import: desk, engine)",
        "imports opd_tui.api (store may import: desk, engine)",
        "imports opd_tui.engine.events (outside the engine: opd_tui.engine only)",
        "imports _reason (not opd_tui.engine's own)",
    ]
    ui = PACKAGE / "ui" / "fake.py"
    assert _layer_problems(ui, "from ..api import app\n") == [
        "imports opd_tui.api (ui may import: desk, engine, scenario, store)"
    ]
    engine = PACKAGE / "engine" / "fake.py"
    assert _layer_problems(engine, "from ..store import base\n") == [
        "imports opd_tui.store (engine may import: nothing else of the package)"
    ]


def test_importing_the_demo_does_no_work() -> None:
    """The demo clinic file is read and rehearsed when the demo is asked for, not on import."""
    probe = (
        "import opd_tui.demo as demo\n"
        "print(demo.scenario.cache_info().currsize)\n"
        "print(demo.CLINIC_NAME)\n"
        "print(demo.scenario.cache_info().currsize)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["0", "City General OPD", "1"]
