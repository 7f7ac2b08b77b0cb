"""Every URL pattern of the project (admin included) has a row in the axe test's page list
(tests/browser/axe_pages.py) or an exemption there with its reason: a new page type without an
axe check fails here, quickly, without a browser."""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.browser.axe_pages import EXEMPT, PAGES, exemption


def pattern_names(resolver=None, namespace="", prefix=""):
    """("namespace:name", or the route of an unnamed pattern) for every pattern, included ones too."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from pattern_names(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            yield ":".join(n for n in (namespace, pattern.name) if n) if pattern.name else route


def test_every_url_pattern_has_an_axe_page_or_a_reason():
    covered = {page.url_name for page in PAGES}
    missing = sorted(name for name in set(pattern_names()) if name not in covered and exemption(name) is None)
    assert not missing, f"URL patterns with no axe row (tests/browser/axe_pages.py) and no exemption: {missing}"


def test_the_page_list_names_only_patterns_that_exist():
    names = set(pattern_names())
    stale = sorted({page.url_name for page in PAGES if page.url_name is not None} - names)
    stale += sorted(set(EXEMPT) - names)
    assert not stale, f"rows or exemptions for URL patterns that no longer exist: {stale}"


def test_every_role_has_its_pages_checked():
    visitors = {page.visitor for page in PAGES}
    assert {"anonymous", "patient_en", "patient_es", "trainee", "clinician", "educator"} <= visitors


def test_a_new_page_without_a_row_would_fail():
    assert exemption("quizzes:some_new_page") is None
    assert exemption("admin:quizzes_question_change") is None  # an educator's form: it needs its row
    assert exemption("admin:auth_user_change") is not None
