"""The message catalogs: same keys and placeholders in every language, and every key the
code names exists (a missing one would show an empty reply)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.i18n import LANGUAGES, Catalog, Markup, Term

ROOT = Path(__file__).resolve().parents[2]
KEY_IN_CODE = re.compile(
    r"""["']((?:onboarding|help|dialog|button|checkin|claim|diary|leave|duty|admin|error|status|hint|picker|menu|term|township|grid)\.[a-z_]+)["']"""
)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog()


def test_every_language_has_the_same_keys_and_placeholders(catalog: Catalog) -> None:
    zh = catalog.messages["zh"]
    for lang in LANGUAGES:
        assert set(catalog.messages[lang]) == set(zh), lang
        for key, template in catalog.messages[lang].items():
            assert placeholders(template) == placeholders(zh[key]), (lang, key)


def test_every_key_named_in_the_code_exists(catalog: Catalog) -> None:
    named = set()
    for folder in ("bot", "services", "domain", "scheduler"):
        for path in (ROOT / folder).rglob("*.py"):
            named |= set(KEY_IN_CODE.findall(path.read_text("utf-8")))
    missing = sorted(k for k in named if not catalog.has(k))
    assert missing == []


def test_values_are_escaped_but_markup_and_terms_are_not(catalog: Catalog) -> None:
    text = catalog.text("zh", "onboarding.welcome", name="<b>&张</b>", role=Term("org_dept"))
    assert text == "绑定成功：<b>&lt;b&gt;&amp;张&lt;/b&gt;</b>（区委组织部）。"
    listing = catalog.text("en", "diary.list", count=1, target=10, lines=Markup("<i>x</i>"))
    assert "<i>x</i>" in listing


def test_language_choice(catalog: Catalog) -> None:
    assert catalog.language_for(None, "en-GB") == "en"
    assert catalog.language_for("zh", "en") == "zh"
    assert catalog.language_for(None, "ru") == "zh"
    assert catalog.language_for(None, None) == "zh"


def test_every_menu_command_has_a_menu_line_and_a_help_line(catalog: Catalog) -> None:
    from bot.handlers.conversation import COMMANDS, MENU

    assert set(MENU) <= set(COMMANDS)
    for name in MENU:
        assert catalog.has(f"menu.{name}") and catalog.has(f"help.cmd_{name}"), name


def test_a_week_is_shown_by_its_dates(catalog: Catalog) -> None:
    """People name a week by its days, never by its ISO number (``2026-W49``)."""
    from domain.diary import week_of

    assert catalog.span("zh", week_of("2026-W49")) == "11月30日—12月6日"
    assert catalog.span("en", week_of("2026-W49")) == "30 Nov – 6 Dec"
    assert catalog.span("en", week_of("2026-W53")) == "28 Dec – 3 Jan"
    week = week_of("2026-W48")
    text = catalog.text("zh", "township.week_confirmed", township="城关街道", week=week)
    assert "11月23日—11月29日" in text and "W48" not in text
    signed = catalog.text("en", "diary.signed_week", name="张三", week=week, count=2)
    assert "the week 23 Nov – 29 Nov, 2 entries" in signed


def test_the_stand_in_signer_is_told_why_in_both_languages(catalog: Catalog) -> None:
    from scheduler.render import render_text

    payload = {
        "key": "reminder.weekly_signoff_standin",
        "params": {"village": "西关社区", "entries": 6, "cadres": 1},
    }
    assert "没有村党支部书记，由您代为" in render_text(catalog, "zh", payload)[0]
    assert "has no village party secretary" in render_text(catalog, "en", payload)[0]
