"""The county console's roles and what each may do, in one table.

A county civil-affairs office is a few people: the section that approves relief (审批), clerks who
read everything and prepare (科员), people who only look (只读), and an administrator who keeps
accounts, stations and keys (管理员). The server's store checks these before it writes; the pages
ask `may` only to leave out buttons a person could not use anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from station_app.core.errors import PermissionDenied

APPROVER, CLERK, READER, ADMIN = "approver", "clerk", "reader", "admin"
ROLES = ((APPROVER, "审批"), (CLERK, "科员"), (READER, "只读"), (ADMIN, "管理员"))
ROLE_LABELS = dict(ROLES)

DECIDE = "decide"
UNMASK = "unmask"
EXPORT = "export"
PUBLISH = "publish"
STATIONS = "stations"
BUNDLES = "bundles"
UNSEAL = "unseal"
ACCOUNTS = "accounts"

# permission -> (what it allows, in words for a refusal; the roles that have it)
PERMISSIONS: dict[str, tuple[str, frozenset[str]]] = {
    DECIDE: ("审批临时救助案件", frozenset({APPROVER})),
    UNMASK: ("查看完整身份证号和电话", frozenset({APPROVER, CLERK, ADMIN})),
    EXPORT: ("导出数据", frozenset({APPROVER, CLERK, ADMIN})),
    PUBLISH: ("发布参数", frozenset({APPROVER, ADMIN})),
    STATIONS: ("登记和撤销社工站", frozenset({ADMIN})),
    BUNDLES: ("导入U盘数据包", frozenset({ADMIN, CLERK})),
    UNSEAL: ("取出托管密钥", frozenset({ADMIN})),
    ACCOUNTS: ("管理县级账号", frozenset({ADMIN})),
}


@dataclass(frozen=True)
class CountyActor:
    """A person at the county, as every audit entry and decision names them."""

    user_id: str
    username: str
    display_name: str
    role: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def may(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission][1]

    def require(self, permission: str) -> None:
        if not self.may(permission):
            what, roles = PERMISSIONS[permission]
            allowed = "、".join(label for code, label in ROLES if code in roles)
            raise PermissionDenied(f"“{what}”只能由{allowed}账号办理，当前账号（{self.role_label}）无此权限。")
