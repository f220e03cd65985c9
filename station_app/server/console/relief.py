"""待县审批: relief cases above township authority, the county's decision, and the printed
临时救助申请审批表 with the county's opinion, from the station's own form engine."""

from __future__ import annotations

import datetime as dt
import io

from starlette.responses import Response

from station_app.core import county_roles
from station_app.core.entities import entity
from station_app.core.errors import NotFound, ValidationError
from station_app.core.fields import MONEY, Field, FieldError, ParseContext, parse_value
from station_app.core.relief import STATUS_LABELS
from station_app.forms.relief_application import TITLE, render_relief_forms
from station_app.server.console import web
from station_app.server.console.web import Ask
from station_app.server.store import audit, county_relief

_AMOUNT = Field("amount", "批准金额", MONEY)
_CASE = entity("relief_case")


def waiting(ask: Ask) -> Response:
    return ask.render("relief_list.html", section="/relief", cases=county_relief.waiting(ask.store),
                      decided=county_relief.decided(ask.store), today=dt.date.today(), case_field=_CASE.field)


def case_page(ask: Ask, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    """One case; a POST here (with the CSRF token) shows the full ID and phone numbers, logged."""
    case_id = ask.param("case_id")
    found = county_relief.case(ask.store, case_id)
    if found is None:
        raise NotFound("服务器上没有这个救助案件")
    reveal = ask.request.method == "POST" and not errors
    if reveal:
        ask.actor.require(county_roles.UNMASK)
    audit.record_view(ask.store, ask.actor, "查看完整号码" if reveal else "打开救助案件", case_id,
                      found.station_name, ask.client)
    details = found.details
    can_decide = ask.actor.may(county_roles.DECIDE) and details.case["status"] == "county" and not found.decision
    return ask.render("relief_case.html", status, section="/relief", found=found, case=details.case,
                      person=details.person, household=details.household or {}, steps=details.steps,
                      earlier=details.earlier, reveal=reveal, can_decide=can_decide, errors=errors or {},
                      form=dict(ask.form) if errors else {}, status_label=STATUS_LABELS, case_field=_CASE.field,
                      step_field=entity("relief_step").field, done=ask.query.get("done") == "1", details=details,
                      expense_field=entity("rigid_expense").field)


def decide(ask: Ask) -> Response:
    case_id = ask.param("case_id")
    approved = ask.value("verdict") == "approve"
    errors: dict[str, str] = {}
    if ask.value("verdict") not in ("approve", "reject"):
        errors["verdict"] = "请选择批准或不予救助"
    amount = None
    if approved:
        try:
            amount = parse_value(_AMOUNT, ask.value("amount"), ParseContext(dt.date.today()))
        except FieldError as exc:
            errors["amount"] = str(exc)
    try:
        if errors:
            raise ValidationError(errors)
        ask.store.decide(case_id, approved, amount, ask.value("reason") or None, ask.actor,
                         dt.date.today().isoformat(), ask.client)
    except ValidationError as exc:
        return case_page(ask, exc.errors, 422)
    return ask.redirect(f"/relief/{case_id}?done=1")


def form_pdf(ask: Ask) -> Response:
    """The application and approval form, ID and phone numbers masked (the full ones only for a role
    that may see them and asks, logged)."""
    case_id = ask.param("case_id")
    found = county_relief.case(ask.store, case_id)
    if found is None:
        raise NotFound("服务器上没有这个救助案件")
    full = ask.query.get("full") == "1"
    if full:
        ask.actor.require(county_roles.UNMASK)
    audit.record_view(ask.store, ask.actor, "打印审批表（完整号码）" if full else "打印审批表", case_id,
                      found.station_name, ask.client)
    out = io.BytesIO()
    render_relief_forms([found.details], out, station_name=found.station_name, printed_at=dt.datetime.now(),
                        show_full_id=full)
    name = f"{TITLE}-{found.details.person.get('name') or ''}-{case_id[-8:]}.pdf"
    return Response(out.getvalue(), media_type="application/pdf", headers={
        **web.HEADERS, "Content-Disposition": web.attachment(name, inline=True)})

