"""The package's layout shows its stages, and the code keeps to them: every module imports only
from its own stage or an earlier one, and no module uses another's private names.

Every import is absolute (``from hotline.rules import scoring``): a relative one (``from . import x``,
``from ..pages import y``) hides the stage it reaches into. No module imports a private name
(``from x import _y``) or from a private module (``from x._y import z``), of this package or of
another: a private name may change or go without notice. Each rule is a function returning what
it finds, so a test can show it catches what it is meant to catch (:func:`test_the_rules_catch_what_they_name`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "hotline"
# Each stage may import from itself and the stages listed before it: data are read, results
# computed, worded, laid out (open data, pages, the official document), and the site assembled.
STAGES = ["data", "format", "rules", "circular", "opendata", "pages", "document", "examples", "site", "staff"]
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "hotline" and parts[1] in STAGES else None


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _module_name(path: Path, root: Path = PACKAGE.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path = PACKAGE.parent) -> list[tuple[str, list[str], int]]:
    """(module, names imported from it, line) for every import. A relative import's module is
    resolved against the module's own package (``from . import x`` in hotline.pages.home is from
    hotline.pages), so the stage and private-name rules see it as well."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names]
    return found


def stage_violations(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    own = _stage(_module_name(path, root))
    if own is None:
        return []
    allowed = set(STAGES[: STAGES.index(own) + 1])
    found = []
    for module, names, line in _imports(path, root):
        # `from hotline import site` imports a stage by its name: the module is hotline.site
        targets = [module] if _stage(module) else [f"{module}.{name}" for name in names]
        found += [
            f"{path.name}:{line} ({own}) imports {target} ({_stage(target)})"
            for target in targets
            if _stage(target) is not None and _stage(target) not in allowed
        ]
    return found


def relative_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno} imports relatively (from {'.' * node.level}{node.module or ''} import …)"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level
    ]


# Names of the standard library that begin with an underscore and are documented for use:
# os._exit ends a forked child without running its parent's clean-up (the Python docs say so).
DOCUMENTED_UNDERSCORED = {("os", "_exit")}


def private_uses(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    """Private names imported (``from x import _y``), imports from private modules
    (``from x._y import z``, ``import x._y``), and private attributes of an imported name (``x._y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for module, names, line in _imports(path, root):
        private = [n for n in names if _private(n)]
        if private:
            found.append(f"{path.name}:{line} imports private {private} from {module}")
        if any(_private(part) for part in module.split(".")):
            found.append(f"{path.name}:{line} imports from the private module {module}")
    imported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    imported |= {a.asname or a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    for node in ast.walk(tree):
        attribute = isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
        documented = attribute and (node.value.id, node.attr) in DOCUMENTED_UNDERSCORED
        if attribute and node.value.id not in ("self", "cls") and node.value.id in imported and not documented:
            found.append(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_module_imports_only_its_own_stage_or_earlier_ones(path):
    assert stage_violations(path) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_import_is_absolute(path):
    assert relative_imports(path) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_uses_another_modules_private_names(path):
    assert private_uses(path) == []


def test_the_rules_catch_what_they_name(tmp_path):
    """Each rule on a small package made here: what it must find, and what it must leave alone."""
    pages = tmp_path / "hotline" / "pages"
    pages.mkdir(parents=True)
    (tmp_path / "hotline" / "__init__.py").write_text('"""x"""\n', encoding="utf-8")
    (pages / "__init__.py").write_text("from . import tables\nfrom .. import site\n", encoding="utf-8")
    bad = pages / "bad.py"
    bad.write_text(
        "from . import links\n"  # relative, in its own stage
        "from ..site import build\n"  # relative, and into a later stage
        "from .tables import _cell\n"  # relative, and private
        "from docx.table import Table, _Cell\n"  # another package's private name
        "from pandas._libs import lib\n"  # another package's private module
        "import hotline.rules._cache\n"  # a private module of this package
        "from hotline.rules import scoring\n"
        "scoring._rank(1)\n"  # a private attribute of an imported module
        "import os\nos._wrap_close\n",  # only os._exit is documented for use
        encoding="utf-8",
    )
    (tmp_path / "hotline" / "site").mkdir()
    good = tmp_path / "hotline" / "site" / "good.py"  # the last stage but one: it may import the others
    good.write_text(
        "from __future__ import annotations\n"
        "from hotline.rules import scoring\n"
        "from hotline.site.lifetime import die_with_parent as _die\n"  # a public name, kept private here
        "import hotline.pages.tables\n"
        "import os\nos._exit\n"  # the standard library's, documented for a forked child
        "class A:\n    def f(self):\n        return self._x, scoring.__name__\n",
        encoding="utf-8",
    )
    assert relative_imports(bad) == [
        "bad.py:1 imports relatively (from . import …)",
        "bad.py:2 imports relatively (from ..site import …)",
        "bad.py:3 imports relatively (from .tables import …)",
    ]
    assert relative_imports(pages / "__init__.py") == [
        "__init__.py:1 imports relatively (from . import …)",
        "__init__.py:2 imports relatively (from .. import …)",
    ]
    assert stage_violations(bad, tmp_path) == ["bad.py:2 (pages) imports hotline.site (site)"]
    assert stage_violations(pages / "__init__.py", tmp_path) == ["__init__.py:2 (pages) imports hotline.site (site)"]
    assert private_uses(bad, tmp_path) == [
        "bad.py:3 imports private ['_cell'] from hotline.pages.tables",
        "bad.py:4 imports private ['_Cell'] from docx.table",
        "bad.py:5 imports from the private module pandas._libs",
        "bad.py:6 imports from the private module hotline.rules._cache",
        "bad.py:10 uses os._wrap_close",
        "bad.py:8 uses scoring._rank",
    ]
    assert (relative_imports(good), stage_violations(good, tmp_path), private_uses(good, tmp_path)) == ([], [], [])


def test_every_module_says_what_it_is_for():
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), path.relative_to(PACKAGE)


def test_no_value_is_parsed_back_from_display_text():
    for path in MODULES:
        source = path.read_text(encoding="utf-8")
        assert ".split('= ')" not in source and '.split("= ")' not in source, path
