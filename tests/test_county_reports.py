"""A submitted report comes to the county from a station, so from outside: whatever figures a version
holds, the record's rule (run by the station's write path and again by the server on receipt)
refuses it at the field "figures", or the county's 统计 page can show every figure of it
(property-based: arbitrary JSON where a figure or its parts belong)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from station_app.core.errors import ValidationError
from station_app.core.validation import validate
from station_app.server.store.county_reports import Version

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8)
NUMBER = st.integers() | JSON
FIGURE = st.fixed_dictionaries(
    {"key": st.text(max_size=70) | JSON, "section": st.text(max_size=110), "label": st.text(max_size=110),
     "value": NUMBER, "unit": st.sampled_from(["人", "次", "件", "户", "元", "人次次次次"]) | JSON, "of": NUMBER},
    optional={"extra": JSON})
FIGURES = st.lists(FIGURE | JSON, max_size=4) | JSON


@settings(max_examples=400, deadline=None)
@given(figures=FIGURES)
def test_whatever_a_version_holds_is_refused_at_the_field_or_readable_at_the_county(figures):
    record = {"month": "2026-10", "version": 1, "figures": figures, "submitted_by": "王站长",
              "submitted_at": "2026-11-01 10:00", "digest": "0" * 64}
    try:
        stored = validate("report_version", record, dt.date(2026, 11, 2))
    except ValidationError as exc:
        assert list(exc.errors) == ["figures"]
        return
    version = Version("v-1", "s-1", "2026-10", 1, None, "王站长", "2026-11-01 10:00", "0" * 64, stored["figures"])
    shown = version.figures
    assert len(shown) == len(stored["figures"]) and all(f.text and f.label is not None for f in shown)
