"""An Atom 1.0 document (RFC 4287) with RFC 5005 paging links (PURE PYTHON: no Django).

Every text goes through the XML writer's escaping, and characters XML 1.0 cannot carry (most C0
controls, lone surrogates, U+FFFE/U+FFFF) are replaced, so no title or summary can break the
document or inject markup.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """`text` with every character XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def timestamp(moment: dt.datetime) -> str:
    """RFC 3339, UTC, seconds."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Entry:
    id: str  # an IRI: urn:uuid:... or tag:...
    title: str
    updated: dt.datetime
    link: str  # absolute URL of the page the entry is about (rel="alternate")
    summary: str = ""
    category: str = ""  # the event kind


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    updated: dt.datetime
    author: str
    self_link: str
    alternate_link: str = ""
    next_link: str = ""  # RFC 5005 paged feed: the next (older) page
    first_link: str = ""
    entries: list[Entry] = field(default_factory=list)


class _Writer:
    def __init__(self) -> None:
        self.out = io.StringIO()
        self.xml = XMLGenerator(self.out, encoding="utf-8", short_empty_elements=True)

    def start(self, name: str, **attributes: str) -> None:
        self.xml.startElement(name, AttributesImpl({key.rstrip("_"): clean(value) for key, value in attributes.items()}))

    def element(self, name: str, text: str = "", **attributes: str) -> None:
        self.start(name, **attributes)
        if text:
            self.xml.characters(clean(text))
        self.xml.endElement(name)

    def link(self, rel: str, href: str, type_: str = "") -> None:
        if href:
            self.element("link", rel=rel, href=href, **({"type_": type_} if type_ else {}))


def render(feed: Feed) -> bytes:
    """The feed as a UTF-8 Atom document."""
    w = _Writer()
    w.xml.startDocument()
    w.start("feed", xmlns=ATOM_NS)
    w.element("id", feed.id)
    w.element("title", feed.title)
    w.element("updated", timestamp(feed.updated))
    w.start("author")
    w.element("name", feed.author)
    w.xml.endElement("author")
    w.link("self", feed.self_link, "application/atom+xml")
    w.link("first", feed.first_link, "application/atom+xml")
    w.link("next", feed.next_link, "application/atom+xml")
    w.link("alternate", feed.alternate_link, "text/html")
    for entry in feed.entries:
        w.start("entry")
        w.element("id", entry.id)
        w.element("title", entry.title, type_="text")
        w.element("updated", timestamp(entry.updated))
        w.link("alternate", entry.link, "text/html")
        if entry.category:
            w.element("category", term=entry.category)
        if entry.summary:
            w.element("summary", entry.summary, type_="text")
        w.xml.endElement("entry")
    w.xml.endElement("feed")
    w.xml.endDocument()
    return w.out.getvalue().encode("utf-8")
