"""Temporary relief (临时救助): the case workflow and the money rules, without Qt or SQL.

The workflow is one table, `ACTIONS`: for each thing that can happen to a case, the states it may
happen in, the state it leads to, the roles that may do it, and what it must carry (a reason, an
amount). The store's write path holds every write to it (`core.relief_workflow`, declared on the
relief entities), the UI asks `available` to enable its buttons; neither keeps rules of its own.
County decisions are actions of the role `COUNTY`, which no station account has: they arrive
through sync.

The amounts follow the county's rules (reference data, versioned by date, judged by the rule in
force on the day the case was applied for): a suggested amount, for an emergency from the urban or
rural minimum-living standard (core.relief_standards) by tier, household size and months, for 支出型
from the household's rigid expenses (core.relief_expenditure), with a cap per case type; approval
limits per role (the township's leader in charge, 乡镇分管领导, and the head where the county allows)
above which the case goes to the county, and a reason when the approved amount is not the one
proposed; a cap for an advance from the reserve fund and the working days within which its
paperwork must be completed. Every amount is integer fen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from station_app.core import reference, relief_expenditure, relief_standards
from station_app.core.errors import PermissionDenied, TransitionRefused, ValidationError
from station_app.core.fields import format_money
from station_app.core.relief_expenditure import EXPENDITURE
from station_app.core.relief_review import MEANS, NOTICE_STEP, PUBLICITY, REVIEW_STEP
from station_app.core.relief_standards import STANDARD as STANDARD, Working
from station_app.core.roles import APPROVER, COUNTY, HEAD, ROLE_NAMES, VIEWER, WORKER

RELIEF_TYPES = (("emergency", "急难型"), ("expenditure", "支出型"))
RELIEF_STATUS = (
    ("applied", "已受理"),
    ("verifying", "调查核实"),
    ("conference", "个案会商"),
    ("review", "乡镇审核"),
    ("county", "报县审批"),
    ("approved", "已审批"),
    ("paid", "已发放"),
    ("closed", "已结案"),
    ("rejected", "不予救助"),
    ("withdrawn", "已撤回"),
)
AUTHORITY_LEVELS = (("township", "乡镇"), ("county", "县级"))
# What can happen to a relief case; which state each leads to and who may do it is `ACTIONS` below.
RELIEF_ACTIONS = (
    ("register", "登记受理"),
    ("verify", "调查核实"),
    ("conference", "提请个案会商"),
    (REVIEW_STEP, "民主评议"),
    (NOTICE_STEP, "公示"),
    ("submit", "提交乡镇审核"),
    ("send_back", "退回补充"),
    ("approve", "乡镇审批同意"),
    ("refer", "报县审批"),
    ("county_approve", "县级审批同意"),
    ("county_reject", "县级不予救助"),
    ("advance", "先行救助"),
    ("pay", "发放"),
    ("close", "结案"),
    ("reject", "不予救助"),
    ("withdraw", "撤回申请"),
)
FUND_ENTRY_KINDS = (
    ("topup", "拨入"),
    ("advance", "先行救助支出"),
    ("repayment", "归还"),
    ("adjust_in", "调增"),
    ("adjust_out", "调减"),
)
# Which way each kind moves the reserve-fund balance; amounts themselves are always positive.
FUND_OUTFLOWS = frozenset({"advance", "adjust_out"})


TIERS = "relief_tiers"
AUTHORITY = "relief_authority"
ADVANCE = "relief_advance"
REPEAT = "relief_repeat"
# Amounts are fen; no county rule names a sum above a million yuan.
_FEN = {"type": "integer", "minimum": 0, "maximum": 100_000_000}
reference.register(TIERS, "临时救助分档标准与封顶金额", {
    "type": "object", "required": ["tiers", "counted_members_max", "cap_fen"],
    "properties": {
        "tiers": {"type": "array", "title": "分档", "minItems": 1, "maxItems": 10, "items": {
            "type": "object", "required": ["tier", "label", "multiple", "months"],
            "properties": {
                "tier": {"type": "integer", "title": "档次", "minimum": 1, "maximum": 10},
                "label": {"type": "string", "title": "名称", "minLength": 1, "maxLength": 40},
                "multiple": {"type": ["string", "number"], "title": "倍数", "minimum": 0, "maximum": 20,
                             "pattern": r"^\d{1,2}(\.\d{1,2})?$", "description": "数字，如 1 或 1.3"},
                "months": {"type": "integer", "title": "月数", "minimum": 1, "maximum": 24}}}},
        "counted_members_max": {"type": "integer", "title": "计算人口上限", "minimum": 1, "maximum": 30},
        "cap_fen": {"type": "object", "title": "封顶金额（分）", "required": ["emergency", "expenditure"],
                    "properties": {"emergency": {**_FEN, "title": "急难型"}, "expenditure": {**_FEN, "title": "支出型"}}}}})
reference.register(AUTHORITY, "临时救助审批权限", {
    "type": "object", "required": ["approval_limit_fen"],
    "properties": {"approval_limit_fen": {"type": "object", "title": "审批限额（分）", "minProperties": 1,
                                          "additionalProperties": _FEN}}})
reference.register(ADVANCE, "先行救助限额与补办手续期限", {
    "type": "object", "required": ["cap_fen", "working_days"],
    "properties": {"cap_fen": {**_FEN, "title": "先行救助限额（分）"},
                   "working_days": {"type": "integer", "title": "补办手续期限（工作日）", "minimum": 1, "maximum": 60},
                   "holidays": {"type": "array", "title": "节假日", "maxItems": 366,
                                "items": {"type": "string", "format": "date"}}}})
reference.register(REPEAT, "重复救助提醒期限", {
    "type": "object", "required": ["warn_within_days"],
    "properties": {"warn_within_days": {"type": "integer", "title": "提醒期限（天）", "minimum": 0, "maximum": 3650},
                   "block": {"type": "boolean", "title": "期限内不得再次救助"}}})

STATUS_LABELS = dict(RELIEF_STATUS)
ACTION_LABELS = dict(RELIEF_ACTIONS)

# A case still being handled at the station: its advance paperwork is not complete yet.
OPEN_AT_STATION = frozenset({"applied", "verifying", "conference", "review"})
FINAL = frozenset({"closed", "rejected", "withdrawn"})
# Until the worker proposes an amount, what verification finds (the tier, the household) may be
# corrected on the application itself; after that the head sends the case back first.
AMENDABLE = frozenset({"applied", "verifying", "conference"})
AMENDABLE_FIELDS = ("case_type", "tier", "household_size", "standard_area", "household_income", "incident_place",
                    "reason", "notes")
STATION_STAFF = frozenset({HEAD, WORKER})
# The township's review (乡镇人民政府审核确认): its leader in charge, or the station head where the
# county lets the head decide too (the approval limits per role say how much each may approve).
TOWNSHIP = frozenset({APPROVER, HEAD})


@dataclass(frozen=True)
class Action:
    code: str
    sources: frozenset[str]
    target: str | None  # None: the case keeps its state (an advance)
    roles: frozenset[str]
    reason_required: bool = False
    amount: str | None = None  # which amount the action records: 'proposed', 'approved', 'advance'

    @property
    def label(self) -> str:
        return ACTION_LABELS[self.code]


def _a(code: str, sources: Iterable[str], target: str | None, roles: Iterable[str], *, reason: bool = False,
       amount: str | None = None) -> Action:
    return Action(code, frozenset(sources), target, frozenset(roles), reason, amount)


_BEFORE_DECISION = ("applied", "verifying", "conference", "review")
ACTIONS: dict[str, Action] = {a.code: a for a in (
    _a("verify", ("applied",), "verifying", STATION_STAFF),
    _a("conference", ("verifying",), "conference", STATION_STAFF, reason=True),
    _a(REVIEW_STEP, ("verifying", "conference"), None, STATION_STAFF, reason=True),
    _a(NOTICE_STEP, ("verifying", "conference", "review"), None, STATION_STAFF, reason=True),
    _a("submit", ("verifying", "conference"), "review", STATION_STAFF, amount="proposed"),
    _a("send_back", ("review",), "verifying", TOWNSHIP, reason=True),
    _a("approve", ("review",), "approved", {*TOWNSHIP, WORKER}, amount="approved"),
    _a("refer", ("review",), "county", TOWNSHIP),
    _a("county_approve", ("county",), "approved", {COUNTY}, amount="approved"),
    _a("county_reject", ("county",), "rejected", {COUNTY}, reason=True),
    _a("advance", _BEFORE_DECISION, None, STATION_STAFF, reason=True, amount="advance"),
    _a("pay", ("approved",), "paid", STATION_STAFF),
    _a("close", ("paid",), "closed", STATION_STAFF),
    _a("reject", _BEFORE_DECISION, "rejected", TOWNSHIP, reason=True),
    _a("withdraw", (*_BEFORE_DECISION, "county"), "withdrawn", STATION_STAFF, reason=True),
)}
ALL_ROLES = (APPROVER, HEAD, WORKER, VIEWER, COUNTY)


def action(code: str) -> Action:
    try:
        return ACTIONS[code]
    except KeyError:
        raise KeyError(f"unknown relief action {code!r}") from None


def check(code: str, status: str, role: str) -> Action:
    """The action if `role` may do it to a case in `status`; PermissionDenied or TransitionRefused."""
    act = action(code)
    if role not in act.roles:
        allowed = "、".join(ROLE_NAMES[r] for r in ALL_ROLES if r in act.roles)
        raise PermissionDenied(f"“{act.label}”只能由{allowed}办理。")
    if status not in act.sources:
        raise TransitionRefused(f"案件当前为“{STATUS_LABELS.get(status, status)}”，不能办理“{act.label}”。")
    return act


def available(status: str, role: str) -> list[Action]:
    """What `role` may do to a case in `status`, in the table's order (for the buttons)."""
    return [a for a in ACTIONS.values() if status in a.sources and role in a.roles]


def possible(case: Mapping[str, Any], role: str, authority: Mapping[str, Any]) -> list[Action]:
    """What `role` may do to this case now: the workflow's actions for its state, less those its
    amounts rule out (a second advance; approving for a role without an approval limit, or a
    proposal above the township's authority, which only the county may approve)."""
    above = (case.get("amount_proposed") or 0) > township_limit(authority)
    return [a for a in available(case["status"], role)
            if not (a.code == "advance" and case.get("advance_amount"))
            and not (a.code == "approve" and (above or not approval_limit(role, authority)))]


def target_status(act: Action, status: str) -> str:
    return act.target or status


@dataclass(frozen=True)
class Rules:
    """The county's relief rules in force on one day."""

    standard: Mapping[str, Any]
    tiers: Mapping[str, Any]
    authority: Mapping[str, Any]
    advance: Mapping[str, Any]
    repeat: Mapping[str, Any]
    expenditure: Mapping[str, Any]
    means: Mapping[str, Any]
    publicity: Mapping[str, Any]

    KEYS = (STANDARD, TIERS, AUTHORITY, ADVANCE, REPEAT, EXPENDITURE, MEANS, PUBLICITY)

    @classmethod
    def on(cls, lookup: Callable[[Sequence[str], dt.date], Mapping[str, Any]], day: dt.date) -> Rules:
        """The rules in force on `day`, read by `lookup(keys, day)`."""
        found = lookup(cls.KEYS, day)
        return cls(*(found[key] for key in cls.KEYS))


# -- amounts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    tier: int
    label: str
    multiple: Decimal
    months: int


def tiers(rules: Mapping[str, Any]) -> list[Tier]:
    return [Tier(int(t["tier"]), t["label"], Decimal(str(t["multiple"])), int(t["months"])) for t in rules["tiers"]]


def tier_working(standard: Mapping[str, Any], rules: Mapping[str, Any], case_type: str, tier: int,
                 household_size: int, area: str | None = None, town: str | None = None) -> Working:
    """The standard (urban or rural, the town's band) × the tier's multiple × members counted × the
    tier's months, exactly (a yearly standard is not cut to a monthly figure first), rounded once as
    the county states, no more than the cap for the case type. Members beyond the counted maximum
    add nothing."""
    chosen = next((t for t in tiers(rules) if t.tier == tier), None)
    if chosen is None:
        raise ValidationError({"tier": "请选择困难程度档次：" + "、".join(t.label for t in tiers(rules))})
    if household_size < 1:
        raise ValidationError({"household_size": "家庭人口应在1到30之间"})
    basis = relief_standards.standard(standard, area, town)
    members = min(household_size, int(rules["counted_members_max"]))
    fen = relief_standards.rounded(basis.over(chosen.multiple * members * chosen.months), standard)
    cap = int(rules["cap_fen"][case_type])
    counted = f"{members} 人" + (f"（家庭 {household_size} 人，按上限 {members} 人计）" if members < household_size else "")
    lines = [f"{basis.text} × {chosen.multiple} 倍 × {counted} × {chosen.months} 个月 = {format_money(fen)} 元"
             f"（{relief_standards.rounding_text(standard)}）"]
    if fen > cap:
        lines.append(f"超过封顶金额，按 {format_money(cap)} 元")
    return Working(min(fen, cap), tuple(lines))


def suggested_amount(standard: Mapping[str, Any], rules: Mapping[str, Any], case_type: str, tier: int,
                     household_size: int, area: str | None = None, town: str | None = None) -> int:
    """The tier rule's amount (`tier_working` without its working)."""
    return tier_working(standard, rules, case_type, tier, household_size, area, town).amount


def suggestion(rules: Rules, case: Mapping[str, Any], town: str | None,
               expenses: Sequence[Mapping[str, Any]]) -> Working | None:
    """The suggested amount with its working, once what it needs is known (None before): for an
    emergency by the tier rule; for 支出型 by its rigid `expenses` against the household's income."""
    case_type, tier, size = case.get("case_type"), case.get("tier"), case.get("household_size")
    if not (case_type and tier and size):
        return None
    if case_type != "expenditure":
        return tier_working(rules.standard, rules.tiers, case_type, int(tier), int(size), case.get("standard_area"),
                            town)
    if not expenses or case.get("household_income") is None:
        return None
    basis = relief_standards.standard(rules.standard, case.get("standard_area"), town)
    return relief_expenditure.working(basis, rules.standard, rules.expenditure, int(rules.tiers["cap_fen"][case_type]),
                                      int(size), int(case["household_income"]), expenses)


def suggestion_hint(case: Mapping[str, Any]) -> str:
    """What is missing for a suggested amount (shown where the amount would be)."""
    if case.get("case_type") == "expenditure":
        return "支出型救助按刚性支出计算：登记刚性支出和家庭年收入后显示"
    return "填写救助类型、档次和家庭人口后显示"


def proposal_problem(suggested: int | None, proposed: int | None, reason: str | None) -> dict[str, str]:
    """A worker may propose another amount than the suggested one only with a written reason."""
    if proposed is None:
        return {"amount": "请填写拟救助金额"}
    if proposed <= 0:
        return {"amount": "拟救助金额应大于0"}
    if suggested is not None and proposed != suggested and not (reason or "").strip():
        return {"reason": f"拟救助金额与按标准计算的建议金额（{format_money(suggested)} 元）不同，请写明理由"}
    return {}


def township_limit(authority: Mapping[str, Any]) -> int:
    """The most anyone at the station may approve; above it the county decides."""
    return max(int(v) for v in authority["approval_limit_fen"].values())


def level_for(amount: int, authority: Mapping[str, Any]) -> str:
    """'township' if the station may approve `amount`, else 'county'."""
    return "township" if amount <= township_limit(authority) else "county"


def approval_limit(role: str, authority: Mapping[str, Any]) -> int:
    """The most `role` may approve at the station (0: the role approves nothing)."""
    return int(authority["approval_limit_fen"].get(role, 0))


def approval_problem(amount: int | None, role: str, authority: Mapping[str, Any],
                     case: Mapping[str, Any], reason: str | None) -> dict[str, str]:
    """Why `role` may not approve `amount` for `case` at the station, by field; {} when it may.
    An approver who approves another amount than the one proposed says why."""
    if amount is None or amount <= 0:
        return {"amount": "请填写批准金额（大于0）"}
    advance_paid = case.get("advance_amount")
    if amount > township_limit(authority):
        return {"amount": f"批准金额超出乡镇审批权限（{format_money(township_limit(authority))} 元），"
                          "请选择“报县审批”"}
    own = approval_limit(role, authority)
    if amount > own:
        return {"amount": f"{ROLE_NAMES.get(role, role)}的审批权限为 {format_money(own)} 元，"
                          "请由乡镇分管领导审批或报县审批"}
    if advance_paid and amount < advance_paid:
        return {"amount": f"批准金额不能少于已先行救助的 {format_money(advance_paid)} 元"}
    proposed = case.get("amount_proposed")
    if proposed is not None and amount != proposed and not (reason or "").strip():
        return {"reason": f"批准金额与经办人拟救助的金额（{format_money(proposed)} 元）不同，请写明理由"}
    return {}


def advance_problem(amount: int | None, advance_rules: Mapping[str, Any], already: int | None) -> dict[str, str]:
    if already:
        return {"amount": f"本案已先行救助 {format_money(already)} 元，每案只能先行救助一次"}
    if amount is None or amount <= 0:
        return {"amount": "请填写先行救助金额（大于0）"}
    cap = int(advance_rules["cap_fen"])
    if amount > cap:
        return {"amount": f"先行救助每案不超过 {format_money(cap)} 元"}
    return {}


def add_working_days(start: dt.date, days: int, holidays: Iterable[str] = ()) -> dt.date:
    """The date `days` working days after `start` (Saturdays, Sundays and listed holidays skipped)."""
    off = set(holidays)
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day.isoformat() not in off:
            days -= 1
    return day


def paperwork_due(paid_on: dt.date, advance_rules: Mapping[str, Any]) -> dt.date:
    return add_working_days(paid_on, int(advance_rules["working_days"]), advance_rules.get("holidays", ()))


def advance_overdue(case: Mapping[str, Any], today: dt.date) -> bool:
    """An advance whose case is still open at the station after its paperwork deadline."""
    due = case.get("paperwork_due")
    return bool(case.get("advance_amount")) and case.get("status") in OPEN_AT_STATION and bool(due) \
        and due < today.isoformat()


def repeat_warning(earlier: Sequence[Mapping[str, Any]], days: int) -> str:
    """The warning for relief given to the same person or household within `days`, '' if none."""
    if not earlier:
        return ""
    parts = [f"{c['applied_on']} {c['name']}（{STATUS_LABELS.get(c['status'], c['status'])}"
             + (f"，{format_money(c['amount'])} 元" if c.get("amount") else "") + "）" for c in earlier]
    return f"此人或其家庭在{days}天内已申请过临时救助：" + "；".join(parts) + "。请核实是否重复救助。"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿")


def capital_amount(fen: int) -> str:
    """The amount in Chinese capitals, as written on a receipt: 86450 → 捌佰陆拾肆元伍角整."""
    if fen < 0:
        raise ValueError("amounts in words are never negative")
    yuan, cents = divmod(fen, 100)
    jiao, fen_part = divmod(cents, 10)
    text = _yuan_words(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan and fen_part:
        text += "零"
    if fen_part:
        return text + _DIGITS[fen_part] + "分"
    return (text or "零元") + "整"


def _yuan_words(yuan: int) -> str:
    groups: list[int] = []
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    words = ""
    zero_pending = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero_pending = bool(words)
            continue
        if words and (zero_pending or group < 1000):
            words += "零"
        words += _group_words(group) + _BIG_UNITS[index]
        zero_pending = False
    return words


def _group_words(group: int) -> str:
    digits = f"{group:04d}".lstrip("0")
    out, zero = "", False
    for i, ch in enumerate(digits):
        unit = _SMALL_UNITS[len(digits) - 1 - i]
        if ch == "0":
            zero = True
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[int(ch)] + unit
    return out


# -- the reserve fund -------------------------------------------------------------------------

# Money paid out for a case goes through the case's advance; the head alone moves money in,
# back, or corrects the books (a correction is a new entry, never an edit).
HEAD_FUND_KINDS = frozenset({"topup", "repayment", "adjust_in", "adjust_out"})


def fund_balance(totals: Mapping[str, int]) -> int:
    """The reserve fund's balance in fen from the total of each kind of entry."""
    return sum(-amount if kind in FUND_OUTFLOWS else amount for kind, amount in totals.items())


def fund_entry_refusal(role: str, kind: str) -> str:
    """Why `role` may not record a reserve-fund entry of `kind`, '' when it may."""
    if kind in HEAD_FUND_KINDS and role != HEAD:
        return "备用金的拨入、归还和调整只能由站长登记。"
    return ""


def households(cases: Iterable[Mapping[str, Any]]) -> list[str]:
    """The households of relief `cases`, each once, in the cases' order: counted as households,
    however many cases one has. An applicant registered without a household is a household of
    their own (their person id stands for it)."""
    return list(dict.fromkeys(c["household_id"] or c["person_id"] for c in cases))
