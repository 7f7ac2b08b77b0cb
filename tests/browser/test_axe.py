"""axe-core on every page type of every role (tests/browser/axe_pages.py), at phone and desktop
width: no serious and no critical violation of WCAG 2.0, 2.1 and 2.2, levels A and AA.

One browser page per visitor goes through that visitor's pages in order; each page is brought
into its state once and checked at both widths. axe-core comes inside axe-playwright-python,
so nothing is fetched. A failure lists every violation with the elements concerned.
"""

from __future__ import annotations

from contextlib import nullcontext
from unittest import mock
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve
from playwright.sync_api import Page

from .axe_pages import PAGES, VISITORS, AxePage
from .axe_scene import Scene, scene_build

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
BLOCKING = {"serious", "critical"}
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
NODES_SHOWN = 4
TIMEOUT_MS = 15_000
AXE = Axe()
AXE_RUN = "options => axe.run(document, options).then(results => results.violations)"


def violations(page: Page, *, injected: bool) -> list[dict]:
    """axe's serious and critical violations on the page as it is now."""
    if not injected:
        page.evaluate(AXE.axe_script)
    # Two frames: a resize has been laid out and painted before axe measures anything.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    # First without CSS selectors for the elements (quicker); again with them when something is found.
    found = page.evaluate(AXE_RUN, {**AXE_OPTIONS, "selectors": False})
    if any(v["impact"] in BLOCKING for v in found):
        found = page.evaluate(AXE_RUN, AXE_OPTIONS)
    return [v for v in found if v["impact"] in BLOCKING]


def describe(row: AxePage, size: str, url: str, violation: dict) -> str:
    lines = [
        f"{row.visitor} · {row.name} · {size} · {url}",
        f"  [{violation['impact']}] {violation['id']}: {violation['help']}",
    ]
    for node in violation["nodes"][:NODES_SHOWN]:
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:300]}")
    if len(violation["nodes"]) > NODES_SHOWN:
        lines.append(f"    … and {len(violation['nodes']) - NODES_SHOWN} more")
    return "\n".join(lines)


def pattern_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def check(page: Page, row: AxePage, scene: Scene, base_url: str) -> list[str]:
    """Bring the page into its state, then run axe at each size; what went wrong, readably."""
    path = row.path(scene)
    breaking = (
        mock.patch(row.breaks, side_effect=RuntimeError("axe test: a page that fails")) if row.breaks else nullcontext()
    )
    with breaking:
        response = page.goto(base_url + path)
    if response.status != row.status:
        return [f"{row.visitor} · {row.name} · {path}: status {response.status}, expected {row.status}"]
    if row.act is not None:
        row.act(page, scene)
    page.wait_for_load_state("load")
    if row.url_name is not None:
        # The pattern of the address visited (it may redirect) or of the page as checked (after a POST).
        shown = {pattern_name(path), pattern_name(page.url)}
        assert row.url_name in shown, f"{row.visitor} · {row.name}: {path} → {page.url} is not {row.url_name}"
    problems = []
    for n, (size, viewport) in enumerate(SIZES.items()):
        page.set_viewport_size(viewport)
        problems += [describe(row, size, page.url, v) for v in violations(page, injected=n > 0)]
    return problems


def sign_in(page: Page, visitor: str, scene: Scene, base_url: str, log_in) -> None:
    if visitor in scene.patients:
        page.goto(f"{base_url}/consent/{scene.patients[visitor].token}/")
    elif visitor in scene.users:
        log_in(page.context, scene.users[visitor])


@pytest.mark.parametrize("visitor", VISITORS)
def test_no_serious_or_critical_axe_violation_on_any_page(visitor, live_server, new_context, log_in):
    scene = scene_build(visitor)
    context = new_context(locale=VISITORS[visitor], reduced_motion="reduce", viewport=SIZES["phone"])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, visitor, scene, live_server.url, log_in)
    problems = []
    for row in (r for r in PAGES if r.visitor == visitor):
        problems += check(page, row, scene, live_server.url)
    assert not problems, f"{len(problems)} problems:\n\n" + "\n\n".join(problems)
