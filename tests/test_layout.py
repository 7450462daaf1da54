"""The seams of the design hold: no import cycle in advocacy/, no blueprint reaching into
another's names, no clock but the app's, no office dressed up as a member of Congress.

Each checker is run on a planted package first, to show it finds what it exists to catch."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from advocacy import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "advocacy"
BLUEPRINTS = ("api", "calls", "citizen", "meta", "organizer")
WALL_CLOCK = re.compile(r"\b(?:datetime\.now|datetime\.utcnow|date\.today|time\.time)\(")


def _modules(package: Path) -> dict[str, Path]:
    found = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the package that `name` imports, at any level of its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                module = f"{target}.{alias.name}"
                found.add(module if module in modules else target)
        elif isinstance(node, ast.ImportFrom) and node.module in modules:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
    return found - {name}


def import_cycles(package: Path) -> list[list[str]]:
    """Every cycle of imports between the package's modules (each found once)."""
    modules = _modules(package)
    graph = {name: _imports(name, path, modules) & set(modules) for name, path in modules.items()}
    cycles: set[tuple[str, ...]] = set()

    def walk(path: list[str]) -> None:
        for nxt in sorted(graph[path[-1]]):
            if nxt == path[0]:
                turn = path.index(min(path))
                cycles.add(tuple(path[turn:] + path[:turn]))
            elif nxt not in path and nxt > path[0]:
                walk([*path, nxt])

    for start in sorted(graph):
        walk([start])
    return [list(c) for c in sorted(cycles)]


def cross_blueprint_imports(views: Path) -> list[str]:
    """Imports of one blueprint's module by another (they share views/context.py instead)."""
    found = []
    for name in BLUEPRINTS:
        path = views / f"{name}.py"
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module in BLUEPRINTS or (
                    node.module is None and {a.name for a in node.names} & set(BLUEPRINTS)
                ):
                    found.append(f"{name}.py:{node.lineno}")
    return found


def wall_clock_calls(package: Path) -> list[str]:
    """Reads of the machine's clock outside clock.py (everything else asks the app's clock)."""
    return [
        f"{path.name}:{number}"
        for path in package.rglob("*.py")
        if path.name != "clock.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if WALL_CLOCK.search(line)
    ]


def fake_members(root: Path) -> list[str]:
    """Tests of a made-up chamber, the old disguise of a campaign's offices."""
    pattern = re.compile(r"""chamber\s*[!=]=\s*["']office["']""")
    return [
        f"{path.name}:{number}"
        for folder in ("advocacy", "templates", "letters")
        for path in (root / folder).rglob("*")
        if path.suffix in (".py", ".html", ".txt")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]


@pytest.fixture
def planted(tmp_path) -> Path:
    """A package with one of each fault the checkers look for."""
    package = tmp_path / "advocacy"
    (package / "views").mkdir(parents=True)
    (package / "templates").mkdir()
    files = {
        "__init__.py": "def create_app():\n    from . import services\n",
        "services.py": "from .lookup import Lookup\n",
        "lookup.py": "from . import services\n",  # services -> lookup -> services
        "counts.py": "import datetime\nNOW = datetime.datetime.now()\n",
        "views/__init__.py": "",
        "views/context.py": "",
        "views/calls.py": "from .citizen import _asks\nfrom . import context\n",
        "views/citizen.py": "from . import context\n",
        "templates/page.html": '{% if member.chamber == "office" %}x{% endif %}\n',
    }
    for name, body in files.items():
        (package / name).write_text(body)
    return package


def test_the_checkers_find_what_they_exist_to_catch(planted):
    assert import_cycles(planted) == [["advocacy.lookup", "advocacy.services"]]
    assert cross_blueprint_imports(planted / "views") == ["calls.py:1"]
    assert wall_clock_calls(planted) == ["counts.py:2"]
    (planted.parent / "advocacy" / "templates").rename(planted.parent / "templates")
    assert fake_members(planted.parent) == ["page.html:1"]


def test_advocacy_has_no_import_cycle():
    assert import_cycles(PACKAGE) == []


def test_blueprints_share_the_context_module_not_each_others_names():
    assert cross_blueprint_imports(PACKAGE / "views") == []


def test_only_the_clock_reads_the_time():
    assert wall_clock_calls(PACKAGE) == []


def test_no_office_is_dressed_up_as_a_member():
    assert fake_members(PROJECT_ROOT) == []
