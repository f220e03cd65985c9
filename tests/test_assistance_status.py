"""Assistance statuses on people and households through the store: kinds from the county's list, a
period and certificate, shown on the relief case, and on the due list before they run out."""

from __future__ import annotations

import datetime as dt

import pytest

from station_app.core import assistance
from station_app.core.errors import ValidationError
from station_app.store import assistance as statuses
from station_app.store import due, reference_data, relief
from tests.test_relief_store import TODAY, applicant, household, new_case  # noqa: F401 (fixtures)


def dibao(household: dict, **extra) -> dict:
    return {"household_id": household["id"], "kind": "dibao", "level": "A类", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31", "certificate_no": "顺低保2026017", "issued_by": "顺城区民政局", **extra}


def test_a_status_is_a_kind_from_the_countys_list_held_by_whom_the_list_says(store, applicant, household):
    store.create("assistance_status", dibao(household))
    store.create("assistance_status", {"person_id": applicant["id"], "kind": "disability", "level": "二级",
                                       "starts_on": "2019-05-01", "certificate_no": "21041119540611131142"})
    with pytest.raises(ValidationError, match="县民政局下发的类别"):
        store.create("assistance_status", dibao(household, kind="wubao"))
    with pytest.raises(ValidationError, match="登记在个人名下"):
        store.create("assistance_status", dibao(household, kind="tekun"))
    with pytest.raises(ValidationError, match="二者选一"):
        store.create("assistance_status", dibao(household, person_id=applicant["id"]))
    with pytest.raises(ValidationError, match="终止日期不能早于起始日期"):
        store.create("assistance_status", dibao(household, ends_on="2025-12-31"))


def test_a_kind_the_county_adds_can_be_recorded_from_its_date(store, household):
    rule = reference_data.default(assistance.KINDS)
    rule["kinds"].append({"code": "heating", "label": "取暖救助", "applies_to": ["household"]})
    reference_data.set_value(store, assistance.KINDS, rule, dt.date(2026, 10, 1))
    with pytest.raises(ValidationError):
        store.create("assistance_status", dibao(household, kind="heating", starts_on="2026-09-30"))
    store.create("assistance_status", dibao(household, kind="heating", starts_on="2026-10-01"))


def test_the_relief_case_shows_the_households_other_assistance(store, applicant, household):
    store.create("assistance_status", dibao(household))
    store.create("assistance_status", dibao(household, kind="low_income", starts_on="2024-01-01", ends_on="2024-12-31"))
    case = new_case(store, applicant)
    details = relief.case_details(store, case["id"])
    assert details.statuses_text == "低保A类（2026-01-01至2026-12-31，证号 顺低保2026017）"  # not the lapsed one
    assert details.means_text == "未核对"


def test_a_status_running_out_is_on_the_due_list_within_the_warning_days(store, applicant, household):
    soon = store.create("assistance_status", dibao(household, ends_on="2026-12-10"))
    store.create("assistance_status", dibao(household, kind="low_income", ends_on="2027-03-31"))
    keys = [k for k in due.due_keys(store.database, TODAY) if k.program == "status"]
    assert [(k.record_id, k.due) for k in keys] == [(soon["id"], dt.date(2026, 12, 10))]  # 30 days by default
    row = due.due_rows(store.database, keys)[keys[0]]
    assert (row["name"], row["program_label"]) == ("李大山家", "低保到期")
    assert [s["id"] for s in statuses.expiring(store.database, TODAY)] == [soon["id"]]
