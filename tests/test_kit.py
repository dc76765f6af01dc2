"""The shape of the test suite itself: what tests share comes from the kit (tests/kit/) or,
for fixtures, from a conftest.py; a test module never imports from another test module.
Such an import runs the other module's tests' setup for nothing, and makes a helper
that looks private to one module a dependency of others (where copies then drift)."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
KIT = TESTS / "kit"


def _modules(under: Path) -> list[Path]:
    return sorted(under.rglob("*.py"))


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth, relative ones resolved."""
    package = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                found.append((node.lineno, f"{base}.{node.module}" if node.module else base))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def _from_the_tests(module: str) -> bool:
    return module == "tests" or module.startswith("tests.")


def _in_the_kit(module: str) -> bool:
    return module == "tests.kit" or module.startswith("tests.kit.")


def test_it_imports_nothing_from_another_test_module_or_a_conftest():
    wrong = [
        f"{path.relative_to(TESTS.parent)}:{line} imports {module}"
        for path in _modules(TESTS)
        if KIT not in path.parents
        for line, module in _imported_modules(path)
        if _from_the_tests(module) and not _in_the_kit(module)
    ]

    assert not wrong, "import it from tests/kit/ instead:\n" + "\n".join(wrong)


def test_it_keeps_the_kit_free_of_tests_and_fixtures():
    wrong = []
    for path in _modules(KIT):
        name = path.relative_to(TESTS.parent)
        if path.name.startswith("test_") or path.name == "conftest.py":
            wrong.append(f"{name}: a test module or conftest in the kit")
        wrong += [f"{name}:{line} imports {module}" for line, module in _imported_modules(path)
                  if _from_the_tests(module) and not _in_the_kit(module)]
        tree = ast.parse(path.read_text())
        wrong += [f"{name}:{node.lineno} defines the fixture {node.name} (fixtures go in a conftest.py)"
                  for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                  and any("fixture" in ast.unparse(d) for d in node.decorator_list)]

    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("source", [
    "from tests.responses.test_api_submit import submit\n",
    "def f():\n    from tests.conftest import DEMO_FILE\n",
    "import tests.analytics.test_counting\n",
    "from .test_api_submit import submit\n",
], ids=["from", "within-a-function", "import", "relative"])
def test_it_would_notice_an_import_from_a_test_module(tmp_path, monkeypatch, source):
    module = tmp_path / "tests" / "somewhere" / "test_example.py"
    module.parent.mkdir(parents=True)
    module.write_text(source)
    monkeypatch.setattr(f"{__name__}.TESTS", tmp_path / "tests")

    (line, imported), = _imported_modules(module)

    assert _from_the_tests(imported) and not _in_the_kit(imported)
