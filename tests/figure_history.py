"""A station's history across months, written day by day through the store as the work happened.

The clock the store stamps with (`created_at`, `updated_at`, the audit log) follows the history,
so "later" changes are later in every sense the figures look at. Used by the figures tests and the
submitted-report tests; the expected figures per month are worked out by hand in those tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from station_app.core.relief_review import MEANS, PUBLICITY
from station_app.core.roles import APPROVER, Actor
from station_app.store import audit_log, children, elder_rounds, records, reference_data, relief, relief_expenses
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore
from tests.helpers import id_number

D = dt.date
APPROVER_ACTOR = Actor("a1", "li", "李副镇长", APPROVER)


@dataclass
class History:
    database: StationDatabase
    head: Actor
    monkeypatch: pytest.MonkeyPatch
    village: dict[str, Any] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    visits: dict[str, dict[str, Any]] = field(default_factory=dict)
    store: RecordStore | None = None

    def on(self, day: dt.date) -> RecordStore:
        """Work on `day` from here on: the store judges dates by it and stamps it (noon in Beijing)."""
        stamp = f"{day.isoformat()}T04:00:00.000Z"
        self.monkeypatch.setattr(records, "now_iso", lambda: stamp)
        self.monkeypatch.setattr(audit_log, "now_iso", lambda: stamp)
        self.store = RecordStore(self.database, self.head, today=day)
        return self.store

    def person(self, name: str, born: str, serial: int, household: dict[str, Any] | None = None) -> dict[str, Any]:
        assert self.store is not None
        p = self.store.create("person", {"name": name, "id_number": id_number(born.replace("-", ""), serial),
                                         "village_id": self.village["id"], "address": "前甸村3组12号",
                                         "household_id": household["id"] if household else None})
        self.people[name] = p
        return p

    def child(self, name: str, entered: str, category: str = "left_behind", sub_type: str | None = None) -> None:
        assert self.store is not None
        p = self.person(name, "2015-04-0" + str(len(self.people) % 9 + 1), 300 + len(self.people))
        self.profiles[name] = children.save_profile(self.store, {
            "person_id": p["id"], "category": category, "sub_type": sub_type, "status": "active", "risk_level": "low",
            "guardian_name": "张奶奶", "entered_on": entered})

    def elder(self, name: str, entered: str, categories: list[str], risk: str) -> None:
        assert self.store is not None
        p = self.person(name, "1940-02-0" + str(len(self.people) % 9 + 1), 400 + len(self.people))
        self.profiles[name] = elder_rounds.save_profile(self.store, {
            "person_id": p["id"], "categories": categories, "risk_level": risk, "status": "active",
            "entered_on": entered})

    def visit(self, name: str, when: str, key: str | None = None) -> None:
        assert self.store is not None
        save = children.save_visit if name in self.profiles and "category" in self.profiles[name] else \
            elder_rounds.save_visit
        v = save(self.store, {"person_id": self.people[name]["id"], "visit_date": when, "visitor": "刘晓梅",
                              "method": "home", "seen_in_person": True})
        self.visits[key or f"{name} {when}"] = v

    def act(self, case: str, code: str, **kwargs: Any) -> None:
        assert self.store is not None
        c = self.cases[case]
        # The township's approver decides (乡镇人民政府审核确认); the head and the workers do the rest.
        store = RecordStore(self.database, APPROVER_ACTOR, today=self.store.today) if code == "approve" else self.store
        self.cases[case] = relief.act(store, c["id"], code, c["rev"], today=self.store.today, **kwargs)

    def update(self, name: str, changes: dict[str, Any]) -> None:
        assert self.store is not None
        p = self.profiles[name]
        self.profiles[name] = self.store.update("child_profile" if "category" in p else "elder_profile", p["id"],
                                                changes, p["rev"])


def without_means_check_or_notice(store: RecordStore, since: dt.date) -> None:
    """This county asks for no means-check result and no notice before a 支出型 approval (its rules
    may): for tests about figures, not about the 支出型 procedure."""
    reference_data.set_value(store, MEANS, {"required_for": {"emergency": False, "expenditure": False},
                                            "valid_days": 180}, since)
    reference_data.set_value(store, PUBLICITY, {"review_for": {"emergency": False, "expenditure": False},
                                                "notice_for": {"emergency": False, "expenditure": False},
                                                "notice_days": 7}, since)


def build(database: StationDatabase, head: Actor, monkeypatch: pytest.MonkeyPatch, *, until: dt.date) -> History:
    """The history up to and including `until` (2026-11-01 stops before the later changes of
    2026-11-03; 2026-11-05 includes them):

    - children: 甲 left behind from 8-05 (agreement signed 8-05), 乙 left behind from 8-10 until she
      left on 10-05, 丙 in difficulty and in fact unsupported from 7-01, 丁 left behind from 9-10 —
      corrected on 11-03 to 10-12; on 11-03 甲 became 困境儿童 (a later change, not a correction).
    - child visits: 甲 8-20 and 9-10, 乙 9-10, 丁 10-15 (deleted on 11-03).
    - elders: 赵 alone, low risk from 8-05; 钱 empty nest, high risk from 8-05 (low from 11-03);
      visits 赵 8-20, 9-12, 10-14; 钱 8-20, 9-03, 9-17, 10-08.
    - relief: reserve fund topped up with 10,000 yuan on 8-01; case 一 (emergency) applied for and
      advanced 500 yuan on 9-10, approved and paid 9-25; case 二 (expenditure) applied for 10-05,
      approved 10-06, paid 10-08, in 一's household; 一's advance repaid 10-10.
    """
    h = History(database, head, monkeypatch)
    store = h.on(D(2026, 8, 5))
    h.village = store.create("village", {"code": "210411101201", "name": "前甸村"})
    relief.add_fund_entry(store, "topup", "10000", "镇财政拨入临时救助备用金", "2026-08-01")
    # The history is about business dates, and a seven-day notice would move 二's approval.
    without_means_check_or_notice(store, D(2026, 1, 1))
    h.child("甲", "2026-08-05")
    children.save_agreement(store, {"child_profile_id": h.profiles["甲"]["id"], "guardian_name": "甲父",
                                    "caregiver_name": "张奶奶", "signed_date": "2026-08-05",
                                    "expiry_date": "2027-08-04"})
    h.child("丙", "2026-07-01", category="in_difficulty", sub_type="unsupported")
    h.elder("赵", "2026-08-05", ["alone"], "low")
    h.elder("钱", "2026-08-05", ["empty_nest"], "high")
    h.on(D(2026, 8, 20))
    h.child("乙", "2026-08-10")  # registered ten days after she came onto the roll
    for name in ("甲", "赵", "钱"):
        h.visit(name, "2026-08-20")
    h.on(D(2026, 9, 3))
    h.visit("钱", "2026-09-03")
    store = h.on(D(2026, 9, 10))
    h.child("丁", "2026-09-10")
    h.visit("甲", "2026-09-10")
    h.visit("乙", "2026-09-10")
    household = store.create("household", {"village_id": h.village["id"], "head_name": "孙大山"})
    applicant = h.person("孙大山", "1960-06-11", 131, household)
    h.person("孙二嫂", "1962-03-04", 122, household)
    h.cases["一"] = relief.register(store, {"person_id": applicant["id"], "case_type": "emergency", "tier": 1,
                                          "reason": "房屋失火，衣物被褥烧毁", "applied_on": "2026-09-10"}, D(2026, 9, 10))
    h.act("一", "advance", amount="500", reason="情况紧急，先行救助")
    h.on(D(2026, 9, 12))
    h.visit("赵", "2026-09-12")
    h.on(D(2026, 9, 17))
    h.visit("钱", "2026-09-17")
    h.on(D(2026, 9, 25))
    for code in ("verify", "submit", "approve", "pay"):
        amount = {"submit": "1420", "approve": "1420"}.get(code)
        h.act("一", code, **({"amount": amount, "reason": "按实际损失核定"} if code == "submit" else
                             {"amount": amount} if amount else {}))
    store = h.on(D(2026, 10, 5))
    h.update("乙", {"status": "exited", "exit_reason": "父母返乡", "exited_on": "2026-10-05"})
    h.cases["二"] = relief.register(store, {"person_id": applicant["id"], "case_type": "expenditure", "tier": 1,
                                          "reason": "住院自付费用高", "applied_on": "2026-10-05",
                                          "household_income": "20000"}, D(2026, 10, 5))
    h.act("二", "verify")
    relief_expenses.add(store, h.cases["二"]["id"], {"category": "medical", "amount": "6000",
                                                    "description": "住院自付部分", "evidence": "住院收费票据"})
    h.cases["二"] = store.get("relief_case", h.cases["二"]["id"])
    h.act("二", "submit", amount="1420", reason="按自付医疗费用核定")
    h.on(D(2026, 10, 6))
    h.act("二", "approve", amount="1420")
    h.on(D(2026, 10, 8))
    h.act("二", "pay")
    h.visit("钱", "2026-10-08")
    store = h.on(D(2026, 10, 10))
    relief.add_fund_entry(store, "repayment", "500", "审批后以救助资金归还先行救助", "2026-10-10",
                          h.cases["一"]["id"])
    h.on(D(2026, 10, 14))
    h.visit("赵", "2026-10-14")
    h.on(D(2026, 10, 15))
    h.visit("丁", "2026-10-15")
    if until < D(2026, 11, 3):
        return h
    store = h.on(D(2026, 11, 3))
    h.update("丁", {"entered_on": "2026-10-12"})  # a correction: she came onto the roll later
    h.update("甲", {"category": "in_difficulty", "sub_type": "poor"})  # a change from now on
    h.update("钱", {"risk_level": "low"})
    gone = h.visits["丁 2026-10-15"]
    store.delete("visit", gone["id"], gone["rev"])
    return h
