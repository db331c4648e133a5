"""The package's layout shows its stages, and the code keeps to them: every module imports only
from its own stage or an earlier one, and no module uses another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "hotline"
# Each stage may import from itself and the stages listed before it: data are read, results
# computed, worded, laid out (open data, pages, the official document), and the site assembled.
STAGES = ["data", "rules", "circular", "opendata", "pages", "document", "examples", "site", "staff"]
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "hotline" and parts[1] in STAGES else None


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names]
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_module_imports_only_its_own_stage_or_earlier_ones(path):
    own = _stage(_module_name(path))
    if own is None:
        return
    allowed = set(STAGES[: STAGES.index(own) + 1])
    for module, _, line in _imports(path):
        stage = _stage(module)
        if stage is not None:
            assert stage in allowed, f"{path.name}:{line} ({own}) imports {module} ({stage})"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_uses_another_modules_private_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for module, names, line in _imports(path):
        if module.startswith("hotline"):
            private = [n for n in names if n.startswith("_") and n != "__version__"]
            assert not private, f"{path.name}:{line} imports private {private} from {module}"
    for node in ast.walk(tree):
        private = isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
        if private and isinstance(node.value, ast.Name) and node.value.id not in ("self", "cls"):
            imported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
            imported |= {
                a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
            }
            assert node.value.id not in imported, f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}"


def test_every_module_says_what_it_is_for():
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), path.relative_to(PACKAGE)


def test_no_value_is_parsed_back_from_display_text():
    for path in MODULES:
        source = path.read_text(encoding="utf-8")
        assert ".split('= ')" not in source and '.split("= ")' not in source, path
