"""The relief printouts, read back from the PDF; and the money adding up across cases, ledger and roster."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from station_app.core.fields import format_money
from station_app.core.jobs import JobState
from station_app.core.roles import APPROVER, VIEWER, Actor
from station_app.jobs import relief as relief_jobs
from station_app.store import relief
from station_app.store.records import RecordStore
from tests.helpers import county, id_number

TODAY = dt.date.today()
BORN = "19540611"


def text_of(path: Path) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(path).pages]


@pytest.fixture
def paid_case(store, village) -> dict:
    """A county-approved case with an advance, paid: every block of the form has something in it."""
    household = store.create("household", {"village_id": village["id"], "head_name": "李大山", "address": "前甸村3组12号"})
    person = store.create("person", {"name": "李大山", "id_number": id_number(BORN, 131), "village_id": village["id"],
                                     "household_id": household["id"], "phone": "13904101234"})
    relief.add_fund_entry(store, "topup", "5000", "镇财政拨入", TODAY.isoformat())
    case = relief.register(store, {"person_id": person["id"], "case_type": "emergency", "tier": 3, "household_size": 3,
                                   "reason": "夜间房屋失火，三间正房烧毁", "incident_place": "前甸村3组"}, TODAY)
    for code, kwargs in (("advance", {"amount": "1500.50", "reason": "急需购买被褥口粮"}), ("verify", {}),
                         ("submit", {"amount": "11200", "reason": "冬季需另购取暖煤"}), ("refer", {})):
        case = relief.act(store, case["id"], code, case["rev"], today=TODAY, **kwargs)
    case = relief.apply_county_decision(county(store), case["id"], case["rev"], approved=True, amount="11200",
                                        reason="同意救助", decided_by="顺城区民政局张科长", decided_on=TODAY)
    return relief.act(store, case["id"], "pay", case["rev"], today=TODAY)


def test_the_application_form_carries_the_case_and_every_decision(database, head, paid_case, tmp_path):
    out = relief_jobs.relief_form(database, JobState(), head, paid_case["id"], tmp_path / "form.pdf")
    [page] = text_of(out)
    assert "临时救助申请审批表" in page and "李大山" in page and id_number(BORN, 131) in page
    assert "10,000.00元" in page  # suggested: 710 × 1.3 × 3 × 6 = 16,614, capped at 10,000 for emergencies
    assert "11,200.00元" in page and "冬季需另购取暖煤" in page  # proposed, with the reason the approver sees
    assert "1,500.50元" in page  # the advance
    assert "报县审批" in page and "顺城区民政局张科长" in page and "王站长" in page
    assert "发放9,699.50元" in page  # 11,200 approved less the 1,500.50 advanced


def test_a_viewer_prints_the_form_with_the_id_number_masked(database, head, paid_case, tmp_path):
    viewer = Actor("v", "inspector", "县里检查", VIEWER)
    [page] = text_of(relief_jobs.relief_form(database, JobState(), viewer, paid_case["id"], tmp_path / "f.pdf"))
    assert id_number(BORN, 131) not in page and "李大山" in page


def test_the_advance_voucher_gives_the_amount_in_figures_and_capitals(database, head, paid_case, tmp_path):
    [page] = text_of(relief_jobs.advance_voucher(database, JobState(), head, paid_case["id"], tmp_path / "v.pdf"))
    assert "先行救助发放凭证" in page and "¥1,500.50" in page and "壹仟伍佰元伍角整" in page
    assert paid_case["paperwork_due"] in page


def test_cases_ledger_and_roster_add_up_to_the_fen(database, head, store, paid_case, village, tmp_path):
    other = store.create("person", {"name": "赵秀英", "id_number": id_number("19620202", 122),
                                    "village_id": village["id"]})
    case = relief.register(store, {"person_id": other["id"], "case_type": "emergency", "tier": 1,
                                   "household_size": 1, "reason": "住院期间家中断炊", "standard_area": "urban"}, TODAY)
    approver = RecordStore(database, Actor("a1", "li", "李副镇长", APPROVER))
    for who, code, kwargs in ((store, "verify", {}), (store, "submit", {"amount": "710"}),
                              (approver, "approve", {"amount": "710"}), (store, "pay", {})):
        case = relief.act(who, case["id"], code, case["rev"], today=TODAY, **kwargs)
    relief.add_fund_entry(store, "repayment", "1500.50", "县审批后归还先行救助", TODAY.isoformat())

    paid = relief.roster(database, TODAY, TODAY)
    assert sum(c["amount_paid"] + (c["advance_amount"] or 0) for c in paid) == sum(c["amount_approved"] for c in paid)
    ledger = relief.ledger(database, TODAY, TODAY)
    advances = sum(e["amount"] for e in ledger.entries if e["kind"] == "advance")
    assert advances == sum(c["advance_amount"] or 0 for c in paid) == 150050
    assert ledger.closing == relief.balance(database) == 500000

    roster_pages = text_of(relief_jobs.relief_roster(database, JobState(), head, TODAY, TODAY, tmp_path / "r.pdf"))
    total = format_money(sum(c["amount_approved"] for c in paid))
    assert f"合计共2户2笔{total}1,500.50{format_money(sum(c['amount_paid'] for c in paid))}" in roster_pages[-1]
    assert total == "11,910.00"
    ledger_pages = text_of(relief_jobs.fund_ledger(database, JobState(), head, TODAY, TODAY, tmp_path / "l.pdf"))
    assert "上期结转0.00" in ledger_pages[0]
    assert "本期合计6,500.501,500.505,000.00" in ledger_pages[-1]


def test_a_long_ledger_runs_on_to_more_pages(database, head, store, tmp_path):
    for n in range(30):
        relief.add_fund_entry(store, "topup", str(n + 1), f"第{n + 1}笔拨入", TODAY.isoformat())
    pages = text_of(relief_jobs.fund_ledger(database, JobState(), head, TODAY, TODAY, tmp_path / "l.pdf"))
    assert len(pages) == 2 and "第30笔拨入" in pages[1] and "本期合计465.00" in pages[1]
