"""The protection chain's checks (四位一体), declared on child_report and child_report_step.

A case opens at its mandatory report and moves stage by stage: each step is an append-only
`child_report_step` in the chain's order (`child_rules.next_steps`), never before the stage it
follows, with what was done written down (a step recorded empty would take the case off the due
list with nothing to show for it), and the case's stage changes only as its newest step says. Declared with the entities,
the store's write path holds every caller to it; the county's records (sync) are not judged again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from station_app.core.behaviour import CREATE, RESOLVE, UPDATE, Behaviour, Storage, Write, invented
from station_app.core.child_rules import STAGE_LABELS, next_steps
from station_app.core.errors import TransitionRefused, ValidationError

_MOVES = ("stage", "stage_at")


def _check_reports(writes: Sequence[Write], storage: Storage) -> None:
    for w in writes:
        if not w.local:
            continue
        if w.op == CREATE and w.after["stage"] != "reported":
            raise TransitionRefused("强制报告登记时只能处于“强制报告”环节；后续环节请在个案中逐步办理。")
        if w.op == RESOLVE and invented(w, _MOVES):
            raise TransitionRefused("处理冲突时，保护个案的环节只能取本站或县里的版本。")
        if w.op == UPDATE and w.changed(_MOVES):
            steps = storage.living("child_report_step", "child_report_id", [w.after["id"]])
            newest = steps[-1] if steps else {}
            if (newest.get("step"), newest.get("done_at")) != (w.after["stage"], w.after["stage_at"]):
                raise TransitionRefused("保护个案的环节只能通过办理下一环节推进（先登记办理记录）。")


def _check_steps(writes: Sequence[Write], storage: Storage) -> None:
    for w in writes:
        if w.local and w.op == CREATE:
            _new_step(w.after, storage)


def note_problem(step: str, note: str | None) -> dict[str, str]:
    """Why a step cannot be recorded with `note` as its 办理情况, by field ({} when it can): the
    dialog asks before confirming, the write path refuses whatever comes."""
    if not (note or "").strip():
        return {"note": f"请写明“{STAGE_LABELS.get(step, step)}”环节的办理情况（做了什么、结果如何）"}
    return {}


def _new_step(step: Mapping[str, Any], storage: Storage) -> None:
    report = storage.get("child_report", step["child_report_id"])
    if report is None:
        return  # the store's reference check says the case is missing
    if not storage.living("child_report_step", "child_report_id", [report["id"]]):
        if step["step"] != "reported":
            raise ValidationError({"step": "个案的第一条办理记录应为“强制报告”"})
        return
    allowed = next_steps(report["stage"])
    if step["step"] not in allowed:
        raise ValidationError({"step": f"当前环节为“{STAGE_LABELS[report['stage']]}”，下一步只能是"
                                       f"{'、'.join(STAGE_LABELS[s] for s in allowed) or '（已结案）'}"})
    if step["done_at"] < (report["stage_at"] or ""):
        raise ValidationError({"done_at": f"办理时间不能早于上一环节（{report['stage_at']}）"})
    problem = note_problem(step["step"], step.get("note"))
    if problem:
        raise ValidationError(problem)


REPORT = Behaviour(checks=(_check_reports,))
STEP = Behaviour(checks=(_check_steps,))
