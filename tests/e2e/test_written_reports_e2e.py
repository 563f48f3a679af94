"""/workreport over the real runtimes: a cadre sends a Word document as the half-year
written report and the organisation department receives it (the very bytes, re-sent by
file id), as do the bureau and the unit; a typed year's goals are filed and the township
secretary is told, with the text."""

from __future__ import annotations

import pytest

from domain.filings import FilingKind
from tests.e2e.conftest import District, assert_silent, tap

REPORT = b"PK\x03\x04 a Word document's bytes"


async def test_a_document_report_reaches_org_dept_bureau_and_unit(district: District) -> None:
    cadre, org, bureau, unit, secretary = await district.onboard_all(
        "cadre", "org_dept", "poverty_bureau", "unit_leader", "township_secretary"
    )
    cadre.send_text("/workreport")
    menu = await cadre.next_message()
    await tap(cadre, menu, "半年书面汇报（2026年下半年）")
    assert "请发送文件" in menu.text
    cadre.send_document(REPORT, filename="2026下半年汇报.docx")
    filed = await cadre.next_message()
    assert "已报送，共送达 3 人" in filed.text
    for recipient in (org, bureau, unit):
        notice = await recipient.next_message()
        assert "<b>张三</b>" in (notice.html or "") and "下半年书面汇报" in notice.text
        document = await recipient.next_message()
        assert document.kind == "document" and document.document == REPORT
    with district.storage.uow() as uow:
        cadre_id = uow.people.by_phone(district.phone("cadre")).id
        filing = uow.filings.live(cadre_id, FilingKind.HALF_YEAR, "2026-H2")
    assert filing is not None and filing.file_name == "2026下半年汇报.docx"
    await assert_silent(secretary)  # a written report is not filed with the township


@pytest.mark.dingtalk
async def test_a_typed_plan_is_filed_and_the_township_secretary_told(district: District) -> None:
    cadre, secretary, org = await district.onboard_all("cadre", "township_secretary", "org_dept")
    cadre.send_text("/workreport")
    menu = await cadre.next_message()
    await tap(cadre, menu, "年度目标（2026年度）")
    cadre.send_text("一、建成香菇大棚10座\n二、村集体收入达到5万元")
    kept = await cadre.next_message()
    assert "尚未报送" in kept.text
    await tap(cadre, kept, "📤 提交")
    filed = await cadre.next_message()
    assert "年度目标（2026年度）已报送，共送达 3 人" in filed.text
    told = await secretary.next_message()
    assert "报送了 2026 年度目标备案" in told.text and "建成香菇大棚10座" in told.text
    assert "村集体收入达到5万元" in (await org.next_message()).text
    secretary.send_text("/workreport")
    listing = await secretary.next_message()
    assert "张三（东店子村）：汇报 ❌ 未报 · 目标 2026-11-30" in listing.text
