"""Demo data around relief: assistance statuses on people and households (some running out soon),
the rigid expenses, income and means check of 支出型 cases, and reports of people in difficulty
(主动发现) at every stage of triage — so a new user sees each of them on first start.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from station_app.core import child_rules
from station_app.core.ids import new_id

COUNTY_OFFICE = "顺城区民政局"
CHECK_CENTRE = "顺城区社会救助家庭经济状况核对中心"
_DISABILITY_LEVELS = ("一级", "二级", "三级", "四级")
_MEDICAL = (("透析治疗医保报销后自付部分", "抚顺市中心医院收费票据"), ("化疗住院自付费用", "住院费用结算单"),
            ("白血病异地就医自付费用", "沈阳市儿童医院结算单"), ("手术及康复自付费用", "医保结算单"))
_EDUCATION = (("大学学费和住宿费", "录取通知书及缴费通知"), ("高中住宿费和生活费", "学校收费票据"))
_REPORTERS = (("grid", "网格员"), ("village_aide", "村协理员"), ("hotline_12345", "12345热线转来"),
              ("hotline", "救助热线"), ("walk_in", "本人来访"))
_TRANSFERS = (("县医疗保障局", "因病支出大，申请医疗救助"), ("县人力资源和社会保障局", "失业后无收入，申请就业援助"),
              ("县住房和城乡建设局", "房屋破损漏雨，申请危房改造"), ("县残疾人联合会", "重度残疾，申请辅具适配"))
_UNFOUNDED = "入户核实：家中子女已返乡照料，生活有保障，暂不需要救助，已告知可随时申请。"
_INTAKE_SITUATIONS = ("老人独居，冬季取暖煤不够，屋内很冷。", "家中主要劳动力受伤住院，两个孩子无人照看。",
                      "外地来务工人员钱包被盗，无钱返乡。", "残疾人生活困难，轮椅损坏无法出门。",
                      "家庭因病欠债，孩子上学费用困难。")


@dataclass(frozen=True)
class Expenditure:
    """What a 支出型 case's household brought: its yearly income, its rigid expenses, its means check."""

    income: int  # fen a year
    expenses: list[dict[str, Any]]
    means_check: dict[str, Any] | None


@dataclass(frozen=True)
class IntakeHistory:
    """A report of a person in difficulty and how it was triaged: `triage` None (not yet), 'transfer'
    (with the department, and the receipt if it came back) or 'no_action' (with what was found)."""

    report: dict[str, Any]
    triage: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    at: dt.datetime | None = None  # when it was triaged


def _period(rng: random.Random, today: dt.date, expiring: bool) -> tuple[str, str]:
    """A year-long status, begun some months ago; when `expiring`, one that ends within the month."""
    ends = today + dt.timedelta(days=rng.randrange(3, 28) if expiring else rng.randrange(40, 330))
    return (ends - dt.timedelta(days=364)).isoformat(), ends.isoformat()


def statuses(rng: random.Random, today: dt.date, households: list[dict[str, Any]], people: list[dict[str, Any]],
             children: list[dict[str, Any]], elders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """低保 households (a few running out this month), 持证残疾人 among the disabled, 事实无人抚养儿童
    for the children the archive says are unsupported, and a 特困供养 status for each elder whose
    profile ticks 特困, held since they came onto the visiting roster (so the 统计 page's status
    lines and the 特困 care rate count the same people)."""
    found = [{"id": new_id(), "person_id": e["person"]["id"], "kind": "tekun", "level": "分散供养",
              "starts_on": e["profile"]["entered_on"], "ends_on": e["profile"].get("exited_on"),
              "issued_by": COUNTY_OFFICE, "certificate_no": f"顺特困{e['person']['id_number'][-6:]}"}
             for e in elders if "tekun" in e["profile"]["benefits"]]
    for h in households:
        if rng.random() < 0.05:
            starts, ends = _period(rng, today, rng.random() < 0.15)
            found.append({"id": new_id(), "household_id": h["id"], "kind": "dibao", "level": rng.choice(("A类", "B类")),
                          "starts_on": starts, "ends_on": ends, "certificate_no": f"顺低保{starts[:4]}{rng.randrange(1000):03d}",
                          "issued_by": COUNTY_OFFICE})
    for p in people:
        if p.get("health") == "disabled" and rng.random() < 0.7:
            starts = (today - dt.timedelta(days=rng.randrange(200, 3000))).isoformat()
            found.append({"id": new_id(), "person_id": p["id"], "kind": "disability",
                          "level": rng.choice(_DISABILITY_LEVELS), "starts_on": starts, "ends_on": None,
                          "certificate_no": f"{p['id_number']}{rng.choice('1234')}{rng.randrange(1, 5)}",
                          "issued_by": "顺城区残疾人联合会"})
    for child in children:
        if child["profile"].get("sub_type") == "unsupported":
            starts, ends = _period(rng, today, rng.random() < 0.2)
            found.append({"id": new_id(), "person_id": child["person"]["id"], "kind": "unsupported_child",
                          "starts_on": starts, "ends_on": ends, "issued_by": COUNTY_OFFICE})
    return found


def expenditure(rng: random.Random, applied: dt.date, today: dt.date, size: int, answered: bool) -> Expenditure:
    """Income, expenses and (when `answered`) the means-check result a 支出型 household brings."""
    what, evidence = rng.choice(_MEDICAL)
    expenses = [{"id": new_id(), "category": "medical", "amount": rng.choice((1200000, 1800000, 2500000, 3600000)),
                 "description": what, "evidence": evidence}]
    if size >= 3 and rng.random() < 0.4:
        what, evidence = rng.choice(_EDUCATION)
        expenses.append({"id": new_id(), "category": "education", "amount": rng.choice((600000, 900000)),
                         "description": what, "evidence": evidence})
    income = rng.choice((600000, 900000, 1200000, 1500000)) * max(1, size // 2)
    result_on = min(today, applied + dt.timedelta(days=3))
    check = {"id": new_id(), "authorized_on": applied.isoformat(), "requested_on": applied.isoformat(),
             "requested_to": CHECK_CENTRE}
    if answered:
        check.update(result_on=result_on.isoformat(), document_no=f"顺核字〔{result_on.year}〕{rng.randrange(1, 400)}号",
                     income=income, assets=rng.choice((0, 200000, 500000)), verdict="meets")
    return Expenditure(income, expenses, check)


def relief_intake(rng: random.Random, person: dict[str, Any], reason: str, day: dt.date) -> dict[str, Any]:
    """The report a case came from: a 网格员 or a 12345 call about the applicant, that morning."""
    channel, reporter = rng.choice(_REPORTERS[:4])
    at = dt.datetime.combine(day, dt.time(8, rng.randrange(60)))
    return {"id": new_id(), "received_at": child_rules.format_time(at), "channel": channel, "reporter": reporter,
            "subject_name": person["name"], "person_id": person["id"], "village_id": person["village_id"],
            "address": person["address"], "description": reason, "urgency": "urgent"}


def intake_reports(rng: random.Random, now: dt.datetime, people: list[dict[str, Any]]) -> list[IntakeHistory]:
    """Reports transferred (one receipt back, one not yet), one closed after checking, and two still
    waiting for triage — one of them past its time limit."""
    if len(people) < 5:
        return []
    chosen = rng.sample(people, 5)

    def report(person: dict[str, Any], hours_ago: int, urgency: str = "normal") -> dict[str, Any]:
        channel, reporter = rng.choice(_REPORTERS)
        return {"id": new_id(), "received_at": child_rules.format_time(now - dt.timedelta(hours=hours_ago)),
                "channel": channel, "reporter": reporter, "reporter_phone": "13941300000",
                "subject_name": person["name"], "person_id": person["id"], "village_id": person["village_id"],
                "address": person["address"], "description": rng.choice(_INTAKE_SITUATIONS), "urgency": urgency}

    def days_ago(days: int) -> dt.datetime:
        return (now - dt.timedelta(days=days)).replace(second=0, microsecond=0)

    (dept, why), (dept2, why2) = rng.sample(_TRANSFERS, 2)
    return [
        IntakeHistory(report(chosen[0], 24 * 40), "transfer", {"department": dept, "note": why,
                                                               "receipt": (days_ago(30).date(), "已受理，纳入医疗救助")},
                      days_ago(39)),
        IntakeHistory(report(chosen[1], 24 * 6), "transfer", {"department": dept2, "note": why2}, days_ago(5)),
        IntakeHistory(report(chosen[2], 24 * 12), "no_action", {"note": _UNFOUNDED}, days_ago(11)),
        IntakeHistory(report(chosen[3], 30, "urgent")),  # past the 24 hours an urgent report has
        IntakeHistory(report(chosen[4], 5)),
    ]
