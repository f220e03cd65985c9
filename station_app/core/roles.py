"""Roles and what each may do. The store enforces these; the UI only mirrors them."""

from __future__ import annotations

from dataclasses import dataclass

HEAD = "head"
WORKER = "worker"
VIEWER = "viewer"
# The township government's leader in charge (乡镇分管领导): decides relief within the township's
# authority (审核确认权限下放乡镇), apart from the station's staff who handle the cases.
APPROVER = "approver"
# The county civil-affairs office: no station account has this role; its records and decisions
# arrive through sync, written by the store as `COUNTY_SYNC`.
COUNTY = "county"

ROLES = ((HEAD, "站长"), (WORKER, "社工"), (APPROVER, "乡镇分管领导"), (VIEWER, "只读查看"))
ROLE_LABELS = dict(ROLES)
ROLE_NAMES = {**ROLE_LABELS, COUNTY: "县民政局"}

# Records only the head may change at the station (the county's rules arrive through sync; the
# head signs the monthly report off, 站长 on the paper form).
HEAD_ONLY = frozenset({"reference_value", "report_version", "report_figure"})
# What the township's approver writes: the steps of the relief cases it decides, and the cases.
APPROVER_WRITES = frozenset({"relief_case", "relief_step"})


@dataclass(frozen=True)
class Actor:
    """Who is doing something: every write and audit entry names one."""

    user_id: str
    username: str
    display_name: str
    role: str

    @property
    def can_write(self) -> bool:
        """Registers and changes the station's records (the approver only decides relief cases)."""
        return self.role in (HEAD, WORKER, COUNTY)

    def can_write_entity(self, entity_name: str) -> bool:
        if self.role == APPROVER:
            return entity_name in APPROVER_WRITES
        return self.can_write and (entity_name not in HEAD_ONLY or self.role in (HEAD, COUNTY))

    def refusal(self, entity_label: str) -> str:
        """Why this actor may not write a record of this kind (when `can_write_entity` says no)."""
        if self.role == APPROVER:
            return f"乡镇分管领导的账号只办理临时救助的审核审批，不能修改{entity_label}。"
        if not self.can_write:
            return "您的账号是只读权限，不能新增或修改数据。如需修改，请联系站长。"
        return f"只有站长可以修改{entity_label}。"

    @property
    def is_county(self) -> bool:
        """The county's feed, applied by sync: the only writer of the county's own decisions."""
        return self.role == COUNTY

    @property
    def can_back_up(self) -> bool:
        # A backup carries every record out of the station: staff only, like an export.
        return self.role in (HEAD, WORKER)

    @property
    def can_manage_users(self) -> bool:
        return self.role == HEAD

    @property
    def can_see_full_id(self) -> bool:
        # Viewers (e.g. a visiting inspector) work from masked numbers only.
        return self.role in (HEAD, WORKER, APPROVER, COUNTY)


# The actor for work the program does on its own behalf (first-run set-up, migrations).
SYSTEM = Actor(user_id="system", username="system", display_name="系统", role=HEAD)
# The actor for what sync brings down from the county (reference data, decisions, corrections).
COUNTY_SYNC = Actor(user_id="county", username="county", display_name="县民政局（同步）", role=COUNTY)
