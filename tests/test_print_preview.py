"""The print preview: every form the app prints opens in it, renders, and prints page for page."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402

from station_app.core.jobs import JobState  # noqa: E402
from station_app.forms.recovery_sheet import render_recovery_sheet  # noqa: E402
from station_app.jobs import children as child_jobs  # noqa: E402
from station_app.jobs import elders as elder_jobs  # noqa: E402
from station_app.jobs import people as people_jobs  # noqa: E402
from station_app.jobs import relief as relief_jobs  # noqa: E402
from station_app.jobs import reports  # noqa: E402
from station_app.store import keyring, relief  # noqa: E402
from station_app.store.records import RecordStore  # noqa: E402
from station_app.ui.print_preview import PrintPreview  # noqa: E402

TODAY = dt.date(2026, 11, 1)  # the demo data's day


def one(database, sql: str) -> str:
    return database.scalar(sql)


@pytest.fixture
def forms(database, head, demo_people, tmp_path) -> dict[str, object]:
    """Every printable form, printed from the demo station: name -> PDF path."""
    s, a = JobState(), head
    elder = one(database, "SELECT person_id FROM elder_profile LIMIT 1")
    village = one(database, "SELECT village_id FROM person WHERE id = (SELECT person_id FROM elder_profile LIMIT 1)")
    visit = one(database, "SELECT id FROM visit WHERE program = 'elder' LIMIT 1")
    store = RecordStore(database, head)
    applicant = one(database, "SELECT id FROM person WHERE id_number IS NOT NULL AND household_id IS NOT NULL LIMIT 1")
    agreement = one(database, "SELECT id FROM agreement WHERE deleted = 0 LIMIT 1")
    child = one(database, "SELECT person_id FROM child_profile WHERE deleted = 0 LIMIT 1")
    child_visit = one(database, "SELECT id FROM visit WHERE program = 'child' LIMIT 1")
    case = relief.register(store, {"person_id": applicant, "case_type": "emergency", "tier": "1",
                                   "household_size": "2", "reason": "夜间房屋失火，衣物被褥烧毁"})
    relief.add_fund_entry(store, "topup", "5000", "镇财政拨入", dt.date.today())
    relief.act(store, case["id"], "advance", case["rev"], amount="800", reason="急需购买被褥")
    case = case["id"]
    jobs = {
        "登记表": lambda out: people_jobs.person_cards(database, s, a, [elder], out),
        "审批表": lambda out: relief_jobs.relief_form(database, s, a, case, out),
        "先行救助凭证": lambda out: relief_jobs.advance_voucher(database, s, a, case, out),
        "备用金台账": lambda out: relief_jobs.fund_ledger(database, s, a, TODAY - dt.timedelta(days=365), TODAY, out),
        "发放花名册": lambda out: relief_jobs.relief_roster(database, s, a, TODAY - dt.timedelta(days=365), TODAY, out),
        "探访路线单": lambda out: elder_jobs.route_sheet(database, s, a, village, TODAY, out),
        "探访记录表": lambda out: elder_jobs.visit_records(database, s, a, [visit], out),
        "空白探访记录表": lambda out: elder_jobs.blank_visit_records(database, s, a, [elder], out),
        "月度探访花名册": lambda out: elder_jobs.visit_roster(database, s, a, village, "2026-10", out),
        "委托照护协议书": lambda out: child_jobs.agreement(database, s, a, agreement, out),
        "儿童走访记录表": lambda out: child_jobs.visits(database, s, a, [child_visit], out),
        "空白儿童走访记录表": lambda out: child_jobs.blank_visits(database, s, a, [child], out),
        "留守儿童信息登记表": lambda out: child_jobs.register(database, s, a, child, out),
        "留守儿童花名册": lambda out: child_jobs.roster(database, s, a, None, out),
        "月报": lambda out: reports.print_report(database, s, a, "2026-10", out),
        "恢复码": lambda out: render_recovery_sheet(keyring.new_recovery_code(), "前甸镇社会工作服务站", out,
                                                  printed_at=dt.datetime.now()),
    }
    made = {}
    for name, job in jobs.items():
        out = tmp_path / f"{name}.pdf"
        job(out)
        made[name] = out
    return made


def inked(image) -> bool:
    """Some pixel is not white: the page has something printed on it."""
    white = QColor("white").rgb()
    step = max(1, image.width() // 60)
    return any(image.pixel(x, y) != white for x in range(0, image.width(), step) for y in range(0, image.height(), step))


def test_every_form_opens_in_the_preview_and_renders(qtbot, forms):
    for name, pdf in forms.items():
        preview = PrintPreview(pdf)
        qtbot.addWidget(preview)
        assert preview.ready, name
        assert preview.document.pageCount() == len(PdfReader(pdf).pages), name
        assert preview.pages.text() == f"共 {preview.document.pageCount()} 页"
        assert inked(preview.document.render(0, preview.document.pagePointSize(0).toSize())), name


def test_a_batch_of_n_blank_visit_forms_prints_n_pages(qtbot, database, head, demo_people, tmp_path):
    elders = [r["person_id"] for r in database.query("SELECT person_id FROM elder_profile LIMIT 7")]
    pdf = elder_jobs.blank_visit_records(database, JobState(), head, elders, tmp_path / "batch.pdf")
    preview = PrintPreview(pdf)
    qtbot.addWidget(preview)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(preview.printed, timeout=20000) as printed:  # painted in a worker thread
        preview.print_to(printer)
    assert printed.args == [len(elders)]
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == len(elders)


def test_save_as_copies_the_pdf(qtbot, forms, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    preview = PrintPreview(forms["审批表"])
    qtbot.addWidget(preview)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(tmp_path / "usb" / "copy"), "")))
    (tmp_path / "usb").mkdir()
    saved = preview.save_as()
    assert saved == tmp_path / "usb" / "copy.pdf"
    assert saved.read_bytes() == forms["审批表"].read_bytes()


def test_a_landscape_form_prints_on_landscape_pages(qtbot, forms, tmp_path):
    preview = PrintPreview(forms["探访路线单"])
    qtbot.addWidget(preview)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(preview.printed, timeout=20000):
        preview.print_to(printer)
    box = PdfReader(tmp_path / "printed.pdf").pages[0].mediabox
    assert box.width > box.height
