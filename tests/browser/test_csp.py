"""Every page family under the strict Content-Security-Policy: nothing refused in Chromium (the
`page` fixture fails any test that logs a CSP violation), and the header is on every answer."""

import pytest
from playwright.sync_api import expect

from tests.support.users import PASSWORD

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def admin_pages(release) -> list[str]:
    component = release.components.order_by("name").first().name
    return [
        "/",
        f"/releases/{release.pk}/",
        f"/releases/{release.pk}/?headline=altered&sort=-overlays",
        f"/releases/{release.pk}/components/{component}/",
        f"/compare/?old={release.pk}&new={release.pk}",
        f"/releases/{release.pk}/licenses/",
        f"/releases/{release.pk}/?license_family=permissive",
        "/access-log/",
        "/api-keys/",
        f"/releases/{release.pk}/evidence/",
        f"/sbom/releases/{release.pk}/",
        f"/vex/releases/{release.pk}/",
        "/vex/advisories/",
        "/api-docs/",
    ]


def test_no_page_breaks_the_content_security_policy(page, portal_admin, release, csp_violations):
    sign_in(page, "ada", PASSWORD)
    for path in admin_pages(release):
        answer = page.goto(path)
        assert answer.status == 200, path
        assert "script-src 'self'" in answer.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    expect(page.locator(".swagger-ui .info")).to_be_visible()  # the docs page really rendered under the policy
    assert csp_violations == []


def test_the_sign_in_page_has_the_policy(page):
    answer = page.goto("/accounts/login/")
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_the_fixture_sees_a_violation(page, live_server, csp_violations):
    """The watcher is real: an inline script on a page under the policy is reported."""
    page.goto("/accounts/login/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }")
    page.wait_for_timeout(300)
    assert any("Content Security Policy" in text for text in csp_violations)
    csp_violations.clear()
