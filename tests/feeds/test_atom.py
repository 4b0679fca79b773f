"""/feeds/atom.xml: an RFC 4287 document of the events, newest first, filtered and paged (RFC 5005)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from defusedxml import ElementTree
from django.test import Client

from access.models import AccessLog
from access.services import issue_api_key
from audits.models import Distribution
from feeds import atom
from feeds.models import EventKind
from feeds.services.events import record_event

pytestmark = pytest.mark.django_db
NS = {"a": atom.ATOM_NS}


def _key_client(admin, *scopes: str) -> Client:
    _, secret = issue_api_key(f"feed-{'-'.join(scopes)}", list(scopes), created_by=admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _parse(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ElementTree.fromstring(response.content)


def _titles(root) -> list[str]:
    return [entry.findtext("a:title", namespaces=NS) for entry in root.findall("a:entry", NS)]


@pytest.fixture
def events(db):
    dist = Distribution.objects.create(name="azurelinux")
    other = Distribution.objects.create(name="other")
    made = [
        record_event(EventKind.JOB_FAILED, title="job 1 failed", summary="no network", link="/"),
        record_event(EventKind.COMPONENT_DIVERGED, title="curl diverged", summary="pinned", distribution=dist,
                     link="/releases/1/components/curl/", payload={"component": "curl"}),
        record_event(EventKind.COMPONENT_DIVERGED, title="bash diverged", distribution=other, link="/releases/2/"),
    ]
    return made


def test_a_feed_has_every_element_rfc_4287_requires_and_its_entries_newest_first(auditor_client, events):
    root = _parse(auditor_client.get("/feeds/atom.xml"))
    assert root.tag == f"{{{atom.ATOM_NS}}}feed"
    assert root.findtext("a:id", namespaces=NS).startswith("urn:uuid:")
    assert root.findtext("a:title", namespaces=NS) == "Pedigree events"
    assert dt.datetime.fromisoformat(root.findtext("a:updated", namespaces=NS).replace("Z", "+00:00")) == \
        events[-1].created_at.replace(microsecond=0)
    assert root.findtext("a:author/a:name", namespaces=NS) == "Pedigree"
    self_link = root.find("a:link[@rel='self']", NS)
    assert self_link.get("href") == "http://testserver/feeds/atom.xml"
    assert _titles(root) == ["bash diverged", "curl diverged", "job 1 failed"]
    curl = root.findall("a:entry", NS)[1]
    assert curl.findtext("a:id", namespaces=NS) == f"urn:uuid:{events[1].uuid}"
    assert curl.find("a:link[@rel='alternate']", NS).get("href") == "http://testserver/releases/1/components/curl/"
    assert curl.findtext("a:summary", namespaces=NS) == "pinned"
    assert curl.find("a:category", NS).get("term") == "component.diverged"
    assert curl.findtext("a:updated", namespaces=NS).endswith("Z")


def test_the_feed_filters_by_kind_and_by_distribution(auditor_client, events):
    assert _titles(_parse(auditor_client.get("/feeds/atom.xml?kind=job.failed"))) == ["job 1 failed"]
    root = _parse(auditor_client.get("/feeds/atom.xml?distribution=azurelinux&kind=component.diverged"))
    assert _titles(root) == ["curl diverged"]
    assert root.findtext("a:title", namespaces=NS) == "Pedigree events, kind component.diverged, distribution azurelinux"


def test_an_unknown_kind_is_a_400_naming_the_kinds(auditor_client, events):
    response = auditor_client.get("/feeds/atom.xml?kind=everything")
    assert response.status_code == 400 and "release.ingested" in response.content.decode()


def test_the_feed_is_paged_with_next_links_until_the_oldest_entry(auditor_client, events, settings):
    settings.PEDIGREE_FEED_PAGE_SIZE = 2
    root = _parse(auditor_client.get("/feeds/atom.xml"))
    assert _titles(root) == ["bash diverged", "curl diverged"]
    assert root.find("a:link[@rel='first']", NS).get("href") == "http://testserver/feeds/atom.xml"
    following = urlsplit(root.find("a:link[@rel='next']", NS).get("href"))
    last = _parse(auditor_client.get(f"{following.path}?{following.query}"))
    assert _titles(last) == ["job 1 failed"] and last.find("a:link[@rel='next']", NS) is None
    assert last.findtext("a:id", namespaces=NS) == root.findtext("a:id", namespaces=NS)  # the same feed


def test_an_empty_feed_is_still_a_valid_document(auditor_client):
    root = _parse(auditor_client.get("/feeds/atom.xml"))
    assert root.findall("a:entry", NS) == [] and root.findtext("a:updated", namespaces=NS)


def test_without_credentials_the_feed_answers_401_not_a_sign_in_page(events):
    response = Client().get("/feeds/atom.xml")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("scopes", [("feed",), ("read",)])
def test_an_api_key_with_the_feed_or_read_scope_reads_the_feed(portal_admin, events, scopes):
    assert len(_titles(_parse(_key_client(portal_admin, *scopes).get("/feeds/atom.xml")))) == 3


def test_an_api_key_without_the_feed_scope_gets_403(portal_admin, events):
    response = _key_client(portal_admin, "export", "jobs").get("/feeds/atom.xml")
    assert response.status_code == 403 and "'feed'" in response.json()["detail"]


def test_a_feed_key_reads_nothing_else(portal_admin, events):
    client = _key_client(portal_admin, "feed")
    assert client.get("/api/v1/releases/").status_code == 403


def test_an_account_without_a_role_gets_403(client, outsider, events):
    client.force_login(outsider)
    assert client.get("/feeds/atom.xml").status_code == 403


def test_reading_the_feed_is_in_the_access_log_with_the_key_name(portal_admin, events):
    _key_client(portal_admin, "feed").get("/feeds/atom.xml")
    assert AccessLog.objects.filter(api_key_name="feed-feed", target__contains="Atom feed").exists()


def test_an_unchanged_feed_answers_304_to_its_etag(auditor_client, events):
    first = auditor_client.get("/feeds/atom.xml")
    assert auditor_client.get("/feeds/atom.xml", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
