"""The county console in a real headless browser: Debian's chromium driven by Selenium (chromedriver
from the same package, so nothing is downloaded), against a real server process on 127.0.0.1 with
SQLite or PostgreSQL (sync_fixtures.county), and county accounts of every role."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from station_app.core import county_roles as r
from station_app.server.store import accounts
from tests.sync_fixtures import County

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
PASSWORD = "county-pass-1"
# username -> (name, role)
PEOPLE = {"admin": ("王管理", r.ADMIN), "shenpi": ("张科长", r.APPROVER), "keyuan": ("李科员", r.CLERK),
          "chakan": ("赵只读", r.READER)}
SIZES = {"wide": (1366, 768), "narrow": (1024, 768)}
# Set to a folder to keep a screenshot of every page a test looks at (for a person to look at).
SHOTS_ENV = "STATION_CONSOLE_SHOTS"


@pytest.fixture(scope="session")
def driver() -> Iterator[object]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="console-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1366,768", "--lang=zh-CN"):
        options.add_argument(flag)
    chrome = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield chrome
    chrome.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def people(county: County) -> dict[str, r.CountyActor]:
    made = {}
    for username, (name, role) in PEOPLE.items():
        made[username] = accounts.create_user(county.store, username, name, role, PASSWORD, accounts.SERVER_CONSOLE)
    return made


class Browser:
    """The few things a test does with the console: open a page, fill and submit a form, read it."""

    def __init__(self, chrome: object, base_url: str) -> None:
        self.chrome = chrome
        self.base = base_url

    def open(self, path: str) -> None:
        self.chrome.get(f"{self.base}/console{path}")

    def element(self, css: str) -> object:
        from selenium.webdriver.common.by import By

        return self.chrome.find_element(By.CSS_SELECTOR, css)

    def has(self, css: str) -> bool:
        from selenium.webdriver.common.by import By

        return bool(self.chrome.find_elements(By.CSS_SELECTOR, css))

    def fill(self, css: str, text: str) -> None:
        field = self.element(css)
        field.clear()
        field.send_keys(text)

    def submit(self, css: str) -> None:
        """Click what sends a form (or follows a link) and wait for the next page."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        page = self.element("html")
        self.element(css).click()
        # Generous: on a machine busy with other work a page has taken longer than 20 s. While the
        # page is being replaced chromedriver may answer "Node with given id does not belong to the
        # document" instead of "stale": ask again, the next answer is "stale".
        WebDriverWait(self.chrome, 60, ignored_exceptions=(WebDriverException,)).until(
            expected_conditions.staleness_of(page))

    @property
    def text(self) -> str:
        return self.element("body").text

    @property
    def path(self) -> str:
        return self.chrome.current_url.removeprefix(self.base)

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        self.open("/login")
        self.fill("#username", username)
        self.fill("#password", password)
        self.submit("#login")

    def http(self) -> httpx.Client:
        """An HTTP client carrying this browser's session (to fetch a download the test reads)."""
        cookies = {c["name"]: c["value"] for c in self.chrome.get_cookies()}
        return httpx.Client(base_url=self.base, cookies=cookies, timeout=30)

    def shot(self, name: str) -> None:
        folder = os.environ.get(SHOTS_ENV)
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        for size, (width, height) in SIZES.items():
            self.chrome.set_window_size(width, height)
            self.chrome.save_screenshot(str(Path(folder) / f"{name}-{size}.png"))
        self.chrome.set_window_size(*SIZES["wide"])


@pytest.fixture
def browser(driver: object, county: County, people: dict) -> Browser:
    """A browser with no cookies of earlier tests (every server listens on 127.0.0.1)."""
    b = Browser(driver, county.url)
    b.open("/login")
    driver.delete_all_cookies()
    return b
