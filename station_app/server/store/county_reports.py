"""The monthly reports the townships submitted (上报), as the county received them.

A station freezes a month's figures as a `report_version` with one `report_figure` per figure (the
records it counted) and sends them up like every record, signed, exactly once; a correction is the
next version with its reason, and nothing is changed (core.report_versions). The county keeps every
version: the 统计 page shows each township's latest, its state (已上报 / 已更正), the history of its
versions with the reasons, and whether each version's digest still matches what the county holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from station_app.core import report_versions
from station_app.core.reports import KIND, Figure
from station_app.server.store.county_queries import payloads
from station_app.server.store.storage import ServerStore


@dataclass(frozen=True)
class Version:
    """One submitted version of a township's month, its figures as the station froze them."""

    id: str
    owner: str
    month: str
    version: int
    reason: str | None
    submitted_by: str
    submitted_at: str
    digest: str
    summary: list[dict[str, Any]]  # the figures as submitted (their records: `records`)

    @property
    def figures(self) -> list[Figure]:
        return [_figure(item) for item in self.summary]


def _figure(item: dict[str, Any]) -> Figure:
    """A figure as submitted (its shape checked on receipt: core.report_versions.FIGURES); the kind
    of record it counted is the catalogue's when the key is known."""
    kind = KIND.get(item["key"])
    return Figure(item["section"], item["label"], item["value"], item["unit"], kind.entity if kind else "", (),
                  item["of"], item["key"])


def versions(store: ServerStore, month: str, owner: str | None = None) -> dict[str, list[Version]]:
    """Every township's submitted versions of `month` (station_id -> versions, oldest first); with
    `owner`, only that township's."""
    where, params = ("AND owner = ?", [month, owner]) if owner else ("", [month])
    rows = store.read("SELECT id, owner, month, version, reason, submitted_by, submitted_at, digest, figures"
                      f" FROM read_report_version WHERE month = ? AND deleted = 0 {where} ORDER BY owner, version",
                      params)
    out: dict[str, list[Version]] = {}
    for r in rows:
        out.setdefault(r["owner"], []).append(Version(
            r["id"], r["owner"], r["month"], int(r["version"]), r["reason"], r["submitted_by"], r["submitted_at"],
            r["digest"], json.loads(r["figures"])))
    return out


def records(store: ServerStore, version: Version) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each figure's records as the version froze them: key -> (kind of record, ids)."""
    ids = [r["id"] for r in store.read("SELECT id FROM read_report_figure WHERE report_version_id = ? AND deleted = 0",
                                       [version.id])]
    return {f["key"]: (f["entity"], tuple(f.get("ids") or ())) for f in payloads(store, "report_figure", ids).values()}


def digest_holds(version: Version, held: dict[str, tuple[str, tuple[str, ...]]]) -> bool:
    """Whether the figures and record lists the county holds are the ones the station froze."""
    return report_versions.digest(version.month, version.version, version.summary,
                                  {key: ids for key, (_entity, ids) in held.items()}) == version.digest


def state(found: list[Version]) -> str:
    """未上报, 已上报 or 已更正, as the station shows it (core.report_versions.state)."""
    return report_versions.state([{"version": v.version} for v in found])
