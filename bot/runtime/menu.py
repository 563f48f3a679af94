"""The bot's command menu in each catalog language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.handlers.conversation import MENU
from bot.i18n import LANGUAGES, Catalog


@dataclass(frozen=True)
class MenuEntry:
    language_code: str | None  # None: the default for every other language
    commands: list[tuple[str, str]]


def command_menu(catalog: Catalog) -> list[MenuEntry]:
    entries = [MenuEntry(None, _commands(catalog, catalog.default))]
    entries += [MenuEntry(lang, _commands(catalog, lang)) for lang in LANGUAGES]
    return entries


def _commands(catalog: Catalog, lang: str) -> list[tuple[str, str]]:
    return [(name, catalog.text(lang, f"menu.{name}")) for name in MENU]
