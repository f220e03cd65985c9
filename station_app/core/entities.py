"""The record types of a station, declared once.

Each entity lists its fields with Chinese labels and rules. The store derives its writes and the
outbox payload from these declarations, the sync layer ships any entity declared here without
protocol code of its own, and the UI takes labels and choices from here. The table columns are
created by the numbered migrations in `db/`; a test checks that both agree.

Every record also carries the system fields in `SYSTEM_FIELDS`, filled in by the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from station_app.core import agreement_rules, assistance, intake, ledger, protection_workflow, relief_workflow, report_versions
from station_app.core.behaviour import NONE, Behaviour, Check, unique
from station_app.core.visit_due import VISITS_DUE
from station_app.core.child_rules import REPORT_STAGES
from station_app.core.errors import DuplicatePersonError, ValidationError
from station_app.core.fields import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    DIVISION_CODE,
    FROM,
    HOURS,
    ID_NUMBER,
    INT,
    JSON,
    JSON_KINDS,
    LONG_TEXT,
    MONEY,
    MULTI,
    ON,
    PHONE,
    REF,
    THROUGH,
    UNTIL,
    Field,
)
from station_app.core.regions import TOWNSHIP_CODE_LEN, VILLAGE_CODE_LEN
from station_app.core.relief_expenditure import EXPENSE_CATEGORIES
from station_app.core.relief_standards import AREAS
from station_app.core.relief import (
    AUTHORITY_LEVELS,
    FUND_ENTRY_KINDS,
    RELIEF_ACTIONS,
    RELIEF_STATUS,
    RELIEF_TYPES,
)
from station_app.core.relief import FUND_OUTFLOWS as FUND_OUTFLOWS  # read here by the relief page
from station_app.core.search import person_keys, sort_key

SYSTEM_FIELDS = ("id", "station_id", "rev", "created_at", "updated_at", "created_by", "updated_by", "deleted")

GENDERS = (("M", "男"), ("F", "女"))
RISK_LEVELS = (("low", "低"), ("medium", "中"), ("high", "高"))
RECORD_STATUS = (("active", "在册"), ("exited", "已退出"))
RELATIONS = (
    ("head", "户主"),
    ("spouse", "配偶"),
    ("child", "子女"),
    ("grandchild", "孙子女"),
    ("parent", "父母"),
    ("grandparent", "祖父母"),
    ("sibling", "兄弟姐妹"),
    ("other", "其他"),
)
HEALTH = (("good", "健康"), ("chronic", "慢性病"), ("serious", "重病"), ("disabled", "残疾"))
CHILD_CATEGORIES = (("left_behind", "农村留守儿童"), ("in_difficulty", "困境儿童"))
CHILD_SUBTYPES = (
    ("unsupported", "事实无人抚养"),
    ("ill_disabled", "重病重残"),
    ("poor", "贫困"),
    ("other", "其他"),
)
PARENTS_SITUATION = (
    ("both_away", "父母均外出务工"),
    ("father_away", "父亲外出、母亲无监护能力"),
    ("mother_away", "母亲外出、父亲无监护能力"),
    ("other", "其他"),
)
GUARDIAN_ABILITY = (("good", "好"), ("average", "一般"), ("poor", "差"))
ELDER_CATEGORIES = (
    ("alone", "独居"),
    ("empty_nest", "空巢"),
    ("left_behind", "留守"),
    ("disabled", "失能/半失能"),
    ("severe_disabled", "重残"),
    ("family_planning", "计划生育特殊家庭"),
)
ABILITY_LEVELS = (("self_care", "能自理"), ("partial", "半失能"), ("dependent", "失能"))
BENEFITS = (("dibao", "低保"), ("tekun", "特困"), ("gaoling", "高龄津贴"), ("huli", "护理补贴"))
PROGRAMS = (("child", "留守儿童"), ("elder", "老年人探访"), ("care", "特困照料"))
VISIT_METHODS = (("home", "入户"), ("phone", "电话"), ("school", "学校"), ("other", "其他"))
# What a visit checks for and where it may send the person; shared by the elderly and the
# children's visits (one `visit` entity, `program` tells them apart).
HAZARDS = (
    ("heating", "取暖/煤炉"),
    ("gas", "燃气"),
    ("fire", "用火用电"),
    ("falls", "跌倒"),
    ("other", "其他隐患"),
)
REFERRALS = (
    ("relief", "临时救助"),
    ("medical", "医疗卫生"),
    ("care", "养老服务/照护"),
    ("village", "村（社区）协助"),
    ("other", "其他"),
)
MENTAL_STATES = (("good", "良好"), ("fair", "一般"), ("low", "情绪低落"), ("confused", "意识不清"))
REPORT_URGENCY = (("normal", "一般"), ("urgent", "紧急"), ("critical", "危急"))
# What a child visit looks at (the county's visit form has a box for each).
CHILD_CHECKS = (
    ("guardianship", "监护情况"),
    ("safety", "安全"),
    ("schooling", "就学"),
    ("health", "健康"),
    ("mental", "心理状况"),
    ("needs", "需求"),
)


@dataclass(frozen=True)
class Entity:
    name: str
    label: str
    fields: tuple[Field, ...]
    # Ledger entries are never edited or deleted: a correction is a new entry.
    append_only: bool = False
    # Its rules and derived values, run by the store's write path on every write (core.behaviour).
    behaviour: Behaviour = NONE

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name}")

    # Asked for per record written (ten thousand times in a bulk import): computed once.
    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        return SYSTEM_FIELDS + self.field_names

    @cached_property
    def json_field_names(self) -> frozenset[str]:
        """Fields stored as JSON text (lists, structured values)."""
        return frozenset(f.name for f in self.fields if f.kind in JSON_KINDS)


def _e(name: str, label: str, *fields: Field, append_only: bool = False, behaviour: Behaviour = NONE) -> Entity:
    return Entity(name, label, fields, append_only, behaviour)


STATION = _e(
    "station",
    "社工站",
    Field("name", "社工站名称", required=True),
    Field("township", "乡镇（街道）", required=True),
    Field("county", "县（区）", required=True),
    Field("admin_code", "乡镇区划代码", DIVISION_CODE, required=True, code_length=TOWNSHIP_CODE_LEN),
    Field("phone", "联系电话", PHONE),
    Field("address", "地址"),
    behaviour=Behaviour(is_station=True),
)

VILLAGE = _e(
    "village",
    "村（社区）",
    Field("code", "村级区划代码", DIVISION_CODE, required=True, code_length=VILLAGE_CODE_LEN),
    Field("name", "村（社区）名称", required=True),
)

HOUSEHOLD = _e(
    "household",
    "家庭",
    Field("village_id", "所属村（社区）", REF, required=True, ref="village"),
    Field("head_name", "户主姓名", required=True),
    Field("address", "住址"),
    Field("phone", "联系电话", PHONE),
    Field("notes", "备注", LONG_TEXT),
)

PERSON = _e(
    "person",
    "人员",
    Field("name", "姓名", required=True, max_length=30),
    Field("id_number", "身份证号", ID_NUMBER),
    Field("gender", "性别", CHOICE, required=True, choices=GENDERS),
    Field("birth_date", "出生日期", DATE, required=True, past_only=True),
    Field("ethnicity", "民族", max_length=20),
    Field("phone", "联系电话", PHONE),
    Field("village_id", "所属村（社区）", REF, ref="village"),
    Field("household_id", "所属家庭", REF, ref="household"),
    Field("relation_to_head", "与户主关系", CHOICE, choices=RELATIONS),
    Field("address", "现住址"),
    Field("health", "健康状况", CHOICE, choices=HEALTH),
    Field("disability", "残疾类别及等级", max_length=60),
    Field("notes", "备注", LONG_TEXT),
    Field("hukou_address", "户籍所在地"),
    behaviour=Behaviour(
        checks=(unique("id_number", lambda found: DuplicatePersonError(found["id"], found["name"])),),
        # Lists sort by the pinyin of the name, the order a Chinese reader expects.
        derived={"sort_name": lambda r: sort_key(r["name"])},
        search_keys=lambda r: person_keys(r["name"], r["id_number"]),
    ),
)

CHILD_PROFILE = _e(
    "child_profile",
    "留守儿童档案",
    Field("person_id", "儿童", REF, required=True, ref="person"),
    Field("category", "儿童类别", CHOICE, required=True, choices=CHILD_CATEGORIES),
    Field("sub_type", "困境类型", CHOICE, choices=CHILD_SUBTYPES),
    Field("school", "就读学校"),
    Field("grade", "年级", max_length=20),
    Field("boarding", "是否寄宿", BOOL),
    Field("parents_situation", "父母情况", CHOICE, choices=PARENTS_SITUATION),
    Field("father_whereabouts", "父亲务工地"),
    Field("father_phone", "父亲电话", PHONE),
    Field("mother_whereabouts", "母亲务工地"),
    Field("mother_phone", "母亲电话", PHONE),
    Field("guardian_person_id", "监护人", REF, ref="person"),
    Field("guardian_name", "监护人姓名", max_length=30),
    Field("guardian_relation", "与儿童关系", max_length=20),
    Field("guardian_phone", "监护人电话", PHONE),
    Field("guardian_ability", "监护能力", CHOICE, choices=GUARDIAN_ABILITY),
    Field("caregiver_person_id", "受委托照护人", REF, ref="person"),
    Field("caregiver_name", "受委托照护人姓名", max_length=30),
    Field("caregiver_relation", "与儿童关系（照护人）", max_length=20),
    Field("caregiver_phone", "照护人电话", PHONE),
    Field("risk_level", "风险等级", CHOICE, choices=RISK_LEVELS),
    Field("risk_reason", "风险原因", LONG_TEXT),
    Field("status", "状态", CHOICE, required=True, choices=RECORD_STATUS),
    Field("exit_reason", "退出原因"),
    Field("notes", "备注", LONG_TEXT),
    Field("services", "已获得的帮扶服务", LONG_TEXT),
    Field("exited_on", "退出日期", DATE, past_only=True, business_date=UNTIL),
    Field("entered_on", "纳入日期", DATE, past_only=True, business_date=FROM),
    behaviour=Behaviour(due=(VISITS_DUE,)),
)

AGREEMENT = _e(
    "agreement",
    "委托照护协议",
    Field("child_profile_id", "儿童档案", REF, required=True, ref="child_profile"),
    Field("guardian_name", "委托方（监护人）", required=True, max_length=30),
    Field("caregiver_name", "受托方（照护人）", required=True, max_length=30),
    Field("signed_date", "签订日期", DATE, past_only=True, business_date=FROM),
    Field("expiry_date", "到期日期", DATE, business_date=THROUGH),
    Field("notes", "备注", LONG_TEXT),
    Field("guardian_relation", "委托方与儿童关系", max_length=20),
    Field("guardian_phone", "委托方电话", PHONE),
    Field("caregiver_relation", "受托方与儿童关系", max_length=20),
    Field("caregiver_id_number", "受托方身份证号", ID_NUMBER),
    Field("caregiver_phone", "受托方电话", PHONE),
    Field("caregiver_address", "受托方住址"),
    Field("witness_id", "见证人（村儿童主任）", REF, ref="staff"),
    behaviour=agreement_rules.AGREEMENT,
)

CHILD_REPORT = _e(
    "child_report",
    "强制报告",
    Field("person_id", "儿童", REF, required=True, ref="person"),
    Field("source", "报告来源", required=True),
    Field("reported_at", "报告时间", DATETIME, required=True),
    Field("urgency", "紧急程度", CHOICE, required=True, choices=REPORT_URGENCY),
    Field("description", "情况描述", LONG_TEXT, required=True),
    Field("stage", "当前环节", CHOICE, required=True, choices=REPORT_STAGES),
    Field("notes", "备注", LONG_TEXT),
    Field("reporter", "报告人", max_length=30),
    # When the case reached its current stage, and by when the next step is due (the county's
    # time limit in force then); None once closed or when no limit applies.
    Field("stage_at", "进入当前环节时间", DATETIME),
    Field("step_due", "下一环节时限", DATETIME),
    behaviour=protection_workflow.REPORT,
)

CHILD_REPORT_STEP = _e(
    "child_report_step",
    "保护个案办理记录",
    Field("child_report_id", "个案", REF, required=True, ref="child_report"),
    Field("step", "环节", CHOICE, required=True, choices=REPORT_STAGES),
    Field("done_at", "办理时间", DATETIME, required=True),
    Field("actor_name", "办理人", required=True, max_length=30),
    Field("note", "办理情况", LONG_TEXT),
    Field("due_at", "时限", DATETIME),
    append_only=True,
    behaviour=protection_workflow.STEP,
)

ELDER_PROFILE = _e(
    "elder_profile",
    "特殊困难老年人档案",
    Field("person_id", "老年人", REF, required=True, ref="person"),
    Field("categories", "老年人类别", MULTI, required=True, choices=ELDER_CATEGORIES),
    Field("living_arrangement", "居住情况"),
    Field("ability_level", "自理能力", CHOICE, choices=ABILITY_LEVELS),
    Field("health_note", "健康状况", LONG_TEXT),
    Field("dependants", "赡养（扶养）人", LONG_TEXT),
    # [{"name", "relation", "phone"}, …] in the order to call them: the first is called first.
    Field("contacts", "紧急联系人", JSON),
    Field("benefits", "享受待遇", MULTI, choices=BENEFITS),
    Field("risk_level", "风险等级", CHOICE, choices=RISK_LEVELS),
    Field("risk_reason", "风险原因", LONG_TEXT),
    Field("status", "状态", CHOICE, required=True, choices=RECORD_STATUS),
    Field("exit_reason", "退出原因"),
    Field("notes", "备注", LONG_TEXT),
    Field("entered_on", "纳入探访名单日期", DATE, past_only=True, business_date=FROM),
    Field("exited_on", "退出探访名单日期", DATE, past_only=True, business_date=UNTIL),
    behaviour=Behaviour(due=(VISITS_DUE,)),
)

VISIT = _e(
    "visit",
    "走访/探访记录",
    Field("program", "项目", CHOICE, required=True, choices=PROGRAMS),
    Field("person_id", "走访对象", REF, required=True, ref="person"),
    Field("visit_date", "走访日期", DATE, required=True, past_only=True, business_date=ON),
    Field("visitor", "走访人", required=True, max_length=30),
    Field("method", "走访方式", CHOICE, required=True, choices=VISIT_METHODS),
    Field("seen_in_person", "是否见到本人", BOOL),
    Field("living_conditions", "居住与生活状况", LONG_TEXT),
    Field("health_note", "身体健康状况", LONG_TEXT),
    Field("mental_state", "精神状态", CHOICE, choices=MENTAL_STATES),
    Field("hazards", "安全隐患", MULTI, choices=HAZARDS),
    Field("findings", "走访情况", LONG_TEXT),
    Field("risks", "发现的风险", LONG_TEXT),
    Field("needs", "需求", LONG_TEXT),
    Field("services", "提供的服务", LONG_TEXT),
    Field("referral", "转介", CHOICE, choices=REFERRALS),
    Field("referral_note", "转介事由", LONG_TEXT),
    Field("follow_up", "跟进措施", LONG_TEXT),
    Field("next_due", "下次走访日期", DATE),
    Field("checks", "走访查看内容", MULTI, choices=CHILD_CHECKS),
    Field("problems", "发现的问题", LONG_TEXT),
    Field("actions", "采取的措施", LONG_TEXT),
    Field("director_id", "儿童主任", REF, ref="staff"),
    behaviour=Behaviour(due=(VISITS_DUE,)),
)

RELIEF_CASE = _e(
    "relief_case",
    "临时救助案件",
    Field("person_id", "申请人", REF, required=True, ref="person"),
    Field("household_id", "家庭", REF, ref="household"),
    Field("case_type", "救助类型", CHOICE, required=True, choices=RELIEF_TYPES),
    Field("tier", "困难程度档次", INT),
    Field("household_size", "家庭人口", INT),
    Field("reason", "申请事由", LONG_TEXT, required=True),
    Field("amount_suggested", "建议金额（元）", MONEY),
    Field("amount_proposed", "拟救助金额（元）", MONEY),
    Field("amount_approved", "批准金额（元）", MONEY),
    Field("status", "办理状态", CHOICE, required=True, choices=RELIEF_STATUS),
    Field("authority", "审批权限", CHOICE, choices=AUTHORITY_LEVELS),
    Field("is_advance", "先行救助", BOOL),
    Field("applied_on", "申请日期", DATE, required=True, past_only=True, business_date=ON),
    Field("notes", "备注", LONG_TEXT),
    Field("incident_place", "急难发生地"),
    Field("amount_reason", "调整金额理由", LONG_TEXT),
    Field("advance_amount", "先行救助金额（元）", MONEY),
    Field("advance_on", "先行救助日期", DATE, business_date=ON),
    Field("paperwork_due", "补办手续期限", DATE),
    Field("amount_paid", "发放金额（元）", MONEY),
    Field("paid_on", "发放日期", DATE, business_date=ON),
    Field("repeat_warning", "重复救助提示", LONG_TEXT),
    Field("approved_on", "批准日期", DATE, business_date=ON),
    # The county's form number: division code + year + sequence (core.case_numbers), given at registration.
    Field("case_no", "案件编号", max_length=20),
    Field("standard_area", "适用低保标准", CHOICE, choices=AREAS),
    Field("household_income", "家庭年收入（元）", MONEY),
    Field("intake_report_id", "来自主动发现报告", REF, ref="intake_report"),
    behaviour=relief_workflow.CASE,
)

RIGID_EXPENSE = _e(
    "rigid_expense",
    "刚性支出",
    Field("relief_case_id", "案件", REF, required=True, ref="relief_case"),
    Field("category", "支出类别", CHOICE, required=True, choices=EXPENSE_CATEGORIES),
    Field("amount", "金额（元）", MONEY, required=True),
    Field("description", "支出事项", required=True, max_length=100),
    Field("evidence", "凭证", max_length=100),
    Field("incurred_on", "发生日期", DATE, past_only=True),
    behaviour=relief_workflow.EXPENSE,
)

ASSISTANCE_STATUS = _e(
    "assistance_status",
    "救助保障身份",
    Field("person_id", "人员", REF, ref="person"),
    Field("household_id", "家庭", REF, ref="household"),
    Field("kind", "类别", required=True, max_length=30),
    Field("level", "等级或档次", max_length=20),
    # Held from its start to its end inclusive. The start is a decision already made (never after
    # today); the end may be ahead, as on the certificate ("有效期至"), like an agreement's expiry.
    Field("starts_on", "起始日期", DATE, required=True, past_only=True, business_date=FROM),
    Field("ends_on", "终止日期", DATE, business_date=THROUGH),
    Field("certificate_no", "证书编号", max_length=40),
    Field("issued_by", "认定（发证）机关", max_length=60),
    Field("notes", "备注", LONG_TEXT),
    behaviour=assistance.STATUS,
)

MEANS_CHECK = _e(
    "means_check",
    "家庭经济状况核对",
    Field("household_id", "家庭", REF, required=True, ref="household"),
    Field("relief_case_id", "救助案件", REF, ref="relief_case"),
    Field("authorized_on", "授权书签字日期", DATE, past_only=True),
    Field("requested_on", "提请核对日期", DATE, past_only=True),
    Field("requested_to", "核对机构", max_length=60),
    Field("result_on", "结果日期", DATE, past_only=True),
    Field("document_no", "核对报告编号", max_length=40),
    Field("income", "家庭年收入（元）", MONEY),
    Field("assets", "家庭财产（元）", MONEY),
    Field("verdict", "核对结论", CHOICE, choices=assistance.VERDICTS),
    Field("notes", "备注", LONG_TEXT),
    behaviour=assistance.MEANS_CHECK,
)

INTAKE_REPORT = _e(
    "intake_report",
    "主动发现报告",
    Field("received_at", "受理时间", DATETIME, required=True),
    Field("channel", "报告渠道", CHOICE, required=True, choices=intake.CHANNELS),
    Field("reporter", "报告人", max_length=30),
    Field("reporter_phone", "报告人电话", PHONE),
    Field("subject_name", "困难对象姓名", required=True, max_length=30),
    Field("person_id", "已登记人员", REF, ref="person"),
    Field("village_id", "所在村（社区）", REF, ref="village"),
    Field("address", "住址或所在地"),
    Field("description", "困难情况", LONG_TEXT, required=True),
    Field("urgency", "紧急程度", CHOICE, required=True, choices=intake.URGENCY),
    Field("triage_due", "分办时限", DATETIME),
    Field("triage", "分办去向", CHOICE, choices=intake.TRIAGE),
    Field("triaged_at", "分办时间", DATETIME),
    Field("triaged_by", "分办经办人", max_length=30),
    Field("triage_note", "分办说明", LONG_TEXT),
    Field("relief_case_id", "临时救助案件", REF, ref="relief_case"),
    Field("child_report_id", "儿童保护个案", REF, ref="child_report"),
    Field("visit_id", "探访记录", REF, ref="visit"),
    Field("transfer_to", "转办部门", max_length=60),
    Field("transferred_on", "转办日期", DATE, past_only=True),
    Field("receipt_on", "回执日期", DATE, past_only=True),
    Field("receipt_note", "回执情况", LONG_TEXT),
    behaviour=intake.REPORT,
)

RELIEF_STEP = _e(
    "relief_step",
    "救助办理记录",
    Field("relief_case_id", "案件", REF, required=True, ref="relief_case"),
    Field("action", "办理事项", CHOICE, required=True, choices=RELIEF_ACTIONS),
    Field("from_status", "办理前状态", CHOICE, choices=RELIEF_STATUS),
    Field("to_status", "办理后状态", CHOICE, required=True, choices=RELIEF_STATUS),
    Field("reason", "意见或理由", LONG_TEXT),
    Field("amount", "金额（元）", MONEY),
    Field("actor_name", "办理人", required=True, max_length=30),
    Field("level", "审批层级", CHOICE, choices=AUTHORITY_LEVELS),
    Field("decided_on", "办理日期", DATE, required=True),
    append_only=True,
    behaviour=relief_workflow.STEP,
)

RESERVE_FUND_ENTRY = _e(
    "reserve_fund_entry",
    "备用金台账",
    Field("kind", "类型", CHOICE, required=True, choices=FUND_ENTRY_KINDS),
    Field("amount", "金额（元）", MONEY, required=True),
    Field("relief_case_id", "关联案件", REF, ref="relief_case"),
    Field("reason", "事由", required=True),
    Field("entry_date", "日期", DATE, required=True, past_only=True, business_date=ON),
    append_only=True,
    behaviour=relief_workflow.FUND_ENTRY,
)

REFERENCE_VALUE = _e(
    "reference_value",
    "参考数据",
    Field("key", "项目", required=True, max_length=60),
    Field("value", "内容", JSON, required=True),
    Field("effective_from", "生效日期", DATE, required=True),
    Field("notes", "说明", LONG_TEXT),
)

# A month's report as the head submitted it (上报): the figures frozen, each figure's records in a
# record of their own (a figure of a large township lists thousands of ids, and a synced change
# must stay well under a push's size). Both only ever added: a correction is the next version.
REPORT_VERSION = _e(
    "report_version",
    "上报的月报",
    Field("month", "报告月份", required=True, max_length=7),
    Field("version", "版本", INT, required=True),
    # [{"key", "section", "label", "value", "unit", "of"}, …] in the order printed
    Field("figures", "上报数字", JSON, required=True),
    Field("reason", "更正原因", LONG_TEXT),
    Field("submitted_by", "上报人", required=True, max_length=30),
    Field("submitted_at", "上报时间", DATETIME, required=True),
    # SHA-256 over the month, version, figures and every figure's records (core.report_versions)
    Field("digest", "校验值", required=True, max_length=64),
    append_only=True,
    behaviour=report_versions.VERSION,
)

REPORT_FIGURE = _e(
    "report_figure",
    "上报数字明细",
    Field("report_version_id", "上报的月报", REF, required=True, ref="report_version"),
    Field("key", "指标", required=True, max_length=60),
    Field("entity", "记录类型", required=True, max_length=40),
    Field("ids", "统计的记录", JSON),  # none when the figure is 0
    append_only=True,
)

# -- the station's own ledger (core.ledger): the network, training, activities, volunteers, care ---


def _roster(*checks: Check) -> Behaviour:
    """A roster of named people: sorted by the pinyin of the name and found by it as people are."""
    return Behaviour(checks=checks, derived={"sort_name": lambda r: sort_key(r["name"])},
                     search_keys=lambda r: person_keys(r["name"], r.get("id_number")))


def _once_per(parent: str, member: str, message: str) -> Behaviour:
    """A link between two records (who attended which training): one per pair, or a person would
    count twice."""
    return Behaviour(checks=(unique((parent, member), lambda _found: ValidationError({member: message})),))


STAFF = _e(
    "staff",
    "工作人员",
    Field("name", "姓名", required=True, max_length=30),
    Field("role", "岗位", CHOICE, required=True, choices=ledger.STAFF_ROLES),
    Field("village_id", "所在村（社区）", REF, ref="village"),
    Field("phone", "联系电话", PHONE),
    Field("status", "状态", CHOICE, required=True, choices=ledger.STAFF_STATUS),
    Field("entered_on", "任职日期", DATE, past_only=True, business_date=FROM),
    Field("exited_on", "离任日期", DATE, past_only=True, business_date=UNTIL),
    Field("exit_reason", "离任原因"),
    Field("notes", "备注", LONG_TEXT),
    behaviour=_roster(ledger.one_director_per_village),
)

TRAINING = _e(
    "training",
    "培训",
    Field("held_on", "培训日期", DATE, required=True, past_only=True, business_date=ON),
    Field("topic", "培训主题", required=True, max_length=100),
    Field("hours", "学时（小时）", HOURS, required=True),
    Field("organiser", "主办单位", max_length=60),
    Field("place", "培训地点", max_length=60),
    Field("roles", "培训对象", MULTI, choices=ledger.STAFF_ROLES),
    Field("notes", "培训内容", LONG_TEXT),
)

TRAINING_ATTENDANCE = _e(
    "training_attendance",
    "培训签到",
    Field("training_id", "培训", REF, required=True, ref="training"),
    Field("staff_id", "参训人员", REF, required=True, ref="staff"),
    behaviour=_once_per("training_id", "staff_id", "此人已在这次培训的签到名单中"),
)

SERVICE_ACTIVITY = _e(
    "service_activity",
    "服务活动",
    Field("held_on", "活动日期", DATE, required=True, past_only=True, business_date=ON),
    Field("kind", "活动类型", CHOICE, required=True, choices=ledger.ACTIVITY_KINDS),
    Field("title", "活动名称（服务内容）", required=True, max_length=100),
    Field("place", "地点", max_length=60),
    Field("village_id", "村（社区）", REF, ref="village"),
    Field("referred_to", "转介至", max_length=60),
    Field("others_count", "其他参与人数（未登记）", INT),
    Field("others", "其他参与者", LONG_TEXT),
    Field("notes", "活动情况", LONG_TEXT),
    Field("photos", "照片文件名（每行一个）", LONG_TEXT),
)

ACTIVITY_PARTICIPANT = _e(
    "activity_participant",
    "活动参与者",
    Field("activity_id", "服务活动", REF, required=True, ref="service_activity"),
    Field("person_id", "参与者", REF, required=True, ref="person"),
    behaviour=_once_per("activity_id", "person_id", "此人已在这次活动的参与者中"),
)

ACTIVITY_STAFF = _e(
    "activity_staff",
    "活动工作人员",
    Field("activity_id", "服务活动", REF, required=True, ref="service_activity"),
    Field("staff_id", "工作人员", REF, required=True, ref="staff"),
    behaviour=_once_per("activity_id", "staff_id", "此人已在这次活动的工作人员中"),
)

VOLUNTEER = _e(
    "volunteer",
    "志愿者",
    Field("name", "姓名", required=True, max_length=30),
    Field("gender", "性别", CHOICE, choices=GENDERS),
    Field("id_number", "身份证号", ID_NUMBER),
    Field("phone", "联系电话", PHONE),
    Field("village_id", "所在村（社区）", REF, ref="village"),
    Field("organisation", "所属志愿服务组织", max_length=60),
    Field("skills", "服务特长", max_length=100),
    Field("status", "状态", CHOICE, required=True, choices=ledger.VOLUNTEER_STATUS),
    Field("entered_on", "登记日期", DATE, past_only=True, business_date=FROM),
    Field("exited_on", "退出日期", DATE, past_only=True, business_date=UNTIL),
    Field("exit_reason", "退出原因"),
    Field("notes", "备注", LONG_TEXT),
    behaviour=_roster(unique("id_number", lambda found: ValidationError(
        {"id_number": f"身份证号已登记为志愿者「{found['name']}」，请打开已有的志愿者档案"}))),
)

VOLUNTEER_SERVICE = _e(
    "volunteer_service",
    "志愿服务记录",
    Field("activity_id", "服务活动", REF, required=True, ref="service_activity"),
    Field("volunteer_id", "志愿者", REF, required=True, ref="volunteer"),
    Field("hours", "服务时长（小时）", HOURS, required=True),
    behaviour=_once_per("activity_id", "volunteer_id", "这位志愿者已登记过这次活动的服务时长"),
)

CARE_AGREEMENT = _e(
    "care_agreement",
    "照料服务协议",
    Field("person_id", "被照料人", REF, required=True, ref="person"),
    Field("carer_name", "照料人", required=True, max_length=30),
    Field("carer_relation", "照料人与被照料人关系", max_length=20),
    Field("carer_id_number", "照料人身份证号", ID_NUMBER),
    Field("carer_phone", "照料人电话", PHONE),
    Field("carer_address", "照料人住址"),
    Field("duties", "照料服务内容", LONG_TEXT, required=True),
    Field("fee", "照料服务费（元/月）", MONEY),
    Field("signed_on", "签订日期", DATE, past_only=True, business_date=FROM),
    Field("expires_on", "到期日期", DATE, business_date=THROUGH),
    Field("notes", "其他约定", LONG_TEXT),
)

ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        STATION,
        VILLAGE,
        HOUSEHOLD,
        PERSON,
        CHILD_PROFILE,
        AGREEMENT,
        CHILD_REPORT,
        CHILD_REPORT_STEP,
        ELDER_PROFILE,
        VISIT,
        INTAKE_REPORT,
        RELIEF_CASE,
        RELIEF_STEP,
        RIGID_EXPENSE,
        RESERVE_FUND_ENTRY,
        ASSISTANCE_STATUS,
        MEANS_CHECK,
        REFERENCE_VALUE,
        REPORT_VERSION,
        REPORT_FIGURE,
        STAFF,
        TRAINING,
        TRAINING_ATTENDANCE,
        SERVICE_ACTIVITY,
        ACTIVITY_PARTICIPANT,
        ACTIVITY_STAFF,
        VOLUNTEER,
        VOLUNTEER_SERVICE,
        CARE_AGREEMENT,
    )
}

# Records that concern a person, for the household view: (entity, field pointing at the person).
PERSON_LINKS: tuple[tuple[str, str], ...] = (
    ("child_profile", "person_id"),
    ("elder_profile", "person_id"),
    ("child_report", "person_id"),
    ("visit", "person_id"),
    ("relief_case", "person_id"),
    ("care_agreement", "person_id"),
    ("intake_report", "person_id"),
)


def entity(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}") from None

