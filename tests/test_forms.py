"""Printed forms: read back the PDF a social worker would print and check what they would see."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from station_app.core.entities import entity
from station_app.core.jobs import Cancelled, JobState
from station_app.forms import layout
from station_app.forms.person_card import TITLE, PersonCard, render_person_cards

PRINTED_AT = dt.datetime(2026, 11, 23, 14, 5)
STATION = "西丰县柏榆镇社会工作服务站"
ID_NUMBER = "11010519491231002X"
# Only full-width characters, so each is exactly 1 em wide and a line's width is len × size.
DIGITS = "〇一二三四五六七八九"
SENTENCES = [f"第{DIGITS[i // 10]}{DIGITS[i % 10]}号记录：老人独居，已入户查看，炉火安全。" for i in range(100)]
LONG_NOTE = "".join(SENTENCES)


def person(**fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "name": "王桂兰",
        "id_number": ID_NUMBER,
        "gender": "F",
        "birth_date": "1949-12-31",
        "ethnicity": "满族",
        "phone": "13904101234",
        "address": "柏榆村三组",
        "health": "chronic",
        "disability": None,
        "relation_to_head": "head",
        "notes": "独居，冬季需关注取暖。",
    }
    record.update(fields)
    return record


def card(**fields: object) -> PersonCard:
    return PersonCard(person(**fields), "柏榆村", "王桂兰", "柏榆村三组", ["特殊困难老年人档案"])


def render(cards: list[PersonCard], out: object, **options: object) -> None:
    render_person_cards(cards, out, station_name=STATION, printed_at=PRINTED_AT, **options)


def pdf(cards: list[PersonCard], **options: object) -> PdfReader:
    buffer = io.BytesIO()
    render(cards, buffer, **options)
    return PdfReader(io.BytesIO(buffer.getvalue()))


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(reader: PdfReader) -> list[str]:
    return [compact(page.extract_text()) for page in reader.pages]


def test_card_shows_title_person_and_entity_labels(tmp_path: Path):
    target = tmp_path / "card.pdf"
    render([card()], target)
    reader = PdfReader(target)
    assert len(reader.pages) == 1
    text = page_texts(reader)[0]
    assert TITLE in text
    for shown in ("王桂兰", "女", "满族", "139****1234", "慢性病", "户主", "1949年12月31日", "76", "特殊困难老年人档案"):
        assert shown in text
    for field in ("name", "gender", "birth_date", "id_number", "health", "disability", "relation_to_head", "notes"):
        assert entity("person").field(field).label in text
    for footer in (STATION, "第1页共1页", "2026-11-23"):
        assert footer in text


def test_chinese_font_is_embedded_so_it_prints_without_installed_fonts():
    reader = pdf([card()])
    embedded = []
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        for face in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
            descriptor = face.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.append(descriptor.get_object()["/FontFile2"].get_object().get_data())
    assert embedded, "no embedded TrueType font"
    # A subset, not the 4 MB font file: the card stays small enough to mail.
    assert all(0 < len(data) < 200_000 for data in embedded)


def test_id_and_phone_numbers_are_masked_unless_asked_for_in_full():
    masked = page_texts(pdf([card()]))[0]
    assert "1101**********002X" in masked and "139****1234" in masked
    assert ID_NUMBER not in masked and "13904101234" not in masked
    full = page_texts(pdf([card()], show_full_id=True))[0]
    assert ID_NUMBER in full and "13904101234" in full


@pytest.mark.parametrize(("printed", "age"), [(dt.datetime(2026, 12, 30, 9), "76"), (dt.datetime(2026, 12, 31, 9), "77")])
def test_age_is_counted_on_the_day_of_printing(printed: dt.datetime, age: str):
    buffer = io.BytesIO()
    render_person_cards([card(id_number=None, phone=None)], buffer, station_name=STATION, printed_at=printed)
    text = page_texts(PdfReader(buffer))[0]
    other = "77" if age == "76" else "76"
    assert age in text and other not in text


def test_a_batch_prints_a_numbered_page_per_card():
    cards = [card(name=name) for name in ("王桂兰", "李小明", "欧阳建国", "赵淑芬", "孙立")]
    texts = page_texts(pdf(cards))
    assert len(texts) == 5
    for number, (text, shown) in enumerate(zip(texts, cards, strict=True), 1):
        assert shown.person["name"] in text
        assert f"第{number}页共5页" in text


def test_a_card_with_nothing_but_a_name_still_prints():
    bare = PersonCard({"name": "孙立"})
    text = page_texts(pdf([bare]))[0]
    assert "孙立" in text and TITLE in text


def shown_lines(page) -> list[tuple[float, float, str]]:
    """(x, font size, text) of every string shown on the page itself (values, not the template)."""
    lines: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            lines.append((tm[4], size, text.strip()))

    page.extract_text(visitor_text=visit)
    return lines


def test_long_notes_wrap_inside_the_box_and_continue_on_a_second_page():
    reader = pdf([card(notes=LONG_NOTE), card(name="李小明")])
    texts = page_texts(reader)
    assert len(texts) == 3
    assert "续见下页" in texts[0]
    assert f"{TITLE}（续页）" in texts[1] and "王桂兰" in texts[1]
    assert "李小明" in texts[2] and "第3页共3页" in texts[2]

    # Every sentence is printed, in order, across the card and its continuation page.
    everything = "".join(texts)
    position = 0
    for sentence in SENTENCES:
        for ch in sentence:
            position = everything.index(ch, position) + 1
    assert compact(SENTENCES[0]) in texts[0] and compact(SENTENCES[-1]) in texts[1]

    # No line of the note runs past the right edge of the table.
    right = layout.PORTRAIT.width - layout.MARGIN_X
    note_lines = [(x, size, text) for x, size, text in shown_lines(reader.pages[0]) if text[0] in LONG_NOTE]
    assert len(note_lines) > 10
    for x, size, text in note_lines:
        assert x + len(text) * size <= right, text


def test_a_long_address_wraps_within_its_cell_without_losing_text():
    address = "辽宁省铁岭市西丰县柏榆镇柏榆村三组长青路一百二十八号院内东侧第二户原供销社家属房后院"
    reader = pdf([card(address=address)])
    assert address in page_texts(reader)[0]
    right = layout.PORTRAIT.width - layout.MARGIN_X
    pieces = [(x, size, text) for x, size, text in shown_lines(reader.pages[0]) if text in address]
    assert len(pieces) >= 2
    assert all(x + len(text) * size <= right for x, size, text in pieces)


def test_wrapping_keeps_numbers_whole_punctuation_off_line_starts_and_breaks_where_typed():
    size = layout.TEXT_SIZE
    lines = layout.wrap("联系电话13904101234", 8 * size, size)
    assert "13904101234" in lines
    lines = layout.wrap("一二三四五六七，八九", 7 * size, size)
    assert lines == ("一二三四五六", "七，八九")
    assert layout.wrap("第一段\r\n第二段", 8 * size, size) == ("第一段", "第二段")  # typed on Windows


def test_cancelling_midway_leaves_the_previous_file_untouched(tmp_path: Path):
    target = tmp_path / "cards.pdf"
    target.write_bytes(b"yesterday's print")
    state = JobState(lambda done, total, message: state.cancel() if done == 2 else None)
    with pytest.raises(Cancelled):
        render([card() for _ in range(5)], target, state=state)
    assert state.done == 2
    assert target.read_bytes() == b"yesterday's print"
    assert [p.name for p in tmp_path.iterdir()] == ["cards.pdf"]


def test_cancelled_first_print_leaves_no_file(tmp_path: Path):
    target = tmp_path / "cards.pdf"
    state = JobState(lambda done, total, message: state.cancel() if done == 1 else None)
    with pytest.raises(Cancelled):
        render([card() for _ in range(3)], target, state=state)
    assert list(tmp_path.iterdir()) == []


def test_progress_reaches_every_page(tmp_path: Path):
    reports: list[tuple[int, int]] = []
    render([card(notes=LONG_NOTE), card()], tmp_path / "cards.pdf", state=JobState(lambda d, t, m: reports.append((d, t))))
    assert reports == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert len(PdfReader(tmp_path / "cards.pdf").pages) == 3


def test_a_short_aside_in_brackets_is_never_split_across_lines():
    from station_app.forms import fonts

    text = "1.李建国（儿子）2.张秀梅（子/女）"
    for cut in range(text.index("）"), len(text)):  # any cell wide enough for the longest aside
        width = fonts.width(text[:cut], layout.TEXT_SIZE)
        lines = layout.wrap(text, width)
        assert "".join(lines) == text
        assert any("（子/女）" in line for line in lines), lines
        assert any("（儿子）" in line for line in lines), lines
