"""Demo data for the station's own ledger: a child director in every village (one handed over to a
successor during the year), the township's supervisors and social workers, assistants and grid
workers; training sessions every two months with most of the network attending; volunteers and a
year of service activities with the people they served and the hours volunteers gave; care
agreements for the dispersed 特困 and for many elders living alone, with monthly care visits.

It has a random generator of its own, so the rest of the demo stays as it was. Plain dicts with
pre-assigned ids, in dependency order, like core.demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from stdnum.cn import ric

from station_app.core import ledger
from station_app.core.ids import new_id

Records = list[dict[str, Any]]

_SURNAMES = "王李张刘赵杨孙于陈徐马高郭吴周"
_GIVEN = "秀丽红梅玉华建国志强晓东海燕春兰桂芳丽娜伟刚明凤霞"
_SOCIAL_WORKERS = ("刘晓梅", "王建国", "张丽", "孙志强")  # the visitors of the demo's visits
_TRAININGS = (
    ("儿童关爱保护政策与强制报告制度", "顺城区民政局", "区民政局三楼会议室", ["child_director", "child_supervisor"]),
    ("留守儿童走访与信息系统录入实务", "顺城区民政局", "前甸镇政府会议室", ["child_director", "child_supervisor"]),
    ("特殊困难老年人探访关爱服务规范", "前甸镇社会工作服务站", "前甸镇政府会议室",
     ["social_worker", "assistant", "grid_worker"]),
    ("社会救助政策与主动发现机制", "顺城区民政局", "区民政局三楼会议室", ["social_worker", "assistant", "grid_worker"]),
    ("社会工作专业方法：个案与小组", "抚顺市社会工作协会", "前甸镇社会工作服务站", ["social_worker", "child_supervisor"]),
    ("冬季安全与应急处置", "前甸镇人民政府", "前甸镇政府会议室",
     ["child_director", "child_supervisor", "social_worker", "assistant", "grid_worker"]),
)
_ACTIVITIES = (
    ("group", "“童心港湾”周末课堂", "村儿童之家", "child"),
    ("group", "暑期防溺水安全教育", "村儿童之家", "child"),
    ("community", "重阳节敬老助老活动", "村委会", "elder"),
    ("community", "义诊和健康讲座", "村卫生室", "elder"),
    ("home", "入户为独居老人理发、打扫卫生", "", "elder"),
    ("home", "冬季入户检查取暖和用电安全", "", "elder"),
    ("referral", "转介医疗救助", "", "elder"),
)
_NOTES = ("活动有序开展，参与群众反映良好。", "志愿者分组入户，逐户登记需求。", "现场发放宣传材料，解答政策咨询。",
          "结合走访发现的问题开展，后续跟进。")
_CARER_RELATIONS = ("邻居", "侄子", "本村村民", "女儿", "外甥女")


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.6 else "")


def _phone(rng: random.Random) -> str:
    return rng.choice(("139", "138", "150", "186", "131")) + f"{rng.randrange(10**8):08d}"


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


class LedgerDemo:
    """Builds the ledger of a demo station; `note` sees each chunk of people as the demo makes it."""

    def __init__(self, rng: random.Random, today: dt.date, villages: Records) -> None:
        self.rng, self.today, self.villages = rng, today, villages
        self.people: Records = []  # a sample of the people, for the activities
        self.elders: Records = []  # (person, profile) of the elders on the roster
        self.staff = self._network()

    # -- the network -------------------------------------------------------------------------

    def _member(self, name: str, role: str, village: dict[str, Any] | None, entered: dt.date,
                exited: dt.date | None = None) -> dict[str, Any]:
        return {"id": new_id(), "name": name, "role": role, "village_id": village and village["id"],
                "phone": _phone(self.rng), "status": "exited" if exited else "active",
                "entered_on": entered.isoformat(), "exited_on": exited and exited.isoformat(),
                "exit_reason": "村“两委”换届" if exited else None}

    def _network(self) -> Records:
        rng, today = self.rng, self.today
        long_ago = today - dt.timedelta(days=3 * 365)
        staff = [self._member(n, "social_worker", None, _day(rng, long_ago, today - dt.timedelta(days=400)))
                 for n in _SOCIAL_WORKERS]
        staff.append(self._member(_name(rng), "child_supervisor", None, long_ago))
        for i, village in enumerate(self.villages):
            appointed = _day(rng, long_ago, today - dt.timedelta(days=500))
            if i == 1:  # handed over at the last election
                handover = today - dt.timedelta(days=240)
                staff.append(self._member(_name(rng), "child_director", village, appointed, handover))
                staff.append(self._member(_name(rng), "child_director", village, handover))
            else:
                staff.append(self._member(_name(rng), "child_director", village, appointed))
            if rng.random() < 0.5:
                staff.append(self._member(_name(rng), "assistant", village, appointed))
            if rng.random() < 0.3:
                staff.append(self._member(_name(rng), "grid_worker", village, _day(rng, appointed, today)))
        return staff

    def _in_post(self, day: dt.date, roles: list[str]) -> Records:
        iso = day.isoformat()
        return [s for s in self.staff if s["role"] in roles and s["entered_on"] <= iso
                and (s["exited_on"] is None or s["exited_on"] > iso)]

    # -- what the rest of the demo made ------------------------------------------------------------

    def note(self, people: Records, elders: Records) -> None:
        """See a chunk of people and elders: keep a sample, and make the elders who live alone with
        nobody bound to support them 特困 (the 特困 the care agreements are for)."""
        self.people += [p for p in people if self.rng.random() < 0.05][:400]
        for elder in elders:
            profile = elder["profile"]
            if "alone" in profile["categories"] and not profile.get("dependants"):
                profile["benefits"] = [b for b in profile["benefits"] if b != "dibao"] + ["tekun"]
            if profile["status"] == "active":
                self.elders.append(elder)

    # -- training, volunteers, activities, care ---------------------------------------------------

    def records(self) -> Iterator[tuple[str, Records]]:
        yield "staff", self.staff
        trainings, attendance = self._trainings()
        yield "training", trainings
        yield "training_attendance", attendance
        volunteers = self._volunteers()
        yield "volunteer", volunteers
        yield from self._activities(volunteers)
        agreements, visits = self._care()
        yield "care_agreement", agreements
        yield "visit", visits

    def _trainings(self) -> tuple[Records, Records]:
        rng, trainings, attendance = self.rng, [], []
        day = self.today - dt.timedelta(days=720)
        while day <= self.today - dt.timedelta(days=3):
            topic, organiser, place, roles = rng.choice(_TRAININGS)
            session = {"id": new_id(), "held_on": day.isoformat(), "topic": topic, "hours": rng.choice((20, 30, 40, 60)),
                       "organiser": organiser, "place": place, "roles": roles}
            trainings.append(session)
            attendance += [{"id": new_id(), "training_id": session["id"], "staff_id": s["id"]}
                           for s in self._in_post(day, roles) if rng.random() < 0.8]
            day += dt.timedelta(days=rng.randrange(45, 75))
        return trainings, attendance

    def _volunteers(self) -> Records:
        rng, used = self.rng, set()
        volunteers = []
        for _ in range(max(8, min(40, len(self.villages) * 2))):
            male = rng.random() < 0.4
            birth = dt.date(rng.randrange(1960, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
            body = f"210411{birth:%Y%m%d}{rng.randrange(0, 500) * 2 + (1 if male else 0):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number in used:
                continue
            used.add(number)
            volunteers.append({
                "id": new_id(), "name": _name(rng), "gender": "M" if male else "F", "id_number": number,
                "phone": _phone(rng), "village_id": rng.choice(self.villages)["id"],
                "organisation": rng.choice(("前甸镇巾帼志愿服务队", "前甸镇新时代文明实践志愿服务队", "前甸中学青年志愿者")),
                "skills": rng.choice(("理发", "家电维修", "陪伴聊天", "文艺演出", "健康咨询", None)), "status": "active",
                "entered_on": _day(rng, self.today - dt.timedelta(days=900), self.today - dt.timedelta(days=400)
                                   ).isoformat()})
        return volunteers

    def _activities(self, volunteers: Records) -> Iterator[tuple[str, Records]]:
        rng = self.rng
        activities, people, staff, service = [], [], [], []
        elders = [e["person"] for e in self.elders]
        for _ in range(min(150, 40 + len(self.people) * 5)):
            kind, title, place, who = rng.choice(_ACTIVITIES)
            village = rng.choice(self.villages)
            day = _day(rng, self.today - dt.timedelta(days=365), self.today)
            activity = {"id": new_id(), "held_on": day.isoformat(), "kind": kind, "title": title,
                        "place": f"{village['name']}{place}" if place else "", "village_id": village["id"],
                        "referred_to": "镇卫生院" if kind == "referral" else None,
                        "others_count": rng.choice((0, 0, 5, 8, 12, 20)) if kind in ("group", "community") else 0,
                        "notes": rng.choice(_NOTES),
                        "photos": "\n".join(f"{day:%Y%m%d}_{n}.jpg" for n in range(1, rng.randrange(1, 5)))}
            activities.append(activity)
            pool = elders if who == "elder" and elders else self.people
            for person in rng.sample(pool, min(len(pool), rng.randrange(1, 6 if kind in ("group", "community") else 2))):
                people.append({"id": new_id(), "activity_id": activity["id"], "person_id": person["id"]})
            crew = self._in_post(day, ["social_worker", "child_director"])
            for member in rng.sample(crew, min(len(crew), 1 + (rng.random() < 0.4))):
                staff.append({"id": new_id(), "activity_id": activity["id"], "staff_id": member["id"]})
            helpers = [v for v in volunteers if v["entered_on"] <= activity["held_on"]]
            for volunteer in rng.sample(helpers, min(len(helpers), rng.randrange(0, 5))):
                service.append({"id": new_id(), "activity_id": activity["id"], "volunteer_id": volunteer["id"],
                                "hours": rng.choice((10, 15, 20, 25, 30, 40))})
        yield "service_activity", activities
        yield "activity_participant", people
        yield "activity_staff", staff
        yield "volunteer_service", service

    def _care(self) -> tuple[Records, Records]:
        rng, agreements, visits = self.rng, [], []
        for elder in self.elders:
            profile = elder["profile"]
            tekun = "tekun" in profile["benefits"]
            alone = bool({"alone", "empty_nest", "left_behind"} & set(profile["categories"]))
            if not (tekun and rng.random() < 0.95 or alone and rng.random() < 0.7):
                continue
            signed = _day(rng, max(dt.date.fromisoformat(profile["entered_on"]), self.today - dt.timedelta(days=400)),
                          self.today)
            relation = rng.choice(_CARER_RELATIONS)
            agreements.append({
                "id": new_id(), "person_id": elder["person"]["id"], "carer_name": _name(rng), "carer_relation": relation,
                "carer_phone": _phone(rng), "carer_address": elder["person"]["address"],
                "duties": ledger.CARE_DUTIES, "fee": rng.choice((30000, 40000, 50000)) if tekun else None,
                "signed_on": signed.isoformat(),
                "expires_on": ledger.care_term_end(signed, {}).isoformat()})
            if tekun:
                visits += self._care_visits(elder["person"]["id"], signed)
        return agreements, visits

    def _care_visits(self, person_id: str, since: dt.date) -> Records:
        rng, out = self.rng, []
        day = since + dt.timedelta(days=rng.randrange(3, 20))
        while day <= self.today:
            out.append({"id": new_id(), "program": "care", "person_id": person_id, "visit_date": day.isoformat(),
                        "visitor": rng.choice(_SOCIAL_WORKERS), "method": "home", "seen_in_person": 1,
                        "living_conditions": rng.choice(("照料人每日送饭，屋内整洁温暖。", "照料人按时打扫，衣物干净。")),
                        "findings": rng.choice(("照料到位，老人满意。", "照料人外出两天，已提醒安排人代为照看。")),
                        "next_due": (day + dt.timedelta(days=30)).isoformat()})
            day += dt.timedelta(days=rng.randrange(26, 36))
        return out

