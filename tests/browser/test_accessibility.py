"""axe-core on the main pages: nothing of impact "serious" or "critical" for people who use a
screen reader, a keyboard or a magnifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page

from tests.browser.live import Live, chromium, noah_asks_for_help

FAILING = ("serious", "critical")
PAGES = [
    pytest.param("/login", id="login"),
    pytest.param("/", id="day"),
    pytest.param("/cases", id="cases"),
    pytest.param("/cases/ST-2026-014", id="case"),
    pytest.param("/alerts", id="alerts"),
]


async def serious_violations(page: Page, axe_js: Path) -> list[str]:
    """Run axe-core on the page; one line per serious or critical finding and element."""
    await page.add_script_tag(path=str(axe_js))
    result: dict[str, Any] = await page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {node['target']}"
        for v in result["violations"]
        if v["impact"] in FAILING
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("path", PAGES)
async def test_page_has_no_serious_accessibility_violations(
    live: Live, axe_js: Path, path: str
) -> None:
    """axe-core finds nothing serious or critical on the page, with an open alert on it."""
    await live.ws.account("maja")
    await noah_asks_for_help(live.ws)
    if path == "/login":
        page = await live.page(bypass_csp=True)
    else:
        page = await live.logged_in("maja", bypass_csp=True)
    response = await page.goto(path)
    status = response.status if response else None
    assert status == 200, f"{path} answered {status}"
    found = await serious_violations(page, axe_js)
    assert not found, f"axe on {path}:\n" + "\n".join(found)


async def test_the_check_finds_a_field_without_a_label(chromium_path: str, axe_js: Path) -> None:
    """The check itself works: an input nobody labelled and grey-on-white text are reported."""
    async with chromium(chromium_path) as browser:
        page = await browser.new_page()
        await page.set_content(
            '<html lang="en"><title>t</title><main><form><input name="q"></form>'
            '<p style="color:#ddd">faint</p></main></html>'
        )
        found = await serious_violations(page, axe_js)
    assert sorted(line.split(" (")[0] for line in found) == [
        "critical: label",
        "serious: color-contrast",
    ]


@pytest.mark.parametrize(
    "path", [pytest.param("/", id="day"), pytest.param("/cases/ST-2026-014", id="case")]
)
async def test_the_arabic_workspace_runs_right_to_left_and_passes_the_check(
    live: Live, axe_js: Path, path: str
) -> None:
    """An Arabic account's pages are dir="rtl", lang="ar", in Arabic, and axe finds nothing
    serious: the navigation starts at the right edge, case references read left to right."""
    await live.ws.account("maja", language="ar")
    await noah_asks_for_help(live.ws)
    page = await live.logged_in("maja", bypass_csp=True)
    await page.goto(path)
    assert await page.evaluate("() => [document.dir, document.documentElement.lang]") == [
        "rtl",
        "ar",
    ]
    nav = await page.locator("header nav, nav").first.bounding_box()
    first_link = await page.locator("nav a").first.bounding_box()  # the main navigation
    assert nav and first_link and first_link["x"] > nav["x"] + nav["width"] / 2
    found = await serious_violations(page, axe_js)
    assert not found, f"axe on {path} (ar):\n" + "\n".join(found)
