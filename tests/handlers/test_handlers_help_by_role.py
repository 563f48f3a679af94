"""/help and /status in every role's words, both languages: each names only work the role
is given by the regulation (RULES.md: the leave routes of Art. 11, the township's claims,
the diary signers of Art. 12), written out here by hand as the oracle."""

from __future__ import annotations

import pytest

from bot.handlers.conversation import Conversations
from bot.i18n import LANGUAGES, Catalog
from domain.roles import Role
from services.sample_district import PEOPLE
from tests.handlers.dialog import People

CATALOG = Catalog("zh")

#: What each role is given (besides cadres' own requests): comment (填注意见), apply (the
#: unit over 10 days), approve (leave or claims), claims (补卡), leave (any leave work),
#: signoff (diaries).
GIVEN: dict[Role, set[str]] = {
    Role.FIRST_SECRETARY: {"leave", "claims"},
    Role.TEAM_MEMBER: {"leave", "claims"},
    Role.VILLAGE_SECRETARY: {"signoff"},
    Role.TOWNSHIP_LEADER: {"leave", "comment", "signoff"},
    Role.TOWNSHIP_SECRETARY: {"leave", "comment", "approve", "claims", "signoff"},
    Role.UNIT_LEADER: {"leave", "comment", "apply"},
    Role.ORG_DEPT: {"leave", "approve"},
    Role.POVERTY_BUREAU: {"leave", "approve"},
    Role.ADMIN: {"leave", "comment", "apply", "approve", "claims"},
}


def words(lang: str) -> dict[str, list[str]]:
    """The words that name each kind of work, in ``lang``."""
    t = lambda key: str(CATALOG.text(lang, key))  # noqa: E731
    return {
        "comment": [t("button.agree"), t("button.disagree")],
        "apply": [t("button.apply")],
        "approve": [t("button.approve")],
        "claims": ["补卡"] if lang == "zh" else ["claim"],
        "leave": ["请假"] if lang == "zh" else ["leave"],
        "signoff": ["/signoff", "签字"] if lang == "zh" else ["/signoff"],
    }


def say(conversations: Conversations, key: str, lang: str, text: str) -> str:
    return People(conversations, language_code=lang)[key].act(text).text


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p.key)
def test_help_and_status_name_only_the_roles_own_work(
    conversations: Conversations,
    person,
    lang: str,
) -> None:
    given = GIVEN[person.role]
    for command in ("/help", "/status"):
        text = say(conversations, person.key, lang, command)
        for kind, names in words(lang).items():
            # a cadre's /status counts their own approved leave (已批准请假)
            own = command == "/status" and person.role in (Role.FIRST_SECRETARY, Role.TEAM_MEMBER)
            if kind in given or (own and kind == "approve"):
                continue
            for name in names:
                assert name not in text, (person.key, command, kind, name, text)
    help_text = say(conversations, person.key, lang, "/help")
    for kind in given:  # and the help says how to do each
        assert any(n in help_text for n in words(lang)[kind]), (person.key, kind, help_text)
