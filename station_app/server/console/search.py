"""查询: a person across every township by name, pinyin initials or ID number (masked), and a person's
page with what concerns them; opening it is logged, and so is showing the full numbers."""

from __future__ import annotations

from starlette.responses import Response

from station_app.core import county_roles
from station_app.core.entities import entity
from station_app.core.errors import NotFound
from station_app.server.console.web import Ask
from station_app.server.store import audit, county_queries as q

_LIMIT = 50
# What a person's page lists of the records that concern them, in this order.
_SECTIONS = (("relief_case", "临时救助"), ("child_profile", "留守儿童档案"), ("child_report", "强制报告（保护个案）"),
             ("visit", "走访/探访记录"))
_VISITS_SHOWN = 20


def search(ask: Ask) -> Response:
    text = ask.value("q")
    ids = q.search(ask.store, text, _LIMIT) if text else []
    cases = q.case_by_number(ask.store, text)
    return ask.render("search.html", section="/search", q=text, listed=q.listing(ask.store, "person", ids),
                      limited=len(ids) == _LIMIT, cases=q.listing(ask.store, "relief_case", cases) if cases else None)


def person(ask: Ask) -> Response:
    person_id = ask.param("person_id")
    found = q.payloads(ask.store, "person", [person_id]).get(person_id)
    if found is None:
        raise NotFound("服务器上没有这个人员")
    reveal = ask.request.method == "POST"
    if reveal:
        ask.actor.require(county_roles.UNMASK)
    station = q.station_names(ask.store).get(found["owner"], found["owner"])
    audit.record_view(ask.store, ask.actor, "查看完整号码" if reveal else "打开人员档案",
                      person_id, f"{station} {found.get('name') or ''}", ask.client)
    linked = q.person_records(ask.store, person_id)
    linked["visit"] = linked["visit"][:_VISITS_SHOWN]
    sections = [(label, q.listing(ask.store, name, linked[name])) for name, label in _SECTIONS if linked.get(name)]
    elder = q.payloads(ask.store, "elder_profile", linked.get("elder_profile", [])[:1])
    villages = q.village_names(ask.store, [found.get("village_id") or ""])
    spec = entity("person")
    return ask.render("person.html", section="/search", person=found, station=station, reveal=reveal,
                      sections=sections, elder=next(iter(elder.values()), None), field=spec.field,
                      village=villages.get(found.get("village_id") or "", ""), elder_field=entity("elder_profile").field)
