"""Hostile webhook endpoints and event texts: URLs that would leak, reach inside or inject; titles that would
break the Atom document or a delivery's headers; links that would leave the site."""

from __future__ import annotations

import time

import pytest
from defusedxml import ElementTree
from django.test import Client

from feeds import atom, signatures
from feeds.models import EventKind, WebhookEndpoint
from feeds.services import delivery
from feeds.services.delivery import create_endpoint, endpoint_url_problem
from feeds.services.events import record_event
from tests.feeds.receiver import start_receiver

pytestmark = pytest.mark.django_db

REFUSED_URLS = [
    "http://hooks.example.org/",  # clear text
    "ftp://hooks.example.org/", "file:///etc/passwd", "javascript:alert(1)", "gopher://hooks.example.org/",
    "data:text/plain,hi", "//hooks.example.org/", "hooks.example.org/path", "",
    "https://user:pw@hooks.example.org/", "https://token@hooks.example.org/", "https://hooks.example.org/#frag",
    "https://127.0.0.1/", "https://[::1]/", "https://localhost/", "https://a.localhost/", "https://169.254.169.254/",
    "https://10.0.0.1/", "https://192.168.1.1/", "https://[::ffff:127.0.0.1]/", "https://0x7f000001/",
    "https://2130706433/", "https://127.1/", "https://100.64.0.1/", "https://[fe80::1]/",
    "https://hooks.example.org:0/", "https://hooks.example.org:99999/",
    "https://hooks example.org/", "https://hooks.example.org/\r\nX-Injected: 1", "https://hooks.example.org/\x00",
    "https://bücher.example/", "https://" + "a" * 2050 + ".org/",
    "http://127.0.0.1:8000/",  # loopback without PEDIGREE_WEBHOOK_ALLOW_LOOPBACK
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_hostile_endpoint_url_is_refused(url):
    assert endpoint_url_problem(url)
    with pytest.raises(ValueError):
        create_endpoint(url, [])
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["http://localhost:8000/", "http://hooks.example.org/", "https://10.0.0.1/",
                                 "https://169.254.169.254/latest/meta-data/"])
def test_the_loopback_setting_opens_loopback_addresses_only(settings, url):
    settings.PEDIGREE_WEBHOOK_ALLOW_LOOPBACK = True
    assert endpoint_url_problem(url)
    assert endpoint_url_problem("http://127.0.0.1:8000/hook") is None


def test_the_page_refuses_hostile_urls_and_unknown_kinds(client, portal_admin):
    client.force_login(portal_admin)
    assert client.post("/feeds/webhooks/", {"url": "https://169.254.169.254/"}).status_code == 400
    assert client.post("/feeds/webhooks/", {"url": "https://hooks.example.org/", "kinds": ["evil"]}).status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_a_name_resolving_to_an_internal_address_is_refused_when_delivering(settings, monkeypatch):
    """A public-looking name is accepted when created; the delivery resolves it and refuses an internal answer."""
    from access import egress

    settings.PEDIGREE_WEBHOOK_ALLOW_LOOPBACK = False
    create_endpoint("https://rebind.example.org/hook", [])
    monkeypatch.setattr(egress, "resolve", lambda host, port: ["10.1.2.3"])
    sent = record_event(EventKind.JOB_FAILED, title="x").deliveries.get()
    delivery.attempt(sent.pk)
    sent.refresh_from_db()
    assert "egress policy" in sent.error and "10.1.2.3" in sent.error and sent.response_code is None


HOSTILE_TITLE = "</title><script>alert(1)</script>]]>&amp;\x00\x1b\x0b\ud800\ufffe <b>é</b>"


def test_hostile_titles_and_summaries_stay_text_in_a_valid_atom_document(auditor_client):
    record_event(EventKind.JOB_FAILED, title=HOSTILE_TITLE, summary=HOSTILE_TITLE + "\r\n<![CDATA[x]]>")
    response = auditor_client.get("/feeds/atom.xml")
    root = ElementTree.fromstring(response.content)
    ns = {"a": atom.ATOM_NS}
    entry = root.find("a:entry", ns)
    expected = "</title><script>alert(1)</script>]]>&amp;\ufffd\ufffd\ufffd\ufffd\ufffd <b>é</b>"
    assert entry.findtext("a:title", namespaces=ns) == expected
    assert entry.findtext("a:summary", namespaces=ns).startswith(expected)
    assert root.find(".//script") is None and b"<script>" not in response.content


def test_a_title_with_header_syntax_reaches_the_receiver_only_inside_the_signed_body(settings):
    settings.PEDIGREE_WEBHOOK_ALLOW_LOOPBACK = True
    receiver, server = start_receiver()
    try:
        _, secret = create_endpoint(receiver.url, [])
        title = "release ingested\r\nX-Injected: 1\r\n\r\n{\"kind\": \"forged\"}"
        sent = record_event(EventKind.RELEASE_INGESTED, title=title).deliveries.get()
        delivery.attempt(sent.pk)
    finally:
        server.shutdown()
        server.server_close()
    [got] = receiver.requests
    assert "X-Injected" not in got.headers and got.headers["X-Pedigree-Event"] == "release.ingested"
    assert signatures.verify(secret, got.headers["X-Pedigree-Timestamp"], got.body,
                             got.headers["X-Pedigree-Signature"], now=time.time())
    import json

    assert json.loads(got.body)["title"] == title and json.loads(got.body)["kind"] == "release.ingested"


@pytest.mark.parametrize("link", ["//evil.example/x", "/\\evil.example/x", "https://evil.example/", "javascript:x",
                                  "releases/1/", "/releases/1/\r\nLocation: x"])
def test_an_event_link_that_would_leave_the_site_is_refused(link):
    with pytest.raises(ValueError, match="site-relative"):
        record_event(EventKind.JOB_FAILED, title="x", link=link)


def test_hostile_feed_parameters_get_400(auditor_client):
    queries = ["before=99999999999999999999", "before=-1", "before=1e3", "kind=<x>", "kind=job.failed%00"]
    assert {query: auditor_client.get(f"/feeds/atom.xml?{query}").status_code for query in queries} == \
        dict.fromkeys(queries, 400)


def test_a_hostile_distribution_filter_matches_nothing(auditor_client):
    record_event(EventKind.JOB_FAILED, title="x")
    root = ElementTree.fromstring(auditor_client.get("/feeds/atom.xml?distribution=' OR 1=1 --").content)
    assert root.findall(f"{{{atom.ATOM_NS}}}entry") == []


def test_a_bearer_header_with_a_wrong_key_gets_401_on_the_feed(db):
    assert Client(HTTP_AUTHORIZATION="Bearer pdg_00000000_" + "x" * 43).get("/feeds/atom.xml").status_code == 401
