"""Person lists and the household view, on realistic demo data."""

from station_app.core import idnumber
from station_app.core.entities import ENTITIES
from station_app.store import people
from station_app.store.people import PersonFilter


def test_village_filter_and_search_combine(database, demo_people):
    villages = people.villages(database)
    first = villages[0]["id"]
    in_village = people.person_ids(database, PersonFilter(village_id=first))
    rows = people.person_rows(database, in_village)
    assert in_village and all(rows[i]["village_id"] == first for i in in_village)
    surname = rows[in_village[0]]["name"][0]
    both = people.person_ids(database, PersonFilter(text=surname, village_id=first))
    everywhere = people.person_ids(database, PersonFilter(text=surname))
    assert both and set(both) == set(everywhere) & set(in_village)


def test_sorting_by_birth_date_both_ways(database, demo_people):
    up = people.person_ids(database, PersonFilter(sort="birth_date"))
    rows = people.person_rows(database, up)
    births = [rows[i]["birth_date"] for i in up]
    assert births == sorted(births)
    down = people.person_ids(database, PersonFilter(sort="birth_date", descending=True))
    assert [rows[i]["birth_date"] for i in down] == sorted(births, reverse=True)


def test_search_results_sorted_by_other_columns_go_through_sql(database, demo_people):
    by_name = people.person_ids(database, PersonFilter(text="王"))
    by_birth = people.person_ids(database, PersonFilter(text="王", sort="birth_date"))
    assert sorted(by_name) == sorted(by_birth) and by_name
    rows = people.person_rows(database, by_birth)
    births = [rows[i]["birth_date"] for i in by_birth]
    assert births == sorted(births)


def test_find_by_id_number(database, store):
    person = store.create("person", {"name": "张三", "id_number": "11010519491231002X"})
    assert people.find_by_id_number(database, "11010519491231002X")["id"] == person["id"]
    assert people.find_by_id_number(database, "360426199101010071") is None


def test_household_view_shows_members_and_their_program_records(database, store, village):
    household = store.create("household", {"village_id": village["id"], "head_name": "李桂兰", "address": "前甸村3组"})
    grandma = store.create("person", {"name": "李桂兰", "id_number": "220102195608150026",
                                      "household_id": household["id"], "village_id": village["id"]})
    child = store.create("person", {"name": "王小宝", "gender": "M", "birth_date": "2016-05-01",
                                    "household_id": household["id"], "village_id": village["id"]})
    store.create("elder_profile", {"person_id": grandma["id"], "categories": ["left_behind"], "status": "active"})
    store.create("child_profile", {"person_id": child["id"], "category": "left_behind", "status": "active",
                                   "caregiver_person_id": grandma["id"], "caregiver_name": "李桂兰"})
    view = people.household_overview(database, household["id"])
    assert view["village"]["name"] == "前甸村"
    assert [m["name"] for m in view["members"]] == ["李桂兰", "王小宝"]
    records = {m["name"]: [entity for entity, _ in m["records"]] for m in view["members"]}
    assert records == {"李桂兰": ["elder_profile"], "王小宝": ["child_profile"]}


def test_demo_data_people_all_carry_valid_numbers(database, demo_people):
    ids = people.person_ids(database, PersonFilter())
    assert len(ids) == people.count_people(database) == 300
    for row in people.person_rows(database, ids).values():
        idnumber.parse(row["id_number"])


def test_every_write_waits_in_the_outbox(database, demo_people):
    """Every record written has its change waiting (relief cases one per step they were worked through)."""
    records = sum(database.scalar(f"SELECT COUNT(*) FROM {name}") for name in ENTITIES)
    revisions = sum(database.scalar(f"SELECT COALESCE(SUM(rev), 0) FROM {name}") for name in ENTITIES)
    assert records > sum(demo_people.values())  # the relief cases' steps and fund entries too
    assert people.pending_changes(database) == revisions  # one change per revision of every record


def test_a_first_screen_is_the_head_of_the_whole_list_each_person_once(database, store):
    # 王王明 is found by 王 twice (full name and given name): the screen and the count show him once.
    store.create_many("person", [{"name": name, "gender": "M", "birth_date": f"19{50 + i}-01-01"}
                                 for i, name in enumerate(("王王明", "王芳", "王伟", "王五", "李王", "张三"))])
    everyone = people.person_ids(database, PersonFilter(text="王"))
    assert len(everyone) == len(set(everyone)) == 5
    for limit in (1, 2, 4, 10):
        assert people.person_ids(database, PersonFilter(text="王"), limit=limit) == everyone[:limit]
        assert people.person_ids(database, PersonFilter(text="wang", sort="birth_date"), limit=limit) == \
            people.person_ids(database, PersonFilter(text="wang", sort="birth_date"))[:limit]
    assert people.count_matching(database, PersonFilter(text="王")) == 5
    assert people.count_matching(database, PersonFilter(text="王"), cap=3) == 3
    assert people.count_matching(database, PersonFilter(text="w")) == 4  # initials and pinyin: once each
    assert people.count_matching(database, PersonFilter()) == 6
    assert people.count_matching(database, PersonFilter(text="赵")) == 0
