"""The house rules of the code base, checked on every run: layers, a pure core, no import circle,
no oversized module (issue 16; docs/architecture.md)."""

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("access", "jobs", "audits", "sbom", "evidence", "signing", "portal")
MAX_MODULE_LINES = 500


def project_packages() -> list[str]:
    return [name for name in PACKAGES if (ROOT / name / "__init__.py").exists()]


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    """import-linter's own command (the one installed beside this interpreter) on `config`."""
    return subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--config", str(config)],
                          cwd=ROOT, capture_output=True, text=True)


def test_the_import_contracts_hold():
    result = lint_imports(ROOT / ".importlinter")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_the_contract_check_fails_on_an_upward_import(tmp_path):
    """The check is real: a contract that audits breaks (audits imports jobs) is reported as broken."""
    config = tmp_path / "importlinter.ini"
    config.write_text("[importlinter]\nroot_packages =\n    jobs\n    audits\n\n"
                      "[importlinter:contract:upside-down]\nname = upside down\ntype = layers\nlayers =\n    jobs\n    audits\n")
    result = lint_imports(config)
    assert result.returncode != 0 and "BROKEN" in result.stdout


def import_cycles(graph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = 0
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & modules) for m in modules}
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
    return cycles


def test_no_module_of_the_project_is_part_of_an_import_circle():
    """Every import counts, function-level ones too: none may exist to dodge a cycle."""
    graph = grimp.build_graph(*project_packages())
    modules = {m for m in graph.modules if ".migrations." not in m}
    assert import_cycles(graph, modules) == []


def test_the_cycle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for module in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(module)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert import_cycles(graph, {"a.x", "a.y", "a.z"}) == [["a.x", "a.y"]]


@pytest.mark.parametrize("package", project_packages())
def test_no_module_is_over_500_lines(package):
    long = {str(path.relative_to(ROOT)): n for path in (ROOT / package).rglob("*.py")
            if "migrations" not in path.parts and (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES}
    assert long == {}
