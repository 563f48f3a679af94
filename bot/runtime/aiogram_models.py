"""Import aiogram without building its ~400 pydantic models up front.

Why: ``aiogram.types`` ends its import by calling ``model_rebuild`` on every Telegram
type (stickers, payments, passport, games, rich text...) with a namespace that resolves
their forward references: about 1.7 s of pydantic schema building, more than half of
``cadrebot run``'s start-up on aiogram, although the bot validates only a handful of them
(``Update`` and what it holds, ``Message``, ``User``...). aiogram already declares its
models ``defer_build=True``; only that loop defeats it. A restart after a crash is when
people wait for their answers, so start-up should not pay for types nobody sends.

``import_aiogram`` runs the import with ``model_rebuild`` replaced, for that one call
site's shape (a ``_types_namespace`` given, no ``force``), by one that only keeps the
namespace; afterwards every unbuilt aiogram model gets it as its parent namespace, where
pydantic's deferred build looks when the model is first used. Every model then builds on
first use with the namespace aiogram would have given it, so what gets validated and how
is unchanged; ``Update`` and ``Message``, used from the first poll on, are built at once.
Any other ``model_rebuild`` call goes to pydantic as usual.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from pydantic import BaseModel

_lock = threading.Lock()
#: Built at import all the same: every update and every answer is one of them, and the
#: ``Response[...]`` classes the runtime keeps (``aiogram_runtime.response_types``) are
#: built from them.
ALWAYS_USED = ("Update", "Message")


class _Deferred:
    """``model_rebuild`` while aiogram's types import: remember aiogram's namespace (the
    same mapping for every type) and leave the build for later."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] | None = None

    def __call__(
        self,
        cls: type[BaseModel],
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Any = None,
    ) -> bool | None:
        if _types_namespace is None or force or cls.__pydantic_complete__:
            return _ORIGINAL(
                cls,
                force=force,
                raise_errors=raise_errors,
                _parent_namespace_depth=_parent_namespace_depth,
                _types_namespace=_types_namespace,
            )
        self.namespace = dict(_types_namespace)
        return None


def _subclasses(root: type[BaseModel]) -> list[type[BaseModel]]:
    found, todo = [], [root]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def _lend_namespace(namespace: dict[str, Any]) -> None:
    """Give every unbuilt aiogram model (the types, and the methods, whose build at class
    creation stopped at the types' forward references) aiogram's namespace where
    pydantic's deferred build looks: the model's parent namespace, which wins over the
    caller's frame in ``BaseModel.model_rebuild``."""
    for cls in _subclasses(BaseModel):
        if cls.__module__.startswith("aiogram.") and not cls.__pydantic_complete__:
            own = cls.__pydantic_parent_namespace__ or {}
            cls.__pydantic_parent_namespace__ = {**namespace, **own}


_DESCRIPTOR = BaseModel.__dict__["model_rebuild"]  # the classmethod, restored as it was
_ORIGINAL = _DESCRIPTOR.__func__


def import_aiogram() -> None:
    """Import ``aiogram`` with its models' builds deferred to their first use, except
    ``ALWAYS_USED``. A no-op once aiogram's types are imported, however that happened."""
    if "aiogram.types" in sys.modules:
        return
    with _lock:
        if "aiogram.types" in sys.modules:
            return
        deferred = _Deferred()
        BaseModel.model_rebuild = classmethod(deferred)  # type: ignore[method-assign,assignment]
        try:
            import aiogram.types
        finally:
            BaseModel.model_rebuild = _DESCRIPTOR  # type: ignore[method-assign]
        if deferred.namespace is None:  # aiogram no longer rebuilds at import: nothing to do
            return
        _lend_namespace(deferred.namespace)
        for name in ALWAYS_USED:
            getattr(aiogram.types, name).model_rebuild(_types_namespace=deferred.namespace)
