"""Realistic demo data for a township in Fushun (辽宁省抚顺市顺城区): villages, households, people
with valid ID numbers, left-behind children and elderly people who came onto their rolls (and some
who left) over the past two years, their visits from the day they came on, relief cases, and the
station's own ledger (core.ledger_demo: staff, training, activities, volunteers, care agreements).

The generator is deterministic for a seed (ids aside) and yields plain dicts in dependency order,
so the same data serves the demo command, the tests and the benchmarks.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from stdnum.cn import ric

from station_app.core import child_rules, demo_assistance, elder_rules, entities, regions, relief, roles
from station_app.core.ids import new_id
from station_app.core.ledger_demo import LedgerDemo
from station_app.paths import resource

STATION = {
    "name": "前甸镇社会工作服务站",
    "township": "前甸镇",
    "county": "抚顺市顺城区",
    "admin_code": "210411101",
    "phone": "024-57612345",
    "address": "抚顺市顺城区前甸镇政府院内",
}

_VILLAGE_NAMES = (
    "前甸村 关岭村 台沟村 二道村 大柳村 南口前村 北台村 东洲村 腰站村 上年村 下年村 五龙村 "
    "刘尔屯村 东岭村 西岭村 高家村 马圈子村 王家堡村 石门岭村 红透山村 三块石村 拉古村 汤图村 碾盘村"
).split()
# Frequent surnames with rough weights (Liaoning), plus a few with surname readings of their own.
_SURNAMES = (
    ("王", 90), ("李", 85), ("张", 80), ("刘", 75), ("赵", 45), ("杨", 35), ("孙", 35), ("于", 30),
    ("陈", 25), ("徐", 22), ("马", 20), ("高", 20), ("郭", 18), ("吴", 16), ("周", 16), ("朱", 12),
    ("宋", 12), ("韩", 12), ("姜", 12), ("曲", 10), ("崔", 10), ("董", 10), ("金", 10), ("付", 9),
    ("邢", 8), ("关", 8), ("白", 8), ("谷", 7), ("曹", 7), ("冯", 7), ("邓", 6), ("单", 4), ("曾", 3),
    ("欧阳", 2), ("富", 3), ("佟", 4), ("那", 3), ("鲁", 4), ("葛", 4), ("纪", 3),
)
_MALE_CHARS = "伟刚勇毅俊峰强军平东文辉力明永健志义兴良海山波宁贵福生龙国胜学祥才发武新利清飞彬富顺杰涛成康光天达安岩中林有和博诚振会群乐松善庆磊民友浩亮斌栋启鹏泽晨建家树德宏"
_FEMALE_CHARS = "秀娟英华慧美娜静淑惠玉萍红玲芬芳燕春菊兰凤洁梅琳素云莲雪荣爱霞香月艳佳琼珍莉桂晶秋丽婷颖瑶怡丹蓉琴薇梦岚欣晓欢芸菲亚宜舒雯萱宇雨"
# County codes of Fushun whose numbers people here carry (born here or moved in).
_REGIONS = ("210411", "210411", "210411", "210421", "210422", "210423", "210402", "210403", "210404")
_CITIES = ("大连", "沈阳", "北京", "天津", "青岛", "上海", "深圳", "苏州", "长春", "哈尔滨")
_VISITORS = ("刘晓梅", "王建国", "张丽", "孙志强")
_CHILD_FINDINGS = (
    "监护人照料到位，儿童按时上学，情绪稳定。",
    "家中取暖正常，作业有人辅导，近期与父母视频通话。",
    "祖母身体欠佳，照料能力下降，已联系村儿童主任加强关注。",
    "儿童学习成绩下滑，已与班主任沟通。",
)
_ELDER_FINDINGS = (
    "老人身体状况平稳，煤炉烟道畅通，家中存煤充足。",
    "老人行动不便，院内有积冰，已帮助清理并提醒防滑。",
    "血压偏高，已提醒按时服药，子女每周电话联系。",
    "独居，情绪低落，已联系村委会安排邻里每日照看。",
)
_ELDER_LIVING = ("屋内整洁，室温适宜，存粮充足。", "平房，冬季烧煤取暖，屋内略凉。", "与老伴同住，生活基本能自理。",
                 "子女在外地，邻居每天照看。")
_ELDER_HEALTH = ("身体状况平稳。", "高血压，按时服药。", "腿脚不便，需拄拐。", "糖尿病，饮食需注意。")
_ELDER_SERVICES = ("陪同聊天，测量血压。", "帮助清理院内积雪。", "代购药品和生活用品。", "检查煤炉烟道和燃气阀门。")
# Hazards found on a visit, with how likely each is in winter (Nov–Mar) and in the rest of the year.
_HAZARD_ODDS = (("heating", 0.06, 0.0), ("gas", 0.01, 0.01), ("fire", 0.01, 0.01), ("falls", 0.03, 0.01))
# How far back the demo's work goes: people came onto the rolls, and cases were applied for, over it.
HISTORY_DAYS = 730
_ELDER_EXITS = ("去世", "迁出本乡镇", "入住养老机构", "随子女外出居住")


def _entered(rng: random.Random, today: dt.date, birth: str, min_age: int) -> dt.date:
    """A day within the past two years on which a person born on `birth` (old enough by then)
    came onto a roll."""
    old_enough = dt.date.fromisoformat(birth) + dt.timedelta(days=366 * min_age)
    earliest = min(today, max(today - dt.timedelta(days=HISTORY_DAYS), old_enough))
    return earliest + dt.timedelta(days=rng.randrange(0, max(1, (today - earliest).days + 1)))


def _left(rng: random.Random, today: dt.date, entered: str, share: float) -> dt.date | None:
    """For a `share` of people, a day after they came on (at least a month) when they left."""
    span = (today - dt.date.fromisoformat(entered)).days
    if span <= 30 or rng.random() >= share:
        return None
    return dt.date.fromisoformat(entered) + dt.timedelta(days=rng.randrange(30, span + 1))


@dataclass
class DemoPlan:
    people: int
    seed: int = 1
    today: dt.date = field(default_factory=dt.date.today)


def _id_number(rng: random.Random, birth: dt.date, male: bool, used: set[str]) -> str:
    while True:
        order = rng.randrange(0, 500) * 2 + (1 if male else 0)
        body = f"{rng.choice(_REGIONS)}{birth:%Y%m%d}{order:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def _name(rng: random.Random, male: bool) -> str:
    surnames, weights = zip(*_SURNAMES)
    pool = _MALE_CHARS if male else _FEMALE_CHARS
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return rng.choices(surnames, weights)[0] + given


def _phone(rng: random.Random) -> str:
    return rng.choice(("139", "138", "135", "150", "158", "186", "187", "188", "131", "132")) + f"{rng.randrange(10**8):08d}"


def _birth(rng: random.Random, today: dt.date, min_age: int, max_age: int) -> dt.date:
    return today - dt.timedelta(days=rng.randrange(min_age * 365 + 1, max_age * 365 + 300))


def generate(plan: DemoPlan) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(entity, records) chunks in an order that respects references; ids are pre-assigned."""
    rng = random.Random(plan.seed)
    today = plan.today
    n_villages = max(6, min(len(_VILLAGE_NAMES), plan.people // 400 + 1))
    villages = [
        {"id": new_id(), "code": f"{STATION['admin_code']}{201 + i:03d}", "name": _VILLAGE_NAMES[i]}
        for i in range(n_villages)
    ]
    yield "village", villages
    ledger = LedgerDemo(random.Random(plan.seed + 11), today, villages)  # its own dice: the rest stays as it was

    used: set[str] = set()
    remaining = plan.people
    applicants: list[tuple[dict[str, Any], int]] = []  # (household head, household size)
    relief_rng = random.Random(plan.seed + 5)  # apart, so the rest of the demo stays as it was
    child_rng = random.Random(plan.seed + 7)
    status_rng = random.Random(plan.seed + 11)
    reported: list[dict[str, Any]] = []  # children with a protection case
    adults: list[dict[str, Any]] = []  # a few people that intake reports are about
    while remaining > 0:
        households, people, children, elders = [], [], [], []
        for _ in range(min(remaining, 2000)):
            if remaining <= 0:
                break
            village = rng.choice(villages)
            hh = _household(rng, village, today, used, min(remaining, rng.choice((1, 2, 2, 3, 3, 4, 5))))
            remaining -= len(hh["members"])
            households.append(hh["household"])
            if relief_rng.random() < 0.06:
                applicants.append((hh["members"][0], len(hh["members"])))
            people += hh["members"]
            children += hh["children"]
            elders += hh["elders"]
        for child in children:
            _enrich_child(child_rng, today, child)
        ledger.note(people, elders)
        reported += [c for c in children if c["profile"]["status"] == "active" and child_rng.random() < 0.02]
        yield "household", households
        yield "person", people
        yield "assistance_status", demo_assistance.statuses(status_rng, today, households, people, children, elders)
        adults += [p for p in people if p["phone"]][:20 - len(adults)]
        yield "child_profile", [c["profile"] for c in children]
        yield "agreement", [c["agreement"] for c in children if c["agreement"]]
        yield "elder_profile", [e["profile"] for e in elders]
        yield "visit", [v for c in children for v in _child_visits(child_rng, today, c)] + \
            [v for elder in elders for v in _elder_visits(rng, today, elder)]
    yield from _relief(relief_rng, today, plan.people, applicants)
    yield from _protection(child_rng, today, reported[:12])
    yield "intake_report", demo_assistance.intake_reports(status_rng, dt.datetime.combine(today, dt.time(9)), adults)
    yield from ledger.records()


def _hukou(id_number: str, address: str) -> str:
    """Registered where they live if the ID number is this district's, else in the county it names."""
    region = id_number[:6]
    return f"抚顺市顺城区前甸镇{address}" if region == STATION["admin_code"][:6] else regions.county_name(region) or ""


def _household(rng: random.Random, village: dict[str, Any], today: dt.date, used: set[str], size: int) -> dict[str, Any]:
    hh_id = new_id()
    address = f"{village['name']}{rng.randrange(1, 9)}组{rng.randrange(1, 80)}号"
    elderly_head = size <= 2 and rng.random() < 0.6 or size >= 3 and rng.random() < 0.5
    members: list[dict[str, Any]] = []

    def person(min_age: int, max_age: int, male: bool, relation: str, adult_phone: bool = True) -> dict[str, Any]:
        birth = _birth(rng, today, min_age, max_age)
        number = _id_number(rng, birth, male, used)
        p = {
            "id": new_id(), "name": _name(rng, male), "id_number": number,
            "hukou_address": _hukou(number, address),
            "gender": "M" if male else "F", "birth_date": birth.isoformat(), "ethnicity": rng.choice(("汉族",) * 8 + ("满族", "朝鲜族")),
            "phone": _phone(rng) if adult_phone else None, "village_id": village["id"], "household_id": hh_id,
            "relation_to_head": relation, "address": address,
            "health": rng.choices(("good", "chronic", "serious", "disabled"), (70, 22, 4, 4))[0],
        }
        members.append(p)
        return p

    head_male = rng.random() < 0.55
    head = person(60, 92, head_male, "head") if elderly_head else person(30, 59, head_male, "head")
    if size >= 2:
        person(60 if elderly_head else 28, 90 if elderly_head else 58, not head_male, "spouse")
    children, elders = [], []
    for _ in range(size - 2):
        relation = "grandchild" if elderly_head else "child"
        child = person(1, 15, rng.random() < 0.52, relation, adult_phone=False)
        if elderly_head and rng.random() < 0.75:
            children.append(_child_profile(rng, child, head, today))
    for p in members:
        age = today.year - int(p["birth_date"][:4])
        if age >= 60 and rng.random() < (0.6 if size == 1 else 0.25):
            elders.append(_elder_profile(rng, p, size, today))
    return {"household": {"id": hh_id, "village_id": village["id"], "head_name": head["name"], "address": address,
                          "phone": head["phone"]}, "members": members, "children": children, "elders": elders}


def _child_profile(rng: random.Random, child: dict[str, Any], guardian: dict[str, Any], today: dt.date) -> dict[str, Any]:
    risk = rng.choices(("low", "medium", "high"), (70, 24, 6))[0]
    entered = _entered(rng, today, child["birth_date"], 1)
    profile = {
        "id": new_id(), "person_id": child["id"], "entered_on": entered.isoformat(),
        "category": rng.choices(("left_behind", "in_difficulty"), (85, 15))[0],
        "school": f"前甸镇中心{'小学' if today.year - int(child['birth_date'][:4]) < 12 else '中学'}",
        "parents_situation": rng.choices(("both_away", "father_away", "mother_away"), (70, 20, 10))[0],
        "father_whereabouts": rng.choice(_CITIES), "father_phone": _phone(rng),
        "mother_whereabouts": rng.choice(_CITIES), "mother_phone": _phone(rng),
        "guardian_person_id": guardian["id"], "guardian_name": guardian["name"], "guardian_relation": "祖父母",
        "guardian_phone": guardian["phone"], "guardian_ability": rng.choices(("good", "average", "poor"), (60, 30, 10))[0],
        "risk_level": risk, "risk_reason": "祖辈年迈，照料能力有限" if risk != "low" else None, "status": "active",
    }
    agreement = None
    if rng.random() < 0.92:  # signed within weeks of coming onto the roll, for one or two years
        signed = min(today, entered + dt.timedelta(days=rng.randrange(0, 45)))
        agreement = {"id": new_id(), "child_profile_id": profile["id"], "guardian_name": child["name"][:1] + "父",
                     "caregiver_name": guardian["name"], "signed_date": signed.isoformat(),
                     "expiry_date": (signed + dt.timedelta(days=rng.choice((365, 730)) - 1)).isoformat()}
    return {"person": child, "profile": profile, "agreement": agreement, "risk": risk}


def _elder_profile(rng: random.Random, elder: dict[str, Any], household_size: int, today: dt.date
                   ) -> dict[str, Any]:
    categories = ["alone"] if household_size == 1 else ["empty_nest"]
    if rng.random() < 0.2:
        categories.append("disabled")
    if rng.random() < 0.05:
        categories.append("family_planning")
    risk = rng.choices(("low", "medium", "high"), (60, 30, 10))[0]
    profile = {
        "id": new_id(), "person_id": elder["id"], "categories": categories,
        "living_arrangement": "独居" if household_size == 1 else "与配偶同住",
        "ability_level": "partial" if "disabled" in categories else "self_care",
        "health_note": rng.choice(_ELDER_HEALTH),
        "dependants": f"{_name(rng, True)}（儿子，在{rng.choice(_CITIES)}务工）" if rng.random() < 0.7 else None,
        "contacts": [{"name": _name(rng, rng.random() < 0.5), "relation": relation, "phone": _phone(rng)}
                     for relation in (("子女", "村干部") if rng.random() < 0.4 else ("子女",))],
        "benefits": [b for b, p in (("dibao", 0.2), ("gaoling", 0.3), ("huli", 0.1)) if rng.random() < p],
        "risk_level": risk, "risk_reason": "独居高龄，冬季取暖存在隐患" if risk == "high" else None, "status": "active",
        "entered_on": _entered(rng, today, elder["birth_date"], elder_rules.ELDER_AGE).isoformat(),
    }
    left = _left(rng, today, profile["entered_on"], 0.05)
    if left:
        profile.update(status="exited", exit_reason=rng.choice(_ELDER_EXITS), exited_on=left.isoformat())
    return {"person": elder, "profile": profile, "risk": risk}


_CHILD_PROBLEMS = (
    ("祖母腿脚不便，上下学接送困难。", "联系学校安排同村家长结伴接送。"),
    ("儿童学习成绩下滑，作业无人辅导。", "与班主任沟通，安排课后托管辅导。"),
    ("儿童情绪低落，想念父母。", "联系父母每周视频通话，转介学校心理老师。"),
    ("家中电线老化，存在用电隐患。", "联系村委会安排电工检修。"),
)
_CAREGIVER_SERVICES = ("困境儿童基本生活补贴", "学校课后托管", "“童伴妈妈”结对关爱", "假期防溺水安全教育")


def _enrich_child(rng: random.Random, today: dt.date, child: dict[str, Any]) -> None:
    """Sub-types for children in difficulty, the caregiver and the agreement's parties, services,
    and a few children who left the roll when their parents came home."""
    profile, person = child["profile"], child["person"]
    if profile["category"] == "in_difficulty":
        profile["sub_type"] = rng.choices(("unsupported", "ill_disabled", "poor"), (30, 20, 50))[0]
        profile["services"] = rng.choice(_CAREGIVER_SERVICES)
    surname = person["name"][:2] if person["name"].startswith("欧阳") else person["name"][:1]
    father = surname + rng.choice(_MALE_CHARS) + rng.choice(_MALE_CHARS)
    profile.update(caregiver_name=profile["guardian_name"], caregiver_relation=profile["guardian_relation"],
                   caregiver_phone=profile["guardian_phone"], caregiver_person_id=profile["guardian_person_id"])
    if child["agreement"]:
        child["agreement"].update(guardian_name=father, guardian_relation="父亲", guardian_phone=profile["father_phone"],
                                  caregiver_relation=profile["guardian_relation"],
                                  caregiver_phone=profile["guardian_phone"], caregiver_address=person["address"])
    left = _left(rng, today, profile["entered_on"], 0.05)
    if left:
        profile.update(status="exited", exit_reason="父母返乡", exited_on=left.isoformat())


@lru_cache(maxsize=1)
def _child_rule() -> elder_rules.FrequencyRule:
    text = resource("reference", f"{child_rules.FREQUENCY_KEY}.json").read_text(encoding="utf-8")
    return elder_rules.FrequencyRule.from_value(json.loads(text))


def _child_visits(rng: random.Random, today: dt.date, child: dict[str, Any]) -> list[dict[str, Any]]:
    """Visits as the shipped child rule asks, from the child's first weeks on the roll until they
    left it, mostly at home, some by phone or at school; now and then a problem found, with what
    was done."""
    rule, profile = _child_rule(), child["profile"]
    last = dt.date.fromisoformat(profile["exited_on"]) if profile.get("exited_on") else today
    visits = []
    day = min(today, dt.date.fromisoformat(profile["entered_on"]) + dt.timedelta(days=rng.randrange(0, 20)))
    while day <= last:
        method = rng.choices(("home", "phone", "school"), (70, 20, 10))[0]
        problem = rng.choice(_CHILD_PROBLEMS) if rng.random() < 0.06 else None
        checks = [c for c, _ in entities.CHILD_CHECKS] if method != "phone" else ["guardianship", "mental", "needs"]
        due = child_rules.next_due(rule, day, profile, problems_found=problem is not None)
        visits.append({
            "id": new_id(), "program": "child", "person_id": child["person"]["id"], "visit_date": day.isoformat(),
            "visitor": rng.choice(_VISITORS), "method": method, "seen_in_person": 1 if method != "phone" else 0,
            "checks": checks, "findings": rng.choice(_CHILD_FINDINGS),
            "problems": problem[0] if problem else None, "actions": problem[1] if problem else None,
            "next_due": due.isoformat(),
        })
        day = due + dt.timedelta(days=rng.randrange(-10, 4))
    return visits


_REPORT_SOURCES = (("学校老师", "孩子连续三天未到校，联系不上监护人。"), ("邻居", "孩子晚上独自在家，家中无成年人。"),
                   ("村儿童主任", "孩子身上有多处淤青，说是被照护人打的。"), ("卫生院", "孩子营养不良，体重明显偏轻。"))


@dataclass(frozen=True)
class ReportHistory:
    """A protection case as the demo's people worked it: the mandatory report, then each later step
    (step, done_at, actor_name, note) in order; the store replays it through the chain."""

    report: dict[str, Any]
    steps: list[dict[str, Any]]


def _protection(rng: random.Random, today: dt.date,
                reported: list[dict[str, Any]]) -> Iterator[tuple[str, list[ReportHistory]]]:
    """Protection cases at every stage of the chain, their steps at times within the shipped limits
    (one answered late), and the latest still open: one of them past its limit today."""
    limits = json.loads(resource("reference", f"{child_rules.LIMITS_KEY}.json").read_text(encoding="utf-8"))
    histories = []
    for n, child in enumerate(reported):
        source, description = rng.choice(_REPORT_SOURCES)
        urgency = rng.choices(("normal", "urgent", "critical"), (60, 30, 10))[0]
        last = n == len(reported) - 1
        at = dt.datetime.combine(today, dt.time(9)) - (dt.timedelta(hours=30) if last else
                                                      dt.timedelta(days=rng.randrange(20, 300)))
        report = {"id": new_id(), "person_id": child["person"]["id"], "source": source, "reporter": source,
                  "reported_at": child_rules.format_time(at), "urgency": urgency, "description": description}
        # Older cases ran to their end; one waits at its plan (no limit there), the newest is late.
        path = [] if last else ["response", "assessment", "plan"] if n == 1 else \
            ["response", "assessment", "plan", "intervention", "closed"]
        if "intervention" in path and rng.random() < 0.7:
            path.remove("intervention")
        stage, reached = "reported", at
        steps = []
        for step in path:
            due = child_rules.step_due(limits, stage, reached, urgency)
            late = n == 0 and step == "response"
            spent = due - reached if due else dt.timedelta(days=rng.randrange(5, 40))
            reached = reached + spent * (1.3 if late else rng.uniform(0.2, 0.9))
            reached = reached.replace(second=0, microsecond=0)
            if reached.date() >= today:  # not got that far yet
                break
            steps.append({"step": step, "done_at": child_rules.format_time(reached),
                          "actor_name": rng.choice(_VISITORS), "note": _STEP_NOTES[step]})
            stage = step
        histories.append(ReportHistory(report, steps))
    if histories:
        yield "child_report", histories


_STEP_NOTES = {
    "response": "已入户核实，儿童由邻居临时照看，联系派出所和学校。",
    "assessment": "会同学校、村委会评估：监护人照料能力不足，儿童安全有隐患。",
    "plan": "制定帮扶方案：落实临时照护人，申请困境儿童补贴，每两周走访一次。",
    "intervention": "监护人拒不履行监护职责，报县民政局申请监护干预。",
    "closed": "儿童生活安全有保障，监护人履行监护职责，结案。",
}


@lru_cache(maxsize=1)
def _shipped_rule() -> elder_rules.FrequencyRule:
    text = resource("reference", f"{elder_rules.FREQUENCY_KEY}.json").read_text(encoding="utf-8")
    return elder_rules.FrequencyRule.from_value(json.loads(text))


def _elder_visits(rng: random.Random, today: dt.date, elder: dict[str, Any]) -> list[dict[str, Any]]:
    """Rounds as the shipped rule asks from the person's first days on the roster until they left
    it, each next visit near its due date (a few late): winter hazards now and then, phone calls
    that did not see the person, rare relief referrals."""
    rule = _shipped_rule()
    profile = elder["profile"]
    categories, risk = profile["categories"], profile["risk_level"]
    last = dt.date.fromisoformat(profile["exited_on"]) if profile.get("exited_on") else today
    visits = []
    day = min(today, dt.date.fromisoformat(profile["entered_on"]) + dt.timedelta(days=rng.randrange(0, 10)))
    while day <= last:
        winter = day.month in (11, 12, 1, 2, 3)
        hazards = [code for code, cold, warm in _HAZARD_ODDS if rng.random() < (cold if winter else warm)]
        method = rng.choices(("home", "phone"), (85, 15))[0]
        seen = method == "home"
        relief = rng.random() < 0.003
        visits.append({
            "id": new_id(), "program": "elder", "person_id": elder["person"]["id"], "visit_date": day.isoformat(),
            "visitor": rng.choice(_VISITORS), "method": method, "seen_in_person": int(seen),
            "living_conditions": rng.choice(_ELDER_LIVING), "health_note": rng.choice(_ELDER_HEALTH),
            "mental_state": rng.choices(("good", "fair", "low"), (70, 25, 5))[0], "hazards": hazards,
            "findings": rng.choice(_ELDER_FINDINGS), "services": rng.choice(_ELDER_SERVICES) if seen else None,
            "needs": "冬季取暖费用有困难" if relief else None,
            "referral": "relief" if relief else None,
            "referral_note": "医疗支出大，冬季取暖费用无着落，建议申请临时救助" if relief else None,
            "follow_up": "三日内复查隐患" if hazards else ("尽快入户当面看望" if not seen else None),
            "next_due": elder_rules.next_due(rule, day, categories, risk, hazards=hazards,
                                             seen_in_person=seen).isoformat(),
        })
        due = dt.date.fromisoformat(visits[-1]["next_due"])
        day = due + dt.timedelta(days=rng.choices((-2, -1, 0, 1, 3, 8), (15, 25, 30, 15, 10, 5))[0])
        day = max(day, dt.date.fromisoformat(visits[-1]["visit_date"]) + dt.timedelta(days=1))
    return visits


# -- temporary relief ----------------------------------------------------------------------------

_HARDSHIPS = {
    "emergency": (
        ("夜间房屋失火，衣物被褥和存粮烧毁，一家人暂住亲属家", "本村"),
        ("暴雪压塌仓房和院墙，取暖用煤被埋，家中断炊", "本村"),
        ("家中主要劳动力外出务工途中遭遇车祸，住院抢救", "抚顺市中心医院"),
        ("汛期房屋进水，家具和口粮受损", "本村"),
        ("独居老人煤气中毒入院，无人照料，急需生活费", "抚顺市第二医院"),
    ),
    "expenditure": (
        ("患尿毒症需长期透析，医保报销后自付部分超出家庭承受能力", "抚顺市中心医院"),
        ("子女考入大学，一次性缴纳学费住宿费困难", "本村"),
        ("罹患癌症住院化疗，自付医疗费用较高，家庭收入微薄", "中国医科大学附属第一医院"),
        ("儿童罹患白血病，异地就医费用支出大", "沈阳市儿童医院"),
    ),
}
_HEAD_NAME = "王站长"
_APPROVER_NAME = "李副镇长"  # the township's leader in charge: decides within the township's authority
_COUNTY_NAME = "顺城区民政局"


class DemoStep(NamedTuple):
    action: str
    reason: str | None
    amount: int | None  # fen
    by: str  # the name the step is written in
    role: str  # the role that takes it (the county's decisions arrive through sync)
    day: dt.date


@dataclass(frozen=True)
class CaseHistory:
    """A relief case as the demo's people worked it: the application, then each step in order,
    and the reserve-fund repayments made once it was paid (the store replays it through the
    workflow, so demo cases obey the same rules as real ones)."""

    application: dict[str, Any]
    steps: list[DemoStep]
    repayments: list[dict[str, Any]]
    intake: dict[str, Any] | None = None  # the report the case came from (主动发现)
    expenditure: demo_assistance.Expenditure | None = None  # a 支出型 case's income, expenses and means check


def _relief(rng: random.Random, today: dt.date, people: int,
            applicants: list[tuple[dict[str, Any], int]]) -> Iterator[tuple[str, list[Any]]]:
    """The reserve fund's top-up at the start (about 2 yuan per resident, Fushun's plan), then the
    relief cases' histories (register → verify → submit → approve or refer → pay → close, some
    with an advance, some refused or withdrawn, a few still open; 支出型 ones with their expenses,
    means check, village review and notice)."""
    shipped = {key: json.loads(resource("reference", f"{key}.json").read_text(encoding="utf-8"))
               for key in relief.Rules.KEYS}
    rules = relief.Rules(*(shipped[key] for key in relief.Rules.KEYS))
    topup = max(2000000, people * 10 * 200 // 100000 * 100000)  # residents ≈ 10 × those registered
    histories = [_relief_case(rng, today, person, size, rules) for person, size in applicants]
    histories.sort(key=lambda h: h.application["applied_on"])  # registered, and numbered, in the order applied for
    if histories:  # topped up at the start of each of the two years
        yield "reserve_fund_entry", [
            {"id": new_id(), "kind": "topup", "amount": topup, "reason": "镇财政按常住人口每人2元拨入临时救助备用金",
             "entry_date": (today - dt.timedelta(days=days)).isoformat()} for days in (HISTORY_DAYS, HISTORY_DAYS // 2)]
        yield "relief_case", histories


def _relief_case(rng: random.Random, today: dt.date, person: dict[str, Any], size: int,
                 rules: relief.Rules) -> CaseHistory:
    """One case with its steps and repayments, as the workflow would have them."""
    case_type = rng.choices(("emergency", "expenditure"), (60, 40))[0]
    tier = rng.choices((1, 2, 3), (45, 40, 15))[0]
    reason, place = rng.choice(_HARDSHIPS[case_type])
    outcome = rng.choices(("closed", "paid", "rejected", "withdrawn", "open", "overdue"), (62, 10, 8, 4, 12, 4))[0]
    age = {"open": rng.randrange(1, 5), "overdue": rng.randrange(12, 20)}.get(outcome, rng.randrange(20, HISTORY_DAYS))
    day = today - dt.timedelta(days=age)
    application = {
        "id": new_id(), "person_id": person["id"], "household_id": person["household_id"], "case_type": case_type,
        "tier": tier, "household_size": size, "reason": reason, "incident_place": place, "applied_on": day.isoformat()}
    spent = demo_assistance.expenditure(rng, day, today, size, outcome != "open" or rng.random() < 0.5) \
        if case_type == "expenditure" else None
    if spent is not None:
        application["household_income"] = spent.income
    # Demo villages are villagers' committees (codes 2xx): the rural standard applies.
    found = relief.suggestion(rules, {**application, "standard_area": "rural"}, STATION["admin_code"],
                              spent.expenses if spent else [])
    suggested = found.amount if found else 0
    worker = rng.choice(_VISITORS)
    history = [DemoStep("register", reason, None, worker, roles.WORKER, day)]
    repayments: list[dict[str, Any]] = []
    advance = proposed = 0
    notice_ends: dt.date | None = None

    def later() -> dt.date:
        return min(today, day + dt.timedelta(days=rng.randrange(1, 3)))

    if case_type == "emergency" and (outcome == "overdue" or rng.random() < 0.3):
        advance = rng.choice((50000, 80000, 100000, 150000, 200000))
        history.append(DemoStep("advance", "情况紧急，先行救助解决基本生活", advance, worker, roles.WORKER, day))
    for action in _relief_path(rng, outcome, case_type):
        day = later()
        step = DemoStep(action, None, None, worker, roles.WORKER, day)
        if action == "village_review":
            step = step._replace(reason="村民代表会议评议，一致同意申请")
        elif action == "notice":
            step = step._replace(reason="在村务公开栏公示")
            notice_ends = day + dt.timedelta(days=int(rules.publicity["notice_days"]))
        elif action == "submit":
            proposed = max(suggested, advance)
            step = step._replace(amount=proposed, reason="已先行救助的金额高于按标准计算的金额，按实际支出申报"
                                 if proposed != suggested else None)
        elif action in ("approve", "reject") and notice_ends and notice_ends > today:
            break  # still on notice: the township decides once it has run its days
        elif action == "approve" and relief.level_for(proposed, rules.authority) == "county":
            day = max(day, notice_ends or day)
            history.append(DemoStep("refer", "超出乡镇审批权限，报县审批", None, _APPROVER_NAME, roles.APPROVER, day))
            day = later()  # what follows (the payment) comes after the county's decision
            step = DemoStep("county_approve", "同意救助", proposed, _COUNTY_NAME, roles.COUNTY, day)
        elif action == "approve":
            day = max(day, notice_ends or day)
            step = DemoStep("approve", "经调查核实情况属实，同意救助", proposed, _APPROVER_NAME, roles.APPROVER, day)
        elif action == "reject":
            step = step._replace(reason="家庭人均收入高于当地救助标准，不予救助", by=_APPROVER_NAME, role=roles.APPROVER)
        elif action == "withdraw":
            step = step._replace(reason="申请人已获亲属资助，主动撤回申请")
        elif action == "pay" and advance:
            repayments.append({"id": new_id(), "kind": "repayment", "amount": advance, "relief_case_id": application["id"],
                               "reason": f"{person['name']}案审批后以救助资金归还先行救助", "entry_date": day.isoformat()})
        history.append(step)
    intake = demo_assistance.relief_intake(rng, person, reason, history[0].day) \
        if case_type == "emergency" and rng.random() < 0.25 else None
    return CaseHistory(application, history, repayments, intake, spent)


def _relief_path(rng: random.Random, outcome: str, case_type: str) -> list[str]:
    if outcome == "open":
        path = rng.choice(([], ["verify"], ["verify", "submit"]))
    elif outcome == "overdue":
        path = ["verify"]
    elif outcome == "rejected":
        path = ["verify", "reject"]
    elif outcome == "withdrawn":
        path = ["withdraw"]
    else:
        path = ["verify", "submit", "approve", "pay"] + (["close"] if outcome == "closed" else [])
    # The shipped rule has 支出型 cases reviewed by the village and put on notice before the township decides.
    if case_type == "expenditure" and "submit" in path:
        path[1:1] = ["village_review", "notice"]
    return path
