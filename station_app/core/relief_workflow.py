"""What each step does to a relief case, and the checks that hold every write to the workflow.

A case moves only by steps: `store.relief.act` writes an append-only `relief_step`, then the
case's new state and amounts, which are exactly what `case_changes` derives from that step. The
checks here are declared on the entities they govern (relief_case, relief_step,
reserve_fund_entry), so the store's write path runs them for any caller — the UI, an import, a
script: a step must fit the case's state, the actor's role and the county's limits; a case's state
and amounts change only as its newest step says; a case is numbered once, in sequence, and keeps its
number; its suggested amount is the county's rule applied to it (and, for 支出型, to its rigid
expenses, which change only while the case is being verified); the township decides it only with
the means check, village review and public notice the county asks for; money leaves the reserve
fund only for an advance the case may have, and the balance never goes below zero. Records the
county sent down (sync) are its own word and are not judged again here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core import case_numbers, relief_review
from station_app.core.behaviour import CREATE, DELETE, RESOLVE, Behaviour, Storage, Write, invented
from station_app.core.errors import PermissionDenied, TransitionRefused, ValidationError
from station_app.core.fields import format_money
from station_app.core.relief_standards import Working
from station_app.core.relief import (
    AMENDABLE,
    AMENDABLE_FIELDS,
    FUND_OUTFLOWS,
    STATUS_LABELS,
    Action,
    Rules,
    action,
    advance_problem,
    approval_problem,
    check,
    fund_balance,
    fund_entry_refusal,
    level_for,
    paperwork_due,
    proposal_problem,
    suggestion,
    suggestion_hint,
    target_status,
)

# The case's fields that only steps change, and the application's own, open to correction only
# while the case is being verified (the suggested amount follows them).
WORKFLOW_FIELDS = ("status", "amount_proposed", "amount_reason", "amount_approved", "authority", "is_advance",
                   "advance_amount", "advance_on", "paperwork_due", "amount_paid", "paid_on", "approved_on")
APPLICATION_FIELDS = (*AMENDABLE_FIELDS, "amount_suggested")
Record = Mapping[str, Any]


def amount_to_pay(case: Record) -> int:
    """What the payment hands over: the approved amount less the advance already paid out."""
    return (case["amount_approved"] or 0) - (case["advance_amount"] or 0)


def case_changes(case: Record, code: str, amount: int | None, reason: str | None, day: dt.date,
                 rules: Rules) -> dict[str, Any]:
    """The case's new state and amounts after step `code` on `day`."""
    changes: dict[str, Any] = {"status": target_status(action(code), case["status"])}
    if code == "submit":
        changes.update(amount_proposed=amount, amount_reason=reason if amount != case["amount_suggested"] else None,
                       authority=level_for(amount, rules.authority) if amount else None)
    elif code in ("approve", "county_approve"):
        changes.update(amount_approved=amount, authority="township" if code == "approve" else "county",
                       approved_on=day.isoformat())
    elif code == "refer":
        changes["authority"] = "county"
    elif code == "advance":
        changes.update(is_advance=1, advance_amount=amount, advance_on=day.isoformat(),
                       paperwork_due=paperwork_due(day, rules.advance).isoformat())
    elif code == "pay":
        changes.update(amount_paid=amount_to_pay(case), paid_on=day.isoformat())
    return changes


def step_problem(act: Action, case: Record, amount: int | None, reason: str | None, role: str,
                 rules: Rules) -> dict[str, str]:
    """Why step `act` with `amount` and `reason` may not be taken on `case` by `role`, by field."""
    if act.reason_required and not (reason or "").strip():
        return {"reason": f"请写明“{act.label}”的理由或意见"}
    if act.code == "submit" and case["amount_suggested"] is None and case["case_type"] == "expenditure":
        return {"amount": suggestion_hint(case) + "，再提交审核"}
    if act.code == "submit":
        return proposal_problem(case["amount_suggested"], amount, reason)
    if act.code == "approve":
        return approval_problem(amount, role, rules.authority, case, reason)
    if act.code == "county_approve" and (not amount or amount < (case["advance_amount"] or 0)):
        return {"amount": "县级批准金额应大于0，且不少于已先行救助的金额"}
    if act.code == "advance":
        return advance_problem(amount, rules.advance, case["advance_amount"])
    return {}


def decision_problem(case: Record, storage: Storage, rules: Rules, day: dt.date) -> str:
    """Why the township may not decide (approve, or send to the county) the case on `day`: a means
    check, village review or notice the county's rules ask for is missing ('' when none is)."""
    checks = storage.living("means_check", "relief_case_id", [case["id"]])
    if case["household_id"]:
        checks += storage.living("means_check", "household_id", [case["household_id"]])
    steps = storage.living("relief_step", "relief_case_id", [case["id"]])
    return (relief_review.means_problem(case, rules.means, checks, day)
            or relief_review.publicity_problem(case, rules.publicity, steps, day))


def case_rules(storage: Storage, case: Record) -> Rules:
    """The county's rules in force on the day the case was applied for."""
    return Rules.on(storage.reference, dt.date.fromisoformat(case["applied_on"]))


# -- relief_case ------------------------------------------------------------------------------


def _check_cases(writes: Sequence[Write], storage: Storage) -> None:
    for w in writes:
        if not w.local or w.op == DELETE:
            continue
        if w.op == CREATE:
            _new_case(w.after, storage)
        elif w.op == RESOLVE:
            _resolution(w)
        else:
            _case_update(w, storage)


def _new_case(case: Record, storage: Storage) -> None:
    if case["status"] != "applied" or any(case.get(f) for f in WORKFLOW_FIELDS[1:]):
        raise TransitionRefused("新的救助申请只能以“已受理”状态登记；调查、审批、先行救助和发放请在案件中逐步办理。")
    expected = next_case_no(case, storage)
    if case.get("case_no") != expected:
        raise ValidationError({"case_no": f"案件编号由程序按顺序编排（应为 {expected}），不能直接填写"})
    _check_suggestion(case, storage)


def next_case_no(case: Record, storage: Storage) -> str:
    """The number a new case applied for on its day gets: the next of the station's in that year."""
    start = case_numbers.prefix(storage.station()["admin_code"], case["applied_on"])
    return case_numbers.following(start, storage.highest("relief_case", "case_no", start))


def case_suggestion(case: Record, storage: Storage) -> Working | None:
    """The suggested amount, with its working, that the county's rules give the case as it stands
    (its rigid expenses as stored; None: not yet known)."""
    expenses = storage.living("rigid_expense", "relief_case_id", [case["id"]]) if case.get("id") else []
    return suggestion(case_rules(storage, case), case, storage.station()["admin_code"], expenses)


def _check_suggestion(case: Record, storage: Storage) -> None:
    found = case_suggestion(case, storage)
    expected = found.amount if found else None
    if case["amount_suggested"] != expected:
        shown = f"应为 {format_money(expected)} 元" if expected is not None else suggestion_hint(case)
        raise ValidationError({"amount_suggested": f"建议金额由程序按县里的标准计算（{shown}），不能直接填写"})


def _case_update(w: Write, storage: Storage) -> None:
    before, after = w.before or {}, w.after
    if w.changed(("case_no",)):
        raise TransitionRefused("案件编号一经编排不能更改。")
    if w.changed(APPLICATION_FIELDS):
        if before["status"] not in AMENDABLE:
            raise TransitionRefused("案件已提交审核，申请信息不能再修改；如需更正，请由站长“退回补充”后再改。")
        _check_suggestion(after, storage)
    moved = w.changed(WORKFLOW_FIELDS)
    if not moved:
        return
    steps = storage.living("relief_step", "relief_case_id", [after["id"]])
    step = steps[-1] if steps else None
    if step is None or step["from_status"] != before["status"] or step["to_status"] != after["status"]:
        raise TransitionRefused(f"救助案件的办理状态和金额只能通过办理流程变更（案件当前为“{STATUS_LABELS[before['status']]}”）。"
                                "请在案件中选择相应的办理事项。")
    expected = case_changes(before, step["action"], step["amount"], step["reason"],
                            dt.date.fromisoformat(step["decided_on"]), case_rules(storage, before))
    if any(after.get(f) != expected.get(f, before.get(f)) for f in (*moved, *expected)):
        raise TransitionRefused(f"案件的办理状态或金额与最近的办理记录（{action(step['action']).label}）不符，不能保存。")
    if step["action"] == "advance" and _advanced(storage, after["id"]) != after["advance_amount"]:
        raise TransitionRefused("先行救助须同时从备用金支出同样的金额：请在案件中办理“先行救助”。")


def _resolution(w: Write) -> None:
    if invented(w, WORKFLOW_FIELDS):
        raise TransitionRefused("处理冲突时，案件的办理状态和金额只能取本站或县里的版本。")


# -- relief_step -------------------------------------------------------------------------------


def _check_steps(writes: Sequence[Write], storage: Storage) -> None:
    for w in writes:
        if w.local and w.op == CREATE:
            _new_step(w.after, storage)


def _new_step(step: Record, storage: Storage) -> None:
    case = storage.get("relief_case", step["relief_case_id"])
    if case is None:
        return  # the store's reference check says the case is missing
    if step["action"] == "register":
        if step["from_status"] or step["to_status"] != "applied" or case["status"] != "applied" \
                or storage.living("relief_step", "relief_case_id", [case["id"]]):
            raise TransitionRefused("“登记受理”只能是新案件的第一条办理记录。")
        return
    act = check(step["action"], case["status"], storage.actor.role)
    if step["from_status"] != case["status"] or step["to_status"] != target_status(act, case["status"]):
        raise TransitionRefused(f"办理记录与案件当前状态（“{STATUS_LABELS[case['status']]}”）不符。")
    rules = case_rules(storage, case)
    problem = step_problem(act, case, step["amount"], step["reason"], storage.actor.role, rules)
    if problem:
        raise ValidationError(problem)
    if act.code in ("approve", "refer"):
        refusal = decision_problem(case, storage, rules, dt.date.fromisoformat(step["decided_on"]))
        if refusal:
            raise TransitionRefused(refusal)


def _advanced(storage: Storage, case_id: str) -> int | None:
    """What the reserve fund has paid out as this case's advance (None: nothing)."""
    paid = [e["amount"] for e in storage.living("reserve_fund_entry", "relief_case_id", [case_id])
            if e["kind"] == "advance"]
    return sum(paid) if paid else None


# -- reserve_fund_entry ------------------------------------------------------------------------


def _check_fund(writes: Sequence[Write], storage: Storage) -> None:
    entries = [w.after for w in writes if w.local and w.op == CREATE]
    if not entries:
        return
    advanced: dict[str, int] = {}
    returned: set[str] = set()
    for entry in entries:
        if entry["kind"] == "repayment" and entry.get("relief_case_id"):
            _check_case_repayment(entry, storage, returned)  # the case decides it, whoever pays the case
            continue
        refusal = fund_entry_refusal(storage.actor.role, entry["kind"])
        if refusal:
            raise PermissionDenied(refusal)
        if entry["kind"] == "advance":
            _check_advance_entry(entry, storage, advanced)
    balance = fund_balance(storage.sums("reserve_fund_entry", "amount", by="kind"))
    for entry in entries:
        balance += -entry["amount"] if entry["kind"] in FUND_OUTFLOWS else entry["amount"]
        if balance < 0:
            raise ValidationError({"amount": f"备用金余额不足：当前余额 {format_money(balance + entry['amount'])} 元，"
                                             f"本笔支出 {format_money(entry['amount'])} 元。请先拨入备用金。"})


def _check_advance_entry(entry: Record, storage: Storage, advanced: dict[str, int]) -> None:
    """Money for an advance leaves the fund once per case, within the county's cap, while the
    case may still have one."""
    case = storage.get("relief_case", entry["relief_case_id"])
    if case is None:
        return  # the store's reference check says the case is missing
    check("advance", case["status"], storage.actor.role)
    already = case["advance_amount"] or _advanced(storage, case["id"]) or advanced.get(case["id"])
    problem = advance_problem(entry["amount"], case_rules(storage, case).advance, already)
    if problem:
        raise ValidationError(problem)
    advanced[case["id"]] = entry["amount"]


# The case's money is decided: what the reserve fund advanced goes back to it from the relief funds.
_REPAYABLE = frozenset({"approved", "paid", "closed"})


def _check_case_repayment(entry: Record, storage: Storage, returned: set[str]) -> None:
    """A case's advance returns to the fund once its amount is approved: exactly the advance, once."""
    case = storage.get("relief_case", entry["relief_case_id"])
    if case is None:
        return  # the store's reference check says the case is missing
    if not case["advance_amount"]:
        raise ValidationError({"amount": "该案件没有先行救助，无需归还备用金"})
    if case["status"] not in _REPAYABLE:
        raise TransitionRefused("案件批准后，才能以救助资金归还先行救助垫付的备用金。")
    repaid = [e for e in storage.living("reserve_fund_entry", "relief_case_id", [case["id"]])
              if e["kind"] == "repayment"]
    if repaid or case["id"] in returned:
        raise ValidationError({"amount": "该案件的先行救助已归还过备用金"})
    if entry["amount"] != case["advance_amount"]:
        raise ValidationError({"amount": f"归还金额应等于先行救助金额 {format_money(case['advance_amount'])} 元"})
    returned.add(case["id"])


# -- rigid_expense -----------------------------------------------------------------------------


def _check_expenses(writes: Sequence[Write], storage: Storage) -> None:
    """刚性支出 are part of the application: changed only while the case is being verified (the case's
    suggested amount follows them in the same transaction, which the case's own check holds)."""
    for w in writes:
        if not w.local:
            continue
        case = storage.get("relief_case", w.after["relief_case_id"])
        if case is not None and case["status"] not in AMENDABLE:
            raise TransitionRefused("案件已提交审核，刚性支出不能再修改；如需更正，请先“退回补充”。")


CASE = Behaviour(checks=(_check_cases,))
EXPENSE = Behaviour(checks=(_check_expenses,))
STEP = Behaviour(checks=(_check_steps,))
FUND_ENTRY = Behaviour(checks=(_check_fund,))
