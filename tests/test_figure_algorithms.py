"""The figures' set-based queries against a plain per-person reckoning, over generated histories:
open follow-ups (each elder's latest visit), the visits a month's rule asks of each elder, and the
statistics page's visits per month."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.core import elder_rules
from station_app.core.entities import ELDER_CATEGORIES, HAZARDS, RISK_LEVELS
from station_app.store import elder_rounds, figures, monthly_report

BOUNDED = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
START = dt.date(2026, 8, 1)

visit_days = st.lists(st.tuples(st.integers(0, 90), st.booleans(), st.booleans(), st.booleans()),
                      max_size=4, unique_by=lambda v: v[0])  # (day, a hazard found, seen, deleted later)
elders = st.lists(st.tuples(st.sets(st.sampled_from([c for c, _ in ELDER_CATEGORIES]), min_size=1),
                            st.sampled_from([None, *(r for r, _ in RISK_LEVELS)]), st.booleans(), visit_days),
                  min_size=1, max_size=5)  # (categories, risk, still on the rounds, visits)


def write_elders(store, village, generated) -> None:
    for categories, risk, active, visits in generated:
        person = store.create("person", {"name": "测试老人", "gender": "F", "birth_date": "1940-02-03",
                                         "village_id": village["id"]})
        store.create("elder_profile", {"person_id": person["id"], "categories": sorted(categories), "risk_level": risk,
                                       "status": "active" if active else "exited", "entered_on": "2026-01-05",
                                       "exited_on": None if active else "2026-07-01",
                                       "exit_reason": None if active else "去世"})
        for day, hazard, seen, deleted in visits:
            visit = store.create("visit", {"program": "elder", "person_id": person["id"], "visitor": "刘晓梅",
                                           "visit_date": (START + dt.timedelta(days=day)).isoformat(),
                                           "method": "home", "seen_in_person": seen,
                                           "hazards": [HAZARDS[0][0]] if hazard else []})
            if deleted:
                store.delete("visit", visit["id"], visit["rev"])


@BOUNDED
@given(generated=elders)
def test_open_follow_ups_are_each_active_elders_latest_visit_that_left_one_open(store, village, database, generated):
    write_elders(store, village, generated)
    expected = set()
    for profile in database.query("SELECT person_id FROM elder_profile WHERE deleted = 0 AND status = 'active'"):
        latest = elder_rounds.person_visits(database, profile["person_id"])[:1]
        if latest and elder_rules.follow_up_reasons(latest[0]["hazards"], latest[0]["seen_in_person"]):
            expected.add(latest[0]["id"])
    assert {r["id"] for r in elder_rounds.open_follow_ups(database)} == expected
    assert elder_rounds.open_follow_up_count(database) == len(expected)


@BOUNDED
@given(generated=elders, month=st.sampled_from(["2026-08", "2026-09", "2026-10"]))
def test_the_visits_a_month_asks_of_each_elder_are_the_rules_for_that_elder(store, village, database, generated,
                                                                             month):
    write_elders(store, village, generated)
    start, _end = elder_rules.month_bounds(month)
    rule = elder_rounds.frequency_rule(database, start)
    roster = elder_rounds.month_roster(database, None, month, people=False)
    assert [r["required"] for r in roster] == [
        elder_rules.required_visits(rule, start, r["categories"], r["risk_level"]) for r in roster]


@BOUNDED
@given(generated=elders, months=st.lists(st.sampled_from(["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]),
                                         min_size=1, max_size=5))
def test_visits_per_month_in_one_pass_count_what_each_months_visits_list(store, village, database, generated, months):
    write_elders(store, village, generated)
    periods = [monthly_report.period(m) for m in months]
    assert figures.visit_counts(database, "elder", periods) == [
        len(figures.visits(database, "elder", *p)) for p in periods]
