"""The 待办提醒 list, the 统计 figures and the 同步 page, on small datasets whose answers are known."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402

from station_app.store import children, due, elder_rounds, outbox_status, statistics  # noqa: E402
from station_app.store.people import PersonFilter  # noqa: E402
from station_app.ui.due_page import DuePage  # noqa: E402
from station_app.ui.stats_page import StatsPage  # noqa: E402
from station_app.ui.sync_page import SyncPage  # noqa: E402
from tests.helpers import count  # noqa: E402
from tests.ui_helpers import column_texts, wait_for_list  # noqa: E402

pytest_plugins = ["tests.ui_fixtures"]

TODAY = dt.date.today()
ENTERED = "2025-01-01"  # on the rolls since before every day these tests count on


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


class Station:
    """Writes people, profiles and visits through the store, as the app would."""

    def __init__(self, store, village) -> None:
        self.store, self.village = store, village

    def person(self, name: str, birth: str = "1950-05-05", village_id: str | None = "default") -> dict:
        village_id = self.village["id"] if village_id == "default" else village_id
        return self.store.create("person", {"name": name, "gender": "F", "birth_date": birth, "village_id": village_id})

    def child(self, name: str, category: str = "left_behind", status: str = "active", entered: str = ENTERED,
              **person) -> dict:
        p = self.person(name, birth="2016-06-01", **person)
        self.store.create("child_profile", {"person_id": p["id"], "category": category, "status": status,
                                            "exit_reason": "随父母迁出" if status == "exited" else None,
                                            "entered_on": entered,
                                            "exited_on": "2025-06-01" if status == "exited" else None,
                                            "risk_level": "high" if name.endswith("高") else "low"})
        return p

    def elder(self, name: str, categories=("alone",), entered: str = ENTERED, **person) -> dict:
        p = self.person(name, **person)
        self.store.create("elder_profile", {"person_id": p["id"], "categories": list(categories), "status": "active",
                                            "entered_on": entered})
        return p

    def visit(self, person: dict, program: str, visit_date: str, next_due: str | None) -> dict:
        return self.store.create("visit", {"program": program, "person_id": person["id"], "visit_date": visit_date,
                                           "visitor": "刘晓梅", "method": "home", "next_due": next_due})


@pytest.fixture
def station(store, village) -> Station:
    return Station(store, village)


@pytest.fixture
def rounds(station: Station, store) -> dict[str, dict]:
    """Who is due, with the answer known: B 12 days overdue, A 3, G 1, E due today (never visited),
    C in 3 days; D, F, H and K are not due."""
    a = station.child("安A")
    station.visit(a, "child", day(-40), day(-10))
    station.visit(a, "child", day(-5), day(-3))  # the latest visit decides
    b = station.elder("白B")
    station.visit(b, "elder", day(-20), day(-12))
    c = station.child("曹C高")
    station.visit(c, "child", day(-4), day(3))
    d = station.elder("丁D")
    station.visit(d, "elder", day(-60), day(-30))
    station.visit(d, "elder", day(-1), day(30))  # visited since: no longer due
    e = station.child("鄂E", entered=day(0))  # entered today, never visited: due now
    f = station.child("范F", status="exited")
    station.visit(f, "child", day(-50), day(-20))  # left the program: not due
    g = station.child("葛G")
    station.visit(g, "child", day(-8), day(-1))
    latest = station.visit(g, "child", day(-2), day(50))
    store.delete("visit", latest["id"], latest["rev"])  # a deleted visit does not count
    h = station.elder("胡H")
    station.visit(h, "elder", day(-3), None)  # no next visit planned
    k = station.child("孔K")
    station.visit(k, "child", day(-3), day(due.HORIZON_DAYS + 1))  # beyond the week ahead
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": f, "G": g, "H": h, "K": k}


def test_due_list_is_most_overdue_first_from_each_persons_latest_visit(database, rounds):
    keys = due.due_keys(database, TODAY)
    names = {p["id"]: label for label, p in rounds.items()}
    assert [names[k.person_id] for k in keys] == ["B", "A", "G", "E", "C"]
    assert [k.days_overdue(TODAY) for k in keys] == [12, 3, 1, 0, -3]
    assert {k.program for k in keys} == {"child", "elder"}


def test_never_visited_is_due_since_the_day_they_entered_the_roll_not_since_typed_in(database, station):
    """A child and an elder put on their rolls weeks ago and typed in today, never visited: the due
    list and both lists' overdue filters count from their 纳入日期."""
    child = station.child("迟录童", entered=day(-30))
    elder = station.elder("迟录老", entered=day(-12))
    keys = {k.person_id: k for k in due.due_keys(database, TODAY)}
    assert keys[child["id"]].days_overdue(TODAY) == 30
    assert keys[elder["id"]].days_overdue(TODAY) == 12
    profile = "SELECT id FROM {} WHERE person_id = ?"
    assert children.child_ids(database, PersonFilter(), overdue_on=TODAY) == [
        database.scalar(profile.format("child_profile"), [child["id"]])]
    assert elder_rounds.elder_ids(database, PersonFilter(), overdue_on=TODAY) == [
        database.scalar(profile.format("elder_profile"), [elder["id"]])]


def test_among_people_due_the_same_day_high_risk_comes_first(database, station):
    low, high = station.child("艾低"), station.child("赵高")  # 艾 sorts before 赵 by name
    for child in (low, high):
        station.visit(child, "child", day(-7), day(-2))
    assert [k.person_id for k in due.due_keys(database, TODAY)] == [high["id"], low["id"]]


def test_due_list_filters_by_search_and_village(database, station, rounds, store):
    other = store.create("village", {"code": "210411101202", "name": "关岭村"})
    far = station.elder("白老五", village_id=other["id"])
    assert [k.person_id for k in due.due_keys(database, TODAY, village_id=other["id"])] == [far["id"]]
    assert {k.person_id for k in due.due_keys(database, TODAY, text="白")} == {rounds["B"]["id"], far["id"]}
    assert due.due_keys(database, TODAY, text="没有这个人") == []


def test_due_rows_say_who_where_and_when_last_visited(database, rounds):
    keys = due.due_keys(database, TODAY)
    rows = due.due_rows(database, keys)
    first, never = rows[keys[0]], rows[keys[3]]
    assert (first["name"], first["village_name"], first["program"]) == ("白B", "前甸村", "elder")
    assert (first["last_visit"], first["due"], first["last_visitor"]) == (day(-20), day(-12), "刘晓梅")
    assert never["name"] == "鄂E" and never["last_visit"] is None


def test_due_page_shows_the_list_with_overdue_days(qtbot, session, rounds):
    page = DuePage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    assert column_texts(page.model, "姓名") == ["白B", "安A", "葛G", "鄂E", "曹C高"]
    assert column_texts(page.model, "状态") == ["逾期 12 天", "逾期 3 天", "逾期 1 天", "今天到期", "3 天后到期"]
    assert column_texts(page.model, "上次走访")[3] == "尚未走访"
    assert column_texts(page.model, "风险")[4] == "高"
    assert page.summary.text().startswith("逾期 3 人次 · 今天到期 1 人次 · 7天内到期 1 人次")
    assert page.filter_bar.count.text() == "共 5 人次"


# -- statistics ------------------------------------------------------------------------------

STATS_DAY = dt.date(2026, 3, 1)


@pytest.fixture
def figures_data(station: Station, store) -> None:
    """Five people in two villages and none, ages on both sides of band edges, programs, visits."""
    far = store.create("village", {"code": "210411101202", "name": "关岭村"})
    station.person("六岁整", birth="2020-03-01")  # sixth birthday on STATS_DAY: 6–17
    station.person("差一天六岁", birth="2020-03-02")  # 0–5
    station.person("八十整", birth="1946-03-01", village_id=far["id"])  # 80+
    station.person("七十九", birth="1946-03-02", village_id=None)  # 70–79
    station.child("留守甲")  # born 2016: 6–17
    station.child("留守乙", village_id=None)
    station.child("困境丙", category="in_difficulty")
    station.child("已退出丁", status="exited")
    alone_disabled = station.elder("独居失能", categories=("alone", "disabled"))
    station.elder("空巢", categories=("empty_nest",))
    station.visit(alone_disabled, "elder", "2026-03-01", None)
    station.visit(alone_disabled, "elder", "2025-04-01", None)  # first day of the 12 months
    station.visit(alone_disabled, "elder", "2025-03-31", None)  # a day too early
    kid = station.child("走访对象")
    station.visit(kid, "child", "2026-02-15", None)
    gone = station.visit(kid, "child", "2026-02-16", None)
    store.delete("visit", gone["id"], gone["rev"])


def test_station_figures_on_a_known_dataset(database, figures_data):
    figures = statistics.station_figures(database, today=STATS_DAY)
    assert figures.people_total == 11
    assert figures.people_by_village == [("前甸村", 8), ("关岭村", 1), ("未填村（社区）", 2)]
    assert dict(figures.age_bands) == {"0–5": 1, "6–17": 6, "18–44": 0, "45–59": 0, "60–69": 0,
                                       "70–79": 3, "80+": 1}
    assert figures.children_by_category == [("农村留守儿童", 3), ("困境儿童", 1)]
    assert dict(figures.elders_by_category) == {"独居": 1, "空巢": 1, "留守": 0, "失能/半失能": 1, "重残": 0,
                                                "计划生育特殊家庭": 0}
    assert figures.months[0] == "2025-04" and figures.months[-1] == "2026-03" and len(figures.months) == 12
    visits = figures.visits_by_month
    assert visits["老年人探访"][0] == 1 and visits["老年人探访"][-1] == 1 and sum(visits["老年人探访"]) == 2
    # The visit deleted today still counts for February: a deletion changes figures from its day on.
    assert visits["留守儿童"][figures.months.index("2026-02")] == 2 and sum(visits["留守儿童"]) == 2
    later = statistics.visits_by_month(database, [f"{TODAY:%Y-%m}"])
    assert later["留守儿童"] == [0]


def test_months_run_across_the_new_year():
    assert statistics.last_months(dt.date(2026, 2, 10), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_stats_page_draws_the_figures(qtbot, session, figures_data):
    page = StatsPage(session)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10000)
    villages = page.chart("villages").series()[0].barSets()[0]
    # Horizontal bars run bottom-up, so the chart holds the list reversed to read top-down.
    assert [villages.at(i) for i in range(villages.count())] == [2.0, 1.0, 8.0]
    pie = page.chart("children").series()[0]
    assert [s.value() for s in pie.slices()] == [3.0, 1.0]
    assert {s.label() for s in page.chart("visits").series()[0].barSets()} == {"留守儿童", "老年人探访", "特困照料"}
    assert "在册人员 11 人" in page.summary.text()
    # The 月报's 救助保障对象 lines as of today, one bar each (people and households apart).
    statuses = page.chart("statuses").series()[0].barSets()[0]
    assert statuses.count() == len(page.figures.statuses) > 0
    assert sorted(statuses.at(i) for i in range(statuses.count())) == sorted(f.value for f in page.figures.statuses)


# -- the outbox ------------------------------------------------------------------------------


def test_sync_page_tells_what_waits_and_since_when(qtbot, session, village):
    session.store.create("person", {"name": "张三", "gender": "M", "birth_date": "1949-12-31"})
    waiting = count(session.database, "outbox")
    summary = outbox_status.pending_summary(session.database)
    assert summary.count == waiting and summary.oldest_at is not None
    page = SyncPage(session)
    qtbot.addWidget(page)
    wait_for_list(qtbot, page.model)
    assert page.summary.text() == f"{waiting} 条变更待同步（未登记县服务器）"
    assert page.model.rowCount() == waiting
    assert column_texts(page.model, "记录")[0] == "张三"  # newest first
    assert column_texts(page.model, "类型")[:2] == ["人员", "村（社区）"]
    assert column_texts(page.model, "操作")[0] == "新增"


def test_the_due_index_the_writes_keep_is_what_the_records_say(database, store, demo_people):
    """What every write of profiles and visits left in the index equals the index computed afresh
    from the records (migration 11's fill), after creates, a deleted visit, a departure, a risk change."""
    from station_app.store import migrations

    elder = database.query("SELECT * FROM elder_profile WHERE deleted = 0 AND status = 'active' LIMIT 2")
    store.update("elder_profile", elder[0]["id"], {"status": "exited", "exit_reason": "迁出"}, elder[0]["rev"])
    store.update("elder_profile", elder[1]["id"], {"risk_level": "high"}, elder[1]["rev"])
    kept = database.query("SELECT * FROM due_index ORDER BY kind, person_id")
    fill = next(m for m in migrations.available() if m.version == 11).statements[-1]
    with database.transaction() as conn:
        conn.execute("DELETE FROM due_index")
        conn.execute(fill)
    assert kept == database.query("SELECT * FROM due_index ORDER BY kind, person_id") and len(kept) > 30


def test_a_first_screen_of_the_due_list_is_the_head_of_the_whole_list(database, demo_people):
    everyone = due.due_keys(database, TODAY)
    for limit in (1, 3, 6, 40):
        assert due.due_keys(database, TODAY, limit=limit) == everyone[:limit]
        assert due.due_keys(database, TODAY, program="elder", limit=limit) == \
            due.due_keys(database, TODAY, program="elder")[:limit]
