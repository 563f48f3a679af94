"""五必访五必问 (Art. 10.1): whom a diary's visit was to, counted per kind.

访党员干部、村(居)民代表、致富能手、贫困家庭、上访人员: a diary entry may carry any of the
five; /status and the annual sheet show the count of entries per kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum


class VisitKind(StrEnum):
    PARTY_CADRES = "party_cadres"  # 党员干部
    VILLAGER_REPRESENTATIVES = "villager_representatives"  # 村(居)民代表
    ENTREPRENEURS = "entrepreneurs"  # 致富能手
    POOR_FAMILIES = "poor_families"  # 贫困家庭
    PETITIONERS = "petitioners"  # 上访人员


VISIT_NAMES: dict[VisitKind, str] = {
    VisitKind.PARTY_CADRES: "党员干部",
    VisitKind.VILLAGER_REPRESENTATIVES: "村(居)民代表",
    VisitKind.ENTREPRENEURS: "致富能手",
    VisitKind.POOR_FAMILIES: "贫困家庭",
    VisitKind.PETITIONERS: "上访人员",
}


def visit_counts(tags: Iterable[Iterable[VisitKind]]) -> dict[VisitKind, int]:
    """Entries per kind (an entry tagged twice with one kind counts once), every kind
    present, zero included, in the regulation's order."""
    counted = Counter(kind for entry in tags for kind in set(entry))
    return {kind: counted.get(kind, 0) for kind in VisitKind}


def missing_kinds(tags: Iterable[Iterable[VisitKind]]) -> list[VisitKind]:
    """The kinds of 必访 nobody has been visited for yet, in the regulation's order."""
    return [kind for kind, n in visit_counts(tags).items() if n == 0]
