"""The published site as an official uses it: built from the sample, served by `registry serve`'s app under
`/site`, and read in headless Chromium (Debian's `chromium` and `chromium-driver`, installed by
`tools/chromium/install`). Screenshots of each page go to `test-artifacts/site/`.

Chromium missing is a failure, never a skip: the site is only known to work once a browser has shown it.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest
import uvicorn

from registry.api import create_app
from registry.settings import RegistrySettings
from registry.site.build import Guides, build_sites
from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts" / "site"
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def published(tmp_path_factory, sample_data) -> Path:  # type: ignore[no-untyped-def]
    """Every site of the sample (national, 17 ministries, 34 provinces), in Vietnamese and English."""
    root = tmp_path_factory.mktemp("published")
    out = root / "site"
    results = build_sites(sample_data, None, ["vi", "en"], out, root / "generated", guides=Guides(REPO / "mkdocs.yml"))
    assert len(results) == 2 * 52 and all(result.built for result in results)
    return out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def site_url(published: Path, sample_store) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The API app serving the built tree under /site, on a free loopback port."""
    port = _free_port()
    app = create_app(RegistrySettings(site_dir=published), store=sample_store)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/site/"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.fail("Chromium and chromedriver are needed for the browser test: run tools/chromium/install "
                    "(Debian packages chromium and chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1800",
                     "--lang=vi"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    session = webdriver.Chrome(service=Service(driver), options=options)
    session.set_page_load_timeout(60)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield session
    session.quit()


def _wait(condition, timeout: float = 30.0, what: str = "the page") -> Any:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def rendered_diagrams(browser: Any) -> list[dict[str, str]]:
    """The attributes of every SVG Mermaid drew. Material puts each diagram in a *closed* shadow root, out of
    reach of page scripts and WebDriver, so the DOM is read through the DevTools protocol, which pierces it."""
    document = browser.execute_cdp_cmd("DOM.getDocument", {"depth": -1, "pierce": True})
    found: list[dict[str, str]] = []

    def walk(node: dict[str, Any], in_shadow: bool) -> None:
        if in_shadow and node.get("nodeName", "").lower() == "svg":
            attributes = node.get("attributes", [])
            found.append(dict(zip(attributes[::2], attributes[1::2])))
        for child in node.get("children", []) or []:
            walk(child, in_shadow)
        for shadow in node.get("shadowRoots", []) or []:
            walk(shadow, True)

    walk(document["root"], False)
    return found


def _open(browser: Any, url: str, screenshot: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(url)
    _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "article h1"), what=f"{url} to load")
    browser.save_screenshot(str(ARTIFACTS / f"{screenshot}.png"))


def _diagrams_drawn(browser: Any, count: int = 1) -> list[dict[str, str]]:
    from selenium.webdriver.common.by import By

    _wait(lambda: not browser.find_elements(By.CSS_SELECTOR, "pre.mermaid") and len(rendered_diagrams(browser)) >= count,
          what="Mermaid to draw the diagrams")
    return rendered_diagrams(browser)


def _severe_console_messages(browser: Any) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_the_home_page_shows_the_dashboard_with_its_charts(browser, site_url):
    from selenium.webdriver.common.by import By

    _open(browser, site_url, "home")
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text == "Sổ đăng ký kiến trúc Chính phủ số"
    assert len(browser.find_elements(By.CSS_SELECTOR, ".registry-bar")) == 34
    [pie] = _diagrams_drawn(browser)
    assert pie["aria-roledescription"] == "pie"
    browser.save_screenshot(str(ARTIFACTS / "home.png"))
    assert _severe_console_messages(browser) == []  # nothing fails to load, nothing is fetched from outside


def test_an_agency_page_lists_what_it_owns_uses_and_lacks_with_its_score(browser, site_url):
    from selenium.webdriver.common.by import By

    _open(browser, site_url + "scopes/tinh-15/agencies/tinh-15.so-yt/", "agency")
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text == "Sở Y tế tỉnh Lào Cai"
    headings = [element.text for element in browser.find_elements(By.CSS_SELECTOR, "article h2")]
    assert {"Mức độ tuân thủ", "Sở hữu", "Sử dụng", "Còn thiếu"} <= set(headings)
    assert "Điểm tuân thủ: 78%" in browser.find_element(By.CSS_SELECTOR, "article").text
    [diagram] = _diagrams_drawn(browser)
    assert diagram["aria-roledescription"] == "flowchart-v2"
    browser.save_screenshot(str(ARTIFACTS / "agency.png"))


def test_a_system_page_draws_its_neighbourhood_as_an_svg_diagram(browser, site_url):
    from selenium.webdriver.common.by import By

    _open(browser, site_url + "scopes/tinh-15/systems/tinh-15.mot-cua/", "system")
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text.startswith(
        "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Lào Cai")
    [diagram] = _diagrams_drawn(browser)
    assert diagram["aria-roledescription"] == "flowchart-v2"  # a flowchart, not Mermaid's error picture
    host = browser.find_element(By.CSS_SELECTOR, "div.mermaid")
    assert host.size["height"] > 100 and host.size["width"] > 100
    browser.execute_script("arguments[0].scrollIntoView()", host)
    browser.save_screenshot(str(ARTIFACTS / "system.png"))


def test_switching_language_stays_on_the_same_page(browser, site_url):
    from selenium.webdriver.common.by import By

    _open(browser, site_url + "scopes/tinh-15/systems/tinh-15.mot-cua/", "system-vi")
    english = browser.find_element(By.CSS_SELECTOR, 'a.md-select__link[hreflang="en"]').get_attribute("href")
    assert english == site_url + "en/scopes/tinh-15/systems/tinh-15.mot-cua/"
    _open(browser, english, "system-en")
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text  # the page exists and has its title
    vietnamese = browser.find_element(By.CSS_SELECTOR, 'a.md-select__link[hreflang="vi"]').get_attribute("href")
    assert vietnamese == site_url + "scopes/tinh-15/systems/tinh-15.mot-cua/"


def test_a_findings_page_links_each_finding_to_the_entities_involved(browser, site_url):
    from selenium.webdriver.common.by import By

    _open(browser, site_url + "findings/copy-not-synced/", "findings")
    article = browser.find_element(By.CSS_SELECTOR, "article")
    assert "Căn cứ pháp lý" in article.text
    links = {link.text: link.get_attribute("href") for link in article.find_elements(By.CSS_SELECTOR, "li a")}
    assert "Kho dữ liệu dùng chung tỉnh Thanh Hóa" in links and "Hệ thống quản lý y tế cơ sở tỉnh Lào Cai" in links
    browser.get(links["Hệ thống quản lý y tế cơ sở tỉnh Lào Cai"])
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text == "Hệ thống quản lý y tế cơ sở tỉnh Lào Cai"


def _search(browser: Any, url: str, query: str, screenshot: str) -> list[str]:
    from selenium.webdriver.common.by import By

    _open(browser, url, screenshot)
    field = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    field.click()
    field.send_keys(query)
    last: list[list[str]] = []

    def settled() -> list[str] | None:
        """The result titles once two reads in a row agree (the list is redrawn while the query is typed)."""
        from selenium.common.exceptions import StaleElementReferenceException

        try:
            titles = [element.text for element in browser.find_elements(
                By.CSS_SELECTOR, ".md-search-result__item > .md-search-result__link h1")]
        except StaleElementReferenceException:
            return None
        done = bool(titles) and last[-1:] == [titles]
        last.append(titles)
        return titles if done else None

    titles = _wait(settled, what=f"results for {query!r}")
    browser.save_screenshot(str(ARTIFACTS / f"{screenshot}.png"))
    return titles


def test_search_finds_a_vietnamese_name_typed_without_diacritics(browser, site_url):
    titles = _search(browser, site_url, "Lao Cai", "search-national")
    assert "Lào Cai" in titles[0], titles
    titles = _search(browser, site_url + "scopes/tinh-15/", "So Y te", "search-province")
    assert "Sở Y tế tỉnh Lào Cai" in titles[:3], titles


def test_search_works_on_the_english_site_too(browser, site_url):
    titles = _search(browser, site_url + "en/scopes/tinh-15/", "Lao Cai one stop", "search-english")
    assert any("Lao Cai" in title for title in titles[:3]), titles


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((tag in ("a", "link") and name == "href") or (tag in ("script", "img") and name == "src")):
                self.links.append(value)


def test_no_internal_link_is_broken(site_url, published):
    """Every page of every site, both languages, crawled from the two home pages: each link and asset answers."""
    origin = urlsplit(site_url)
    seen: set[str] = set()
    queue = [site_url, site_url + "en/"]
    broken: list[str] = []
    pages = 0
    with httpx.Client(follow_redirects=True, timeout=30) as client:
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200:
                broken.append(f"{url} → {response.status_code}")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            pages += 1
            parser = _Links()
            parser.feed(response.text)
            for link in parser.links:
                target = urldefrag(urljoin(str(response.url), link)).url
                parts = urlsplit(target)
                if parts.scheme in ("http", "https") and parts.netloc == origin.netloc \
                        and parts.path.startswith("/site/") and target not in seen:
                    queue.append(target)
    assert broken == []
    built = sum(1 for _ in published.rglob("index.html"))
    assert pages >= built - 5, (pages, built)  # every page is reachable (a few 404/redirect stubs aside)
