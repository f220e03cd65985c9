"""统计: the station's figures as charts — people by village and age, program counts, visits,
temporary relief (cases and amounts by type and month, by state; reserve-fund movements).

The figures are counted off the UI thread (they scan the person and visit tables); the charts
are rebuilt from them each time the page is shown. Every bar carries its number, because the
figures end up copied into reports by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from station_app.core.fields import format_money
from station_app.core.reports import Figure
from station_app.store import statistics
from station_app.store.relief import ReliefFigures
from station_app.store.statistics import StationFigures
from station_app.ui.changes import ANY, FollowsChanges
from station_app.ui.dialogs import present
from station_app.ui.operations import run_job
from station_app.ui.session import Session

PALETTE = ("#1e88e5", "#f4511e", "#43a047", "#8e24aa", "#fdd835", "#00897b")
CHART_HEIGHT = 320
BAR_ROW_HEIGHT = 30  # per category of a horizontal bar chart, so long village lists stay legible


def _styled(chart: QChart, title: str, font: QFont) -> QChart:
    title_font = QFont(font)
    title_font.setBold(True)
    title_font.setPointSizeF(font.pointSizeF() * 1.1)
    chart.setTitle(title)
    chart.setTitleFont(title_font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setFont(font)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def bar_chart(title: str, categories: Sequence[str], sets: Mapping[str, Sequence[int]], font: QFont, *,
              horizontal: bool = False) -> QChart:
    """Bars per category, one set per entry of `sets` (a legend appears when there are several)."""
    if horizontal:  # Qt draws the first category at the bottom; people read lists top down
        categories = list(reversed(categories))
        sets = {label: list(reversed(values)) for label, values in sets.items()}
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    grouped = len(sets) > 1
    for i, (label, values) in enumerate(sets.items()):
        bar_set = QBarSet(label)
        bar_set.append([float(v) for v in values])
        bar_set.setColor(QColor(PALETTE[i % len(PALETTE)]))
        bar_set.setLabelColor(QColor("white" if grouped else "#222222"))
        bar_set.setLabelFont(font)
        series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value")
    if grouped:  # side-by-side bars are narrow: numbers run up inside them instead of colliding above
        series.setLabelsAngle(-90)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsInsideEnd)
    else:
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart = _styled(QChart(), title, font)
    chart.addSeries(series)
    category_axis = QBarCategoryAxis()
    category_axis.append(list(categories))
    small = QFont(font)
    small.setPointSizeF(font.pointSizeF() * 0.85)  # QtCharts elides a label wider than its bar group
    category_axis.setLabelsFont(small)
    value_axis = QValueAxis()
    value_axis.setLabelFormat("%d")
    value_axis.setLabelsFont(font)
    top = max((v for values in sets.values() for v in values), default=0)
    value_axis.setRange(0, max(top * 1.15, 1))  # room above the tallest bar for its number
    value_axis.applyNiceNumbers()
    if top < 5:  # small counts (open cases): whole-number ticks, never "0, 0, 1, 1"
        value_axis.setRange(0, top + 1)
        value_axis.setTickCount(int(top) + 2)
    if horizontal:
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(category_axis)
    series.attachAxis(value_axis)
    chart.legend().setVisible(len(sets) > 1)
    return chart


def pie_chart(title: str, slices: Sequence[tuple[str, int]], font: QFont) -> QChart:
    """Shares of a whole; the legend names each slice with its count and percentage (labels
    drawn beside the pie get elided by QtCharts once they are longer than a few characters)."""
    series = QPieSeries()
    total = sum(n for _, n in slices)
    for i, (label, n) in enumerate(slices):
        share = f"（{n / total:.0%}）" if total else ""
        piece = series.append(f"{label} {n:,}{share}", float(n))
        piece.setColor(QColor(PALETTE[i % len(PALETTE)]))
    series.setPieSize(0.75)
    chart = _styled(QChart(), title, font)
    chart.addSeries(series)  # legend below (as styled): the full width keeps its entries whole
    return chart


class StatsPage(FollowsChanges, QWidget):
    """Figures over everything: counted again (in a worker) when shown after any change."""

    CONCERNS = frozenset({ANY})

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.figures: StationFigures | None = None
        self.summary = QLabel("正在统计…")
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(refresh)
        self.report_button = QPushButton("月报…")
        self.report_button.setToolTip("本站月度统计报表：可打印、导出 Excel，每个数字可查看统计了哪些记录")
        self.report_button.clicked.connect(self.monthly_report)
        bar.addWidget(self.report_button)

        self.views = {name: self._view() for name in ("ages", "children", "elders", "visits", "villages",
                                                      "elder_month", "elder_overdue",
                                                      "child_villages", "child_coverage", "child_cases",
                                                      "relief_cases", "relief_yuan", "relief_status", "fund",
                                                      "statuses", "ledger_training", "ledger_care")}
        grid = QGridLayout()
        grid.addWidget(self.views["ages"], 0, 0)
        grid.addWidget(self.views["children"], 0, 1)
        grid.addWidget(self.views["visits"], 1, 0, 1, 2)  # 24 bars with numbers need the full width
        grid.addWidget(self.views["elders"], 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.views["villages"], 2, 1)
        self.rounds_summary = QLabel()
        self.rounds_summary.setWordWrap(True)
        grid.addWidget(self.rounds_summary, 3, 0, 1, 2)
        grid.addWidget(self.views["elder_month"], 4, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.views["elder_overdue"], 4, 1)
        self.children_summary = QLabel()
        self.children_summary.setWordWrap(True)
        grid.addWidget(self.children_summary, 5, 0, 1, 2)
        grid.addWidget(self.views["child_villages"], 6, 0, 1, 2)
        grid.addWidget(self.views["child_coverage"], 7, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.views["child_cases"], 7, 1, Qt.AlignmentFlag.AlignTop)
        self.relief_summary = QLabel()
        grid.addWidget(self.relief_summary, 8, 0, 1, 2)
        grid.addWidget(self.views["relief_cases"], 9, 0, 1, 2)
        grid.addWidget(self.views["relief_yuan"], 10, 0, 1, 2)
        grid.addWidget(self.views["fund"], 11, 0, 1, 2)
        grid.addWidget(self.views["relief_status"], 12, 0, 1, 2)
        grid.addWidget(self.views["statuses"], 13, 0, 1, 2)
        self.ledger_summary = QLabel()
        self.ledger_summary.setWordWrap(True)
        grid.addWidget(self.ledger_summary, 14, 0, 1, 2)
        grid.addWidget(self.views["ledger_training"], 15, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.views["ledger_care"], 15, 1, Qt.AlignmentFlag.AlignTop)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)
        self.refresh()
        self.follow_changes(session.changes)

    @staticmethod
    def _view() -> QChartView:
        view = QChartView()
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(CHART_HEIGHT)
        return view

    def refresh(self) -> None:
        self.summary.setText("正在统计…")
        run_job(self, "正在统计", statistics.station_figures, db_path=self.session.db_path, show_progress=False,
                on_done=self.show_figures)

    def show_figures(self, figures: StationFigures) -> None:
        self.figures = figures
        font = self.font()
        children = sum(n for _, n in figures.children_by_category)
        visits = sum(sum(v) for v in figures.visits_by_month.values())
        self.summary.setText(
            f"截至 {figures.today:%Y年%m月%d日}：在册人员 {figures.people_total:,} 人，在册儿童 {children:,} 人，"
            f"近12个月走访 {visits:,} 次")
        months = [f"{int(m[5:])}月" for m in figures.months]  # the title gives the years
        span = f"{_month_name(figures.months[0])}—{_month_name(figures.months[-1])}"
        self._set("ages", bar_chart("各年龄段人数（岁）", *_split(figures.age_bands, "人数"), font))
        self._set("children", pie_chart("在册儿童（按类别）", figures.children_by_category, font))
        self._set("elders", bar_chart("特殊困难老年人（按类别，一人可属多类）",
                                      *_split(figures.elders_by_category, "人数"), font, horizontal=True))
        self._set("visits", bar_chart(f"近12个月走访次数（{span}）", months, figures.visits_by_month, font))
        self._set_rows("villages", "各村（社区）人数", figures.people_by_village, "人数", font)
        self._show_rounds(figures.elder_rounds, font)
        self._show_children(figures.children, font)
        self._show_relief(figures.relief, months, span, font)
        self._show_ledger(figures.ledger, figures.ledger_targets, font)
        # The 月报's 救助保障对象 lines, counted as of today: each kind's people and households apart.
        self._set_rows("statuses", "今日在保的救助保障对象（个人按人，家庭按户）",
                       [(f.label, f.value) for f in figures.statuses], "人数或户数", font)

    def _show_rounds(self, rounds: Mapping[str, Any], font: QFont) -> None:
        """The elderly rounds this month: visits done against required, overdue people by village."""
        month = _month_name(rounds["month"])
        required, done = rounds["visits_required"], rounds["visits_done"]
        rate = f"{done / required:.0%}" if required else "—"
        self.rounds_summary.setText(
            f"<b>老年人探访（{month}）</b>：在册 {rounds['people']:,} 人，本月已探访 {rounds['people_visited']:,} 人；"
            f"应访 {required:,} 次，已完成 {done:,} 次（{rate}）；未关闭的跟进 {rounds['open_follow_ups']:,} 件；"
            f"待转临时救助 {rounds['open_relief_referrals']:,} 件")
        self._set("elder_month", bar_chart(f"{month}探访完成情况（次）", ["应访", "已完成"],
                                           {"次数": [required, done]}, font))
        self._set_rows("elder_overdue", "各村（社区）逾期未探访老人（人）", rounds["overdue_by_village"], "人数", font)

    def _show_children(self, figures: Mapping[str, Any], font: QFont) -> None:
        """Children by village and category, the agreement-signing rate, visit coverage this month
        and quarter, open protection cases by stage (late ones loudly)."""
        needed, signed = figures["agreements_needed"], figures["agreements_signed"]
        rate = f"{signed / needed:.0%}" if needed else "—"
        total = figures["children"]
        late = figures["late_cases"]
        alarm = f"　<b style='color:#c62828'>⚠ 超过办理时限的保护个案 {late} 件</b>" if late else ""
        self.children_summary.setText(
            f"<b>留守儿童/困境儿童</b>：在册 {total:,} 人；书面委托照护协议签订率 {rate}（{signed:,}/{needed:,}，"
            f"目标100%）；本月走访覆盖 {figures['visited_month']:,} 人，本季度 {figures['visited_quarter']:,} 人；"
            f"未结保护个案 {sum(n for _, n in figures['open_by_stage']):,} 件{alarm}")
        villages = list(figures["by_village"])
        categories = sorted({c for v in figures["by_village"].values() for c in v})
        sets = {c: [figures["by_village"][v].get(c, 0) for v in villages] for c in categories} or {"人数": []}
        self._set("child_villages", bar_chart("各村（社区）在册儿童（按类别）", villages, sets, font))
        self._set("child_coverage", bar_chart("儿童走访覆盖（人）", ["在册", "本月已走访", "本季度已走访"],
                                              {"人数": [total, figures["visited_month"], figures["visited_quarter"]]},
                                              font))
        self._set("child_cases", bar_chart("未结保护个案（按当前环节，件）", *_split(figures["open_by_stage"], "件数"),
                                           font))

    def _show_relief(self, figures: ReliefFigures, months: list[str], span: str, font: QFont) -> None:
        self.relief_summary.setText(
            f"<b>临时救助</b>　备用金余额 {format_money(figures.balance_fen)} 元 · 先行救助未补办手续 "
            f"{figures.advances_outstanding} 件，{format_money(figures.advances_outstanding_fen)} 元")
        self._set("relief_cases", bar_chart(f"临时救助申请件数（按类型，{span}）", months, figures.cases_by_month, font))
        self._set("relief_yuan", bar_chart(f"临时救助支出（元，含先行救助，按支出月份，{span}）", months, figures.yuan_by_month,
                                           font))
        self._set("fund", bar_chart(f"备用金收支（元，{span}）", months, figures.fund_by_month, font))
        self._set("relief_status", bar_chart("临时救助案件（按办理状态）", *_split(figures.by_status, "件数"), font))

    def _show_ledger(self, found: Sequence[Figure], targets: Mapping[str, Any], font: QFont) -> None:
        """The station's own ledger this year: training per role, the care agreements' signing
        rates against the plans' targets, activities and volunteers' hours (as the 月报 counts them)."""
        by_key = {f.key: f for f in found}
        training = [f for f in found if f.key.startswith("ledger.training.") and f.of]
        care = [f for f in found if f.key.startswith("ledger.care.")]
        rates = "　".join(f"{f.label.removesuffix('照料服务协议签订率')} {f.text}（目标{targets[f.key]}%）" for f in care)
        self.ledger_summary.setText(
            f"<b>站务台账（本年）</b>：服务活动 {by_key['ledger.activities'].text}，志愿服务 "
            f"{by_key['ledger.volunteer_hours'].text}；培训参与率目标{targets['ledger.training']}%；照料服务协议签订率："
            f"{rates}")
        roles = [f.label.split("培训")[0] for f in training]
        self._set("ledger_training", bar_chart("本年培训参与（按岗位，人）", roles,
                                               {"在岗": [f.of or 0 for f in training],
                                                "已参加培训": [f.value for f in training]}, font))
        groups = ["分散供养特困", "独居空巢留守老人"]
        self._set("ledger_care", bar_chart("照料服务协议签订（人）", groups[:len(care)],
                                           {"应签约": [f.of or 0 for f in care], "已签约": [f.value for f in care]}, font))

    def monthly_report(self) -> None:
        from station_app.ui.monthly_report_dialog import MonthlyReportDialog

        present(MonthlyReportDialog(self.session, self))

    def _set_rows(self, name: str, title: str, series: statistics.Series, label: str, font: QFont) -> None:
        """A horizontal bar chart of `series`, tall enough for each row to stay legible."""
        self.views[name].setMinimumHeight(max(CHART_HEIGHT, 90 + BAR_ROW_HEIGHT * len(series)))
        self._set(name, bar_chart(title, *_split(series, label), font, horizontal=True))

    def _set(self, name: str, chart: QChart) -> None:
        view = self.views[name]
        old = view.chart()
        view.setChart(chart)  # the view owns the new chart and lets go of the old one
        old.deleteLater()

    def chart(self, name: str) -> QChart:
        return self.views[name].chart()


def _split(series: statistics.Series, label: str) -> tuple[list[str], dict[str, list[int]]]:
    """(categories, {label: values}) — one bar set from a (label, count) series."""
    return [c for c, _ in series], {label: [n for _, n in series]}


def _month_name(month: str) -> str:
    """"2025-12" → "2025年12月"."""
    return f"{month[:4]}年{int(month[5:])}月"
