"""Who may see which report, the periods, and that every word the reports use is in both
catalogs with the same placeholders."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.i18n import Catalog
from bot.reporting import LABEL_SECTIONS
from domain.assessment import Sanction, SpotCheckResult
from domain.errors import DomainError
from services.reports import annual_sheet
from services.reports.scope import (
    ScopeKind,
    as_of_for,
    period_of,
    resolve,
    scopes_for,
    shift,
)
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

ROOT = Path(__file__).resolve().parents[2]


def test_each_role_sees_its_own_scope(
    uow_factory: Callable[[], UnitOfWork], people: dict[str, Person]
) -> None:
    with uow_factory() as uow:

        def seen(key: str) -> list[tuple[str, str]]:
            return [(s.kind.value, s.name) for s in scopes_for(uow, uow.people.get(people[key].id))]

        district = [("t", "北宽坪镇"), ("t", "城关街道"), ("d", ""), ("a", "")]
        for key in ("org_dept", "poverty_bureau", "admin"):
            assert seen(key) == district
        assert seen("township_secretary") == [("t", "城关街道")]
        assert seen("township_leader") == [("t", "城关街道")]
        assert seen("township_secretary_b") == [("t", "北宽坪镇")]
        assert seen("unit_leader") == [("u", "区财政局")]
        for key in ("cadre", "village_secretary"):
            assert seen(key) == []


def test_a_township_secretary_cannot_name_another_scope(
    uow_factory: Callable[[], UnitOfWork], people: dict[str, Person]
) -> None:
    with uow_factory() as uow:
        mine = uow.places.township("城关街道").id
        other = uow.places.township("北宽坪镇").id
        unit = uow.places.unit("区农业农村局").id
        secretary = uow.people.get(people["township_secretary"].id)
        assert resolve(uow, secretary, "t", mine).name == "城关街道"
        for kind, ref in (("t", other), ("d", 0), ("a", 0), ("u", unit), ("t", 999), ("x", 1)):
            with pytest.raises(DomainError) as refused:
                resolve(uow, secretary, kind, ref)
            assert refused.value.key == "error.not_allowed"
        unit_leader = uow.people.get(people["unit_leader"].id)
        with pytest.raises(DomainError):
            resolve(uow, unit_leader, "u", unit)
        with pytest.raises(DomainError) as refused:
            resolve(uow, uow.people.get(people["cadre"].id), "t", mine)
        assert refused.value.key == "error.role_cannot"
        official = uow.people.get(people["org_dept"].id)
        assert resolve(uow, official, "t", other).kind is ScopeKind.TOWNSHIP


def test_periods() -> None:
    assert (period_of("2026-11").first, period_of("2026-11").last) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    assert period_of("2026-Q4").first == date(2026, 10, 1)
    assert period_of("2026").last == date(2026, 12, 31)
    for bad in ("2026-13", "2026-Q5", "26-11", "", "2026-1"):
        with pytest.raises(DomainError):
            period_of(bad)
    assert shift("2026-01", -1) == "2025-12" and shift("2026-12", 1) == "2027-01"
    assert shift("2026-Q1", -1) == "2025-Q4" and shift("2026", 1) == "2027"
    today = date(2026, 11, 30)
    assert as_of_for("2026-11", today) == date(2026, 11, 29)  # today is not over
    assert as_of_for("2026-10", today) == date(2026, 10, 31)
    assert as_of_for("2026", today) == date(2026, 11, 29)
    with pytest.raises(DomainError) as refused:
        as_of_for("2026-12", today)
    assert refused.value.key == "report.future"


KEY = re.compile(r"""["']((?:report|chart|annual|spotcheck|grade|sheet)\.[a-z_]+)["']""")


def test_every_report_word_is_in_both_catalogs() -> None:
    catalog = Catalog()
    named: set[str] = set()
    for name in (
        "bot/reporting.py",
        "bot/report_cli.py",
        "bot/handlers/reports.py",
        "bot/handlers/spot_checks.py",
        "services/spot_checks/__init__.py",
        "services/spot_checks/choosing.py",
        "services/spot_checks/remote.py",
        "services/spot_checks/visits.py",
        "services/spot_checks/results.py",
        "services/spot_checks/expiry.py",
        "services/grades.py",
        "services/reports/scope.py",
        "domain/assessment.py",
    ):
        named |= set(KEY.findall((ROOT / name).read_text("utf-8")))
    # keys built from codes
    named |= {f"spotcheck.found_{r}" for r in SpotCheckResult if r != "unexcused"}
    named |= {f"spotcheck.answered_{r}" for r in SpotCheckResult if r != "no_answer"}
    named |= {f"spotcheck.{who}_{s}" for who in ("you", "told") for s in Sanction}
    named |= {"spotcheck.you_no_answer", "spotcheck.told_no_answer", "menu.report"}
    named |= {
        f"chart.{k}{s}" for k in ("axis", "on_pace", "behind", "expected") for s in ("", "_average")
    }
    label_keys = set(annual_sheet.COLUMNS) | set(annual_sheet.SUMMARY)
    label_keys |= {"total", "yes", "no", "sheet_cadres", "sheet_grades", "year", "as_of"}
    label_keys |= {"excellent", "competent", "incompetent", *Sanction}
    named |= {
        next(
            (f"{section}.{key}" for section in LABEL_SECTIONS if catalog.has(f"{section}.{key}")),
            f"annual.{key}",
        )
        for key in label_keys
        if key not in ("first_secretary", "team_member")
    }
    missing = sorted(
        k for k in named if not all(k in catalog.messages[lang] for lang in ("zh", "en"))
    )
    assert missing == []
