"""One way to the database: outside storage/, code reaches it only through the unit of
work's repositories and query objects, never through its session.

import-linter keeps SQLAlchemy and SQLModel imports inside storage/ (pyproject.toml's
"One way to the database" contract); this test closes the other door: a unit of work's
``.session`` read anywhere in the application outside storage/.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The application's packages other than storage/ (the one place the session belongs).
PACKAGES = ("domain", "services", "scheduler", "bot", "sandbox")


def _names_of_units_of_work(tree: ast.AST) -> set[str]:
    """Names that hold a unit of work: ``uow`` and the like, ``with factory() as name``
    where the factory is a unit-of-work factory, and parameters annotated ``UnitOfWork``."""
    names = {"uow"}
    for node in ast.walk(tree):
        if isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            if "uow" in ast.unparse(node.context_expr).lower() or "UnitOfWork" in ast.unparse(
                node.context_expr
            ):
                names.add(node.optional_vars.id)
        elif (
            isinstance(node, ast.arg)
            and node.annotation is not None
            and "UnitOfWork" in ast.unparse(node.annotation)
        ):
            names.add(node.arg)
    return names


def _holds_a_unit_of_work(value: ast.expr, names: set[str]) -> bool:
    if isinstance(value, ast.Name):
        return value.id in names or "uow" in value.id.lower()
    if isinstance(value, ast.Attribute):  # self.uow, ctx.uow
        return value.attr in names or "uow" in value.attr.lower()
    return False


def session_reads(path: Path) -> list[int]:
    """Lines of ``path`` reading ``.session`` on a unit of work."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = _names_of_units_of_work(tree)
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "session"
        and _holds_a_unit_of_work(node.value, names)
    )


def test_no_unit_of_work_session_outside_storage() -> None:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            found.extend(f"{relative}:{line}" for line in session_reads(path))
    assert not found, "uow.session outside storage/ (use a repository or query object):\n" + (
        "\n".join(found)
    )


def test_the_check_sees_a_session_read(tmp_path: Path) -> None:
    """The check itself: every way a unit of work is named here is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def step(unit: UnitOfWork):\n"
        "    unit.session.flush()\n"
        "def case(factory):\n"
        "    with factory.uow() as work:\n"
        "        work.session.add(1)\n"
        "    with uow_factory() as uow:\n"
        "        uow.session.exec(1)\n"
        "    self.uow.session.get(1)\n"
        "    self.bot.session.close()\n",
        encoding="utf-8",
    )
    assert session_reads(sample) == [2, 5, 7, 8]


def repository_reads(path: Path) -> list[int]:
    """Lines of ``path`` calling a repository of the unit of work (``ctx.uow.people.get``,
    ``uow.leaves.step``): what a conversation asks of the database goes through a service."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = _names_of_units_of_work(tree)
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and _holds_a_unit_of_work(node.value.value, names)
    )


#: The conversation machinery rather than a conversation: it loads the person with their
#: dialog once per update, stores the dialog as the update left it, and addresses the
#: notices services returned (bot/handlers' own state and output, no use case).
MACHINERY = {"context.py", "conversation.py", "notify.py"}


def test_conversations_reach_the_database_through_services() -> None:
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path in sorted((ROOT / "bot" / "handlers").rglob("*.py"))
        if path.name not in MACHINERY
        for line in repository_reads(path)
    ]
    assert not found, "a handler reads a repository (call a service instead):\n" + (
        "\n".join(found)
    )


def test_the_check_sees_a_repository_read(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def handler(ctx):\n"
        "    ctx.uow.people.get(1)\n"
        "    service.run(ctx.uow, 1)\n"
        "    ctx.uow.commit()\n",
        encoding="utf-8",
    )
    assert repository_reads(sample) == [2]
