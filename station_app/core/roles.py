"""Roles and what each may do. The store enforces these; the UI only mirrors them."""

from __future__ import annotations

from dataclasses import dataclass

HEAD = "head"
WORKER = "worker"
VIEWER = "viewer"
# The county civil-affairs office: no station account has this role; its records and decisions
# arrive through sync, written by the store as `COUNTY_SYNC`.
COUNTY = "county"

ROLES = ((HEAD, "站长"), (WORKER, "社工"), (VIEWER, "只读查看"))
ROLE_LABELS = dict(ROLES)
ROLE_NAMES = {**ROLE_LABELS, COUNTY: "县民政局"}

# Records only the head may change at the station (the county's rules arrive through sync; the
# head signs the monthly report off, 站长 on the paper form).
HEAD_ONLY = frozenset({"reference_value", "report_version", "report_figure"})


@dataclass(frozen=True)
class Actor:
    """Who is doing something: every write and audit entry names one."""

    user_id: str
    username: str
    display_name: str
    role: str

    @property
    def can_write(self) -> bool:
        return self.role in (HEAD, WORKER, COUNTY)

    def can_write_entity(self, entity_name: str) -> bool:
        return self.can_write and (entity_name not in HEAD_ONLY or self.role in (HEAD, COUNTY))

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
        return self.role in (HEAD, WORKER, COUNTY)


# The actor for work the program does on its own behalf (first-run set-up, migrations).
SYSTEM = Actor(user_id="system", username="system", display_name="系统", role=HEAD)
# The actor for what sync brings down from the county (reference data, decisions, corrections).
COUNTY_SYNC = Actor(user_id="county", username="county", display_name="县民政局（同步）", role=COUNTY)
