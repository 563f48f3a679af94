"""The rule of ``services/__init__.py``: who commits is said by the first parameter.

A step takes ``uow: UnitOfWork`` and never commits; a use case owning its transactions
takes ``uow_factory: UnitOfWorkFactory`` and is the only kind that commits; the owners
live in modules no other service imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "services"


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(SERVICES.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text("utf-8"))
    return found


def _functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]


def _first(function: ast.FunctionDef) -> ast.arg | None:
    args = function.args.posonlyargs + function.args.args
    return args[0] if args else None


def _commits(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "commit"
        for n in ast.walk(function)
    )


def _owners(modules: dict[str, ast.Module]) -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for name, tree in modules.items():
        for function in _functions(tree):
            first = _first(function)
            if first is not None and first.arg == "uow_factory":
                owners.setdefault(name, []).append(function.name)
    return owners


def test_an_owner_is_given_a_unit_of_work_factory() -> None:
    for name, tree in _modules().items():
        for function in _functions(tree):
            first = _first(function)
            if first is None or first.arg != "uow_factory":
                continue
            annotation = ast.unparse(first.annotation) if first.annotation else None
            assert annotation == "UnitOfWorkFactory", f"{name}.{function.name}: {annotation}"


def test_only_an_owner_commits() -> None:
    for name, tree in _modules().items():
        for function in _functions(tree):
            if not _commits(function):
                continue
            first = _first(function)
            assert first is not None and first.arg == "uow_factory", (
                f"{name}.{function.name} commits but is not given a UnitOfWorkFactory"
            )


def test_no_service_imports_an_owners_module() -> None:
    modules = _modules()
    owners = _owners(modules)
    assert owners, "the owners are found"
    for name, tree in modules.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.module is None:
                continue
            imported = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            for owner in imported & owners.keys():
                # a package's __init__ re-exporting its own module is the old import path
                assert owner == name or owner.rsplit(".", 1)[0] == name, (
                    f"{name} imports {owner}, which holds {owners[owner]}"
                )
