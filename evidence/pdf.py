"""PURE PYTHON: the auditor's PDF report of a bundle, drawn with reportlab.

`invariant=1` fixes the creation date and document ID, so the same sections give the same bytes.
Every text is escaped before it reaches reportlab's paragraph markup: spec text, overlay
descriptions and commit messages come from the repository and are untrusted.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

MAX_CELL = 600  # characters per table cell: a report, not a dump (the JSON files hold everything)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = field(default=())  # fractions of the text width, one per column


def _text(value: str, limit: int | None = None) -> str:
    value = value if limit is None or len(value) <= limit else value[: limit - 1] + "…"
    # The standard PDF fonts cover Latin-1; anything else would print as an empty box, so say what it was.
    value = "".join(ch if ord(ch) < 256 else f"U+{ord(ch):04X}" for ch in value)
    return escape(value).replace("\n", "<br/>")


def render_pdf(title: str, subtitle: str, sections: list[Section]) -> bytes:
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, author="Pedigree", subject=subtitle, invariant=1,
                            leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm)
    story = [Paragraph(_text(title), styles["Title"]), Paragraph(_text(subtitle), body), Spacer(1, 4 * mm)]
    for section in sections:
        story.append(Paragraph(_text(section.heading), styles["Heading2"]))
        story.extend(Paragraph(_text(p), body) for p in section.paragraphs)
        if section.rows:
            widths = [doc.width * w for w in section.widths] if section.widths else None
            data = [[Paragraph(f"<b>{_text(h)}</b>", small) for h in section.header]] if section.header else []
            data += [[Paragraph(_text(cell, MAX_CELL), small) for cell in row] for row in section.rows]
            table = LongTable(data, colWidths=widths, repeatRows=1 if section.header else 0)
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]))
            story.append(table)
        story.append(Spacer(1, 3 * mm))
    doc.build(story)
    return out.getvalue()
