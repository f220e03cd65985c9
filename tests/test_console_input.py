"""Whatever a person types into the console's search box or log-in form gets an answer or a Chinese
refusal, never an error (property-based: arbitrary text, including control and surrogate-free
Unicode of every plane)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station_app.core.errors import AuthError
from station_app.server.store import accounts, county_queries
from station_app.server.store.storage import ServerStore

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@pytest.fixture(scope="module")
def county_store():
    store = ServerStore(Path(tempfile.mkdtemp(prefix="console-input-")) / "county.db")
    accounts.create_user(store, "keyuan", "李科员", "clerk", "county-pass-1", accounts.SERVER_CONSOLE)
    yield store
    store.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_any_search_text_gives_a_list(county_store, text):
    assert county_queries.search(county_store, text) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=TEXT, password=TEXT)
def test_any_log_in_gives_a_session_or_a_chinese_refusal(county_store, username, password):
    with county_store.transaction() as conn:  # no lock-out in the way of the next example
        conn.execute("UPDATE county_users SET failed_logins = 0, locked_until = NULL")
    try:
        accounts.log_in(county_store, username, password)
    except AuthError as exc:
        assert "用户名或密码不正确" in exc.message or "锁定" in exc.message
