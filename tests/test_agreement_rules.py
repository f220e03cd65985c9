"""The entrustment agreement's parties and terms: a parent entrusts the caregiver, never one person
both sides (refused by the store), and an overlap with a signed agreement is found for the dialog
to ask about."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_app.core import agreement_rules
from station_app.core.errors import ValidationError
from station_app.store import children

TODAY = dt.date(2026, 12, 1)
GRANDMA = {"guardian_name": "刘奶奶", "guardian_relation": "祖母", "guardian_phone": "13900001234",
           "parents_situation": "both_away", "father_phone": "13800001111", "mother_phone": "13700002222"}


def test_a_first_agreement_has_the_parent_away_entrust_the_guardian_on_the_spot():
    parties = agreement_rules.draft_parties(GRANDMA, None)
    assert (parties["guardian_name"], parties["guardian_relation"], parties["guardian_phone"]) == \
        ("", "父亲", "13800001111")
    assert (parties["caregiver_name"], parties["caregiver_relation"]) == ("刘奶奶", "祖母")
    mother_away = agreement_rules.draft_parties({**GRANDMA, "parents_situation": "mother_away"}, None)
    assert (mother_away["guardian_relation"], mother_away["guardian_phone"]) == ("母亲", "13700002222")


def test_a_named_caregiver_is_entrusted_by_the_guardian_and_a_renewal_keeps_the_earlier_parties():
    father = {**GRANDMA, "guardian_name": "刘建军", "guardian_relation": "父亲", "caregiver_name": "刘奶奶",
              "caregiver_relation": "祖母"}
    assert [agreement_rules.draft_parties(father, None)[k] for k in ("guardian_name", "caregiver_name")] == \
        ["刘建军", "刘奶奶"]
    earlier = {"guardian_name": "刘建国", "guardian_relation": "父亲", "guardian_phone": "13800003333",
               "caregiver_name": "刘奶奶", "caregiver_relation": "祖母", "caregiver_phone": "13900001234"}
    renewal = agreement_rules.draft_parties(GRANDMA, earlier)
    assert (renewal["guardian_name"], renewal["guardian_phone"], renewal["caregiver_name"]) == \
        ("刘建国", "13800003333", "刘奶奶")


names = st.sampled_from(["", "刘奶奶", "刘建军", "刘 奶奶", None])
profiles = st.fixed_dictionaries({"guardian_name": names, "caregiver_name": names,
                                  "parents_situation": st.sampled_from([None, "both_away", "mother_away"])})
earliers = st.none() | st.fixed_dictionaries({"guardian_name": names, "caregiver_name": names})


@given(profiles, earliers)
def test_a_draft_never_names_one_person_on_both_sides(profile, earlier):
    parties = agreement_rules.draft_parties(profile, earlier)
    assert agreement_rules.parties_problem(parties) == {}


def test_the_store_refuses_one_person_as_both_parties(store, village):
    child = store.create("person", {"name": "刘小雨", "gender": "F", "birth_date": "2016-03-02",
                                    "village_id": village["id"]})
    profile = children.save_profile(store, {"person_id": child["id"], "category": "left_behind", "status": "active"})
    with pytest.raises(ValidationError) as refused:
        children.save_agreement(store, {"child_profile_id": profile["id"], "guardian_name": "刘奶奶",
                                        "caregiver_name": " 刘奶奶"})
    assert "同一人" in refused.value.errors["caregiver_name"]
    agreement = children.save_agreement(store, {"child_profile_id": profile["id"], "guardian_name": "刘建军",
                                                "caregiver_name": "刘奶奶", "signed_date": "2025-06-01",
                                                "expiry_date": "2027-05-09"})
    with pytest.raises(ValidationError):
        children.save_agreement(store, {"caregiver_name": "刘建军"}, agreement)

    def overlaps(signed: str, expiry: str) -> list[str]:
        values = {"child_profile_id": profile["id"], "signed_date": signed, "expiry_date": expiry}
        return [a["id"] for a in children.overlapping_agreements(store.database, values, None, TODAY)]

    assert overlaps("", "2027-12-01") == [agreement["id"]]  # unsigned yet: its term starts today
    assert overlaps("2027-05-10", "2028-05-09") == []  # starts the day after the valid one ends
    assert overlaps("2027年3月1日", "") == [agreement["id"]]  # dates as a worker types them
    assert overlaps("2027-13-01", "") == []  # unreadable: saving says so at the field
    assert children.overlapping_agreements(store.database, {"child_profile_id": profile["id"], **{
        k: agreement[k] for k in ("signed_date", "expiry_date")}}, agreement["id"], TODAY) == []  # itself
