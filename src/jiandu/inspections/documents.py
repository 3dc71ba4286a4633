"""Word documents of the inspection workflow: the feedback opinion (反馈意见) handed to an
inspected organization. Built with python-docx, in the language of the current request."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import quote

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from .models import Finding, TargetFeedback
from .services.feedback import rectification_due
from .services.reporting import group_by_category, heading_number

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LATIN_FONT = "Times New Roman"
CHINESE_FONT = "仿宋"
HEADING_FONT = "黑体"


def long_date(date: dt.date) -> str:
    """2026年5月26日 in Chinese, 26 May 2026 in English."""
    if (get_language() or "zh").startswith("zh"):
        return f"{date.year}年{date.month}月{date.day}日"
    return formats.date_format(date, "j F Y")


def opinion_findings(feedback: TargetFeedback) -> list[Finding]:
    """The problems an opinion lists: once delivered, the findings fed back; before,
    the findings of the adopted report that delivery will feed back."""
    state = (
        Finding.State.FED_BACK
        if feedback.state == TargetFeedback.State.DELIVERED
        else Finding.State.IN_REPORT
    )
    return list(
        Finding.objects.filter(target_id=feedback.target_id, state=state)
        .select_related("category")
        .order_by("category__sort_order", "category__code", "id")
    )


def due_date(feedback: TargetFeedback) -> dt.date:
    return feedback.rectification_due or rectification_due(feedback.date)


def _font(paragraph: Paragraph, east_asian: str, size: float | None = None) -> None:
    for run in paragraph.runs:
        run.font.name = LATIN_FONT
        if size is not None:
            run.font.size = Pt(size)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def _lines(document: Any, text: str) -> None:
    for line in text.splitlines():
        if line.strip():
            paragraph = document.add_paragraph(line.strip())
            paragraph.paragraph_format.first_line_indent = Pt(28)
            _font(paragraph, CHINESE_FONT)


def build_feedback_opinion(feedback: TargetFeedback) -> bytes:
    """The feedback opinion of `feedback` as the bytes of a .docx file: heading,
    recipient, the problems grouped by category, the requirements, the rectification
    deadline and the signature of the team and round."""
    target = feedback.target
    unit, team, round = target.org_unit, target.team, target.round
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CHINESE_FONT)
    heading = _("Feedback opinion on the inspection of %(unit)s") % {"unit": unit.name}
    document.core_properties.title = heading
    document.core_properties.author = f"{round.name} {team.name}"

    if feedback.state != TargetFeedback.State.DELIVERED:
        draft = document.add_paragraph(_("DRAFT — not delivered"))
        draft.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(draft, HEADING_FONT)
    title = document.add_heading(heading, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title, "方正小标宋简体", 22)

    recipient = document.add_paragraph(
        _("To the Party committee (leadership team) of %(unit)s:") % {"unit": unit.name}
    )
    _font(recipient, CHINESE_FONT)
    _lines(
        document,
        _(
            "In accordance with the arrangements of %(round)s, %(team)s inspected "
            "%(unit)s. The problems found are fed back as follows."
        )
        % {"round": round.name, "team": team.name, "unit": unit.name},
    )

    section = document.add_heading(_("Problems found"), level=1)
    _font(section, HEADING_FONT)
    groups = group_by_category(opinion_findings(feedback))
    if not groups:
        _lines(document, _("No problem to feed back."))
    for index, (category, findings) in enumerate(groups, start=1):
        head = document.add_heading(f"{heading_number(index)}{category.name}", level=2)
        _font(head, HEADING_FONT)
        for number, finding in enumerate(findings, start=1):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(28)
            paragraph.add_run(f"{number}. {finding.title}").bold = True
            _font(paragraph, CHINESE_FONT)
            _lines(document, finding.description)

    section = document.add_heading(_("Requirements"), level=1)
    _font(section, HEADING_FONT)
    _lines(document, feedback.requirements)
    _lines(
        document,
        _("Please submit the rectification report by %(date)s.")
        % {"date": long_date(due_date(feedback))},
    )

    for text in (f"{round.name} {team.name}", long_date(feedback.date)):
        signature = document.add_paragraph(text)
        signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(signature, CHINESE_FONT)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def opinion_filename(feedback: TargetFeedback) -> str:
    name = _("Feedback opinion")
    return f"{name}-{feedback.target.org_unit.name}-{feedback.date.isoformat()}.docx"


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment header with an ASCII fallback name and the RFC 5987 UTF-8 name."""
    ascii_name = fallback.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
