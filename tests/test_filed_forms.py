"""Paper that counts: every form that is filed has its seal blocks and signatures with dates; the
relief forms carry the county's case number and 户籍所在地; the public notice masks what it must."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_app.core.jobs import JobState
from station_app.core.privacy import mask_address
from station_app.forms import child_forms, monthly_report, relief_advance, relief_application, relief_roster
from station_app.forms.layout import Sheet
from station_app.jobs import relief as relief_jobs
from station_app.store import relief
from tests.helpers import id_number
from tests.test_relief_forms import BORN, TODAY, paid_case, text_of  # noqa: F401 (fixtures)

FILED = {"审批表": relief_application.SHEET, "协议书": child_forms.AGREEMENT_SHEET, "花名册": relief_roster.SHEET,
         "先行救助凭证": relief_advance.SHEET, "月报": monthly_report.SHEET}


def printed(sheet: Sheet) -> list[str]:
    return [text for _box, text in sheet.plan.labels]


@pytest.mark.parametrize("name", FILED)
def test_every_filed_form_has_a_seal_block_and_signatures_with_dates(name):
    texts = printed(FILED[name])
    assert "（盖章）" in texts
    assert texts.count("年") >= 2 and texts.count("日") >= 2  # more than one signer dates their signature


def test_each_opinion_box_of_the_approval_form_is_signed_dated_and_where_it_decides_sealed():
    texts = printed(relief_application.SHEET)
    for signer in ("调查人签字：", "负责人签字：", "分管领导签字："):
        assert signer in texts
    assert texts.count("（盖章）") == 3  # the village committee, the township government, the county office
    assert texts.count("月") >= 5  # four opinion boxes and the form's own date


def test_the_approval_form_carries_the_case_number_hukou_other_assistance_and_means_check(database, store, head,
                                                                                         paid_case, tmp_path):
    store.update("person", paid_case["person_id"], {"hukou_address": "辽宁省抚顺市新宾满族自治县永陵镇"},
                 store.get("person", paid_case["person_id"])["rev"])
    store.create("assistance_status", {"household_id": paid_case["household_id"], "kind": "dibao", "level": "B类",
                                       "starts_on": "2026-01-01", "certificate_no": "顺低保2026088"})
    store.create("means_check", {"household_id": paid_case["household_id"], "relief_case_id": paid_case["id"],
                                 "authorized_on": TODAY.isoformat(), "requested_on": TODAY.isoformat(),
                                 "requested_to": "顺城区核对中心", "result_on": TODAY.isoformat(),
                                 "document_no": "顺核字〔2026〕7号", "income": "8000", "verdict": "meets"})
    [page] = text_of(relief_jobs.relief_form(database, JobState(), head, paid_case["id"], tmp_path / "form.pdf"))
    assert paid_case["case_no"] in page and paid_case["case_no"].startswith(f"210411101{TODAY.year}")
    assert "户籍所在地" in page and "辽宁省抚顺市新宾满族自治县永陵镇" in page
    assert "低保B类" in page and "顺低保2026088" in page
    assert "符合救助条件" in page and "顺核字〔2026〕7号" in page
    assert "农村低保标准6,000.00元/人·年" in page  # the working behind the suggested amount


def test_the_voucher_carries_the_case_number_and_hukou(database, store, head, paid_case, tmp_path):
    [page] = text_of(relief_jobs.advance_voucher(database, JobState(), head, paid_case["id"], tmp_path / "v.pdf"))
    assert paid_case["case_no"] in page and "户籍所在地" in page and "（盖章）" in page


def test_the_public_notice_masks_id_numbers_and_addresses(database, store, head, village, tmp_path):
    person = store.create("person", {"name": "周玉兰", "id_number": id_number("19660315", 122),
                                     "village_id": village["id"], "address": "前甸村6组21号"})
    case = relief.register(store, {"person_id": person["id"], "case_type": "expenditure", "tier": 1,
                                   "household_size": 1, "household_income": "3000", "reason": "女儿患白血病住院"}, TODAY)
    case = relief.act(store, case["id"], "verify", case["rev"], today=TODAY)
    relief.act(store, case["id"], "notice", case["rev"], reason="村务公开栏公示", today=TODAY)
    [page] = text_of(relief_jobs.notice_list(database, JobState(), head, TODAY - dt.timedelta(days=7), TODAY,
                                             tmp_path / "n.pdf"))
    assert "临时救助对象公示名单" in page and "周玉兰" in page and "女儿患白血病住院" in page
    assert id_number("19660315", 122) not in page and "2104**********" in page
    assert "6组21号" not in page and "前甸村****" in page
    assert "（盖章）" in page and "024-57612345" in page  # the station's telephone for objections


def test_the_authorization_letter_has_a_line_for_each_adult_member(database, store, head, village, tmp_path):
    household = store.create("household", {"village_id": village["id"], "head_name": "吴德才", "address": "前甸村2组3号"})
    for name, birth, order, relation in (("吴德才", "19700101", 131, "head"), ("韩秀梅", "19720202", 122, "spouse"),
                                         ("吴小宝", "20150505", 133, "child")):
        person = store.create("person", {"name": name, "id_number": id_number(birth, order), "village_id": village["id"],
                                         "household_id": household["id"], "relation_to_head": relation})
    case = relief.register(store, {"person_id": person["id"], "case_type": "emergency", "tier": 1,
                                   "reason": "房屋失火"}, TODAY)
    [page] = text_of(relief_jobs.means_authorization(database, JobState(), head, case["id"], tmp_path / "a.pdf"))
    assert "家庭经济状况核对授权书" in page and "吴德才" in page and "韩秀梅" in page
    assert "吴小宝" not in page  # a child signs nothing
    assert id_number("19700101", 131) in page and case["case_no"] in page


@given(village=st.sampled_from(["前甸村", "关岭村", "前甸社区"]), rest=st.text(min_size=1, max_size=30))
def test_a_masked_address_keeps_the_village_and_nothing_after_it(village, rest):
    masked = mask_address(village + rest, village)
    assert masked == village + "****"
