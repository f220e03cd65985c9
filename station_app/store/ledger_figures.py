"""The station ledger's figures, for the monthly report and the statistics page alike: training
participation per role, the care-agreement signing rates the Fuxin plan names, the service
activities held and the volunteers' hours. Each is counted by store.figures as of a day.

- **培训参与率** (per role, for the year of the day): of the staff of that role in post at the end
  of the day, those who attended at least one training session held from 1 January to that day.
- **照料服务协议签订率**: of the elders on the visiting roster at the end of the day who are 特困
  (dispersed: living at home; 特困 as held that day, store.figures.benefits_held), and of those
  living alone, empty-nest or left behind (the county's categories), those with a signed care
  agreement in force on that day.
- **服务活动 / 志愿服务时长**: activities held in the period, and the hours volunteers served at them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from station_app.core import ledger
from station_app.core.reports import HOURS, Figure
from station_app.store import figures as fig
from station_app.store import reference_data
from station_app.store.database import StationDatabase

SECTION = "社工站台账"
CARE_RATES = (("tekun", "分散供养特困人员照料服务协议签订率"), ("alone", "独居、空巢、留守老年人照料服务协议签订率"))


def training_rates(database: StationDatabase, day: dt.date) -> list[Figure]:
    """Training participation per role for the year of `day`, as of its end."""
    in_post = fig.staff_in_post(database, day)
    attended = fig.trained(database, day.replace(month=1, day=1), day, [r["id"] for r in in_post])
    out = []
    for code, label in ledger.STAFF_ROLES:
        ids = [r["id"] for r in in_post if r["role"] == code]
        done = tuple(i for i in ids if i in attended)
        out.append(Figure(SECTION, f"{label}培训参与率（{day.year}年）", len(done), "人", "staff", done, of=len(ids),
                          key=f"ledger.training.{code}"))
    return out


def care_rates(database: StationDatabase, day: dt.date, roster: fig.Rows | None = None,
               statuses: fig.Rows | None = None) -> list[Figure]:
    """The two signing rates of care agreements, as of the end of `day`; `roster` is the elders on
    the visiting roster then (store.figures.elders_on_roster) and `statuses` the assistance statuses
    (store.figures.statuses), when the caller has read them."""
    rules = reference_data.value(database, ledger.RULES_KEY, day)
    roster = fig.elders_on_roster(database, day) if roster is None else roster
    statuses = fig.statuses(database, day) if statuses is None else statuses
    roster = fig.benefits_held(statuses, day, roster)  # 特困 as a dated status says, where one is recorded
    groups = {"tekun": [r["person_id"] for r in roster if ledger.is_tekun(r)],
              "alone": [r["person_id"] for r in roster if ledger.lives_alone(r, rules)]}
    signed = fig.care_agreements_in_force(database, day)
    return [Figure(SECTION, label, len(done), "人", "person", done, of=len(groups[code]), key=f"ledger.care.{code}")
            for code, label in CARE_RATES for done in [tuple(p for p in groups[code] if p in signed)]]


def figures(database: StationDatabase, first: dt.date, last: dt.date, period: str = "本月", *,
            roster: fig.Rows | None = None, statuses: fig.Rows | None = None) -> list[Figure]:
    """Every ledger figure for the period from `first` to `last` (`period` names it: 本月, 本年);
    `roster` and `statuses` as for care_rates, at the end of `last`."""
    activities = fig.service_activities(database, first, last)
    hours = fig.volunteer_hours(database, first, last)
    return [
        *training_rates(database, last),
        *care_rates(database, last, roster, statuses),
        Figure(SECTION, f"{period}服务活动", len(activities), "次", "service_activity",
               tuple(r["id"] for r in activities), key="ledger.activities"),
        Figure(SECTION, f"{period}志愿服务时长", sum(r["hours"] for r in hours), HOURS, "volunteer_service",
               tuple(r["id"] for r in hours), key="ledger.volunteer_hours"),
    ]


def targets(database: StationDatabase, day: dt.date) -> dict[str, Any]:
    """The plans' targets in force on `day` (percent), by figure key prefix."""
    rules = reference_data.value(database, ledger.RULES_KEY, day)
    return {"ledger.training": rules.get("training_target", 100), "ledger.care.tekun": rules.get("care_target_tekun", 100),
            "ledger.care.alone": rules.get("care_target_alone", 80)}
