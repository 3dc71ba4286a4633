"""Word documents of rectification, generated from the lists (python-docx, in the
language of the request): the rectification report, the top leader's report on
organizing it, the disclosure (internal circular, or the public version that leaves out
every problem marked with one of the five exempt kinds of content), and the letters of
the escalation ladder."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from jiandu.inspections.documents import DOCX_TYPE, content_disposition, long_date

from . import statistics
from .models import Escalation, Plan, Problem

__all__ = ["DOCX_TYPE", "content_disposition"]

LATIN_FONT = "Times New Roman"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"


def _style(paragraph: Any, font: str, size: float | None = None, bold: bool = False) -> None:
    for run in paragraph.runs:
        run.font.name = LATIN_FONT
        run.bold = bold or None
        if size is not None:
            run.font.size = Pt(size)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


class _Doc:
    def __init__(self, title: str) -> None:
        self.document = Document()
        normal = self.document.styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = Pt(14)
        heading = self.document.add_paragraph(title)
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _style(heading, "方正小标宋简体", 20, bold=True)

    def heading(self, text: str) -> None:
        _style(self.document.add_paragraph(text), HEADING_FONT, 15)

    def para(self, text: str, indent: bool = True) -> None:
        for line in text.splitlines() or [""]:
            if line.strip():
                paragraph = self.document.add_paragraph(line.strip())
                if indent:
                    paragraph.paragraph_format.first_line_indent = Pt(28)
                _style(paragraph, BODY_FONT)

    def right(self, text: str) -> None:
        paragraph = self.document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _style(paragraph, BODY_FONT)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def _problems(plan: Plan) -> list[Problem]:
    return list(
        plan.problems.exclude(state=Problem.State.MERGED)
        .prefetch_related("tasks__leader", "results")
        .order_by("number")
    )


def _problem_section(doc: _Doc, problem: Problem) -> None:
    doc.heading(f"{problem.number}. {problem.title}")
    doc.para(
        _("Status: %(status)s; %(state)s.")
        % {"status": problem.get_status_display(), "state": problem.get_state_display()}
    )
    for task in problem.tasks.all():
        doc.para(
            _(
                "Measure %(n)s (%(kind)s, due %(due)s; responsible leader %(leader)s, "
                "%(department)s, %(person)s): %(measure)s — %(state)s."
            )
            % {
                "n": f"{problem.number}.{task.number}",
                "kind": task.get_kind_display(),
                "due": long_date(task.deadline),
                "leader": task.leader.name,
                "department": task.department,
                "person": task.person,
                "measure": task.measure,
                "state": task.get_state_display(),
            }
        )
    for result in problem.results.all():
        doc.para(_("Result: %(text)s") % {"text": result.text})


def rectification_report(plan: Plan) -> bytes:
    unit = plan.target.org_unit
    doc = _Doc(
        _("Report of %(unit)s on the rectification of the inspection findings")
        % {"unit": unit.name}
    )
    stats = statistics.statistics(plan.problems.all())
    doc.para(
        _(
            "In the %(round)s, the inspection team gave its feedback to %(unit)s. The unit "
            "rectified the problems one by one under its problem, task and responsibility "
            "lists (version %(version)s). Progress: %(stats)s."
        )
        % {
            "round": plan.target.round.name,
            "unit": unit.name,
            "version": plan.version,
            "stats": stats.describe(),
        }
    )
    for problem in _problems(plan):
        _problem_section(doc, problem)
    leader = plan.top_leader.name if plan.top_leader else ""
    doc.right(_("Top leader, first responsible: %(name)s (signature)") % {"name": leader})
    doc.right(unit.name)
    doc.right(long_date(timezone.localdate()))
    return doc.bytes()


def leader_report(plan: Plan) -> bytes:
    unit = plan.target.org_unit
    leader = plan.top_leader.name if plan.top_leader else ""
    doc = _Doc(
        _("Report of the top leader of %(unit)s on organizing the rectification")
        % {"unit": unit.name}
    )
    problems = _problems(plan)
    tasks = [t for p in problems for t in p.tasks.all()]
    led = [t for t in tasks if plan.top_leader_id and t.leader_id == plan.top_leader_id]
    leaders = sorted({t.leader.name for t in tasks})
    supervision = plan.supervision.count()
    doc.para(
        _(
            "As the top leader and first responsible for the rectification, %(leader)s "
            "organized the leadership team to study the feedback, approved the lists "
            "(%(problems)d problems, %(tasks)d measures) and answered personally for "
            "%(led)d measures. The responsible leaders were %(leaders)s. The supervising "
            "bodies recorded %(supervision)d on-site checks and joint reviews."
        )
        % {
            "leader": leader,
            "problems": len(problems),
            "tasks": len(tasks),
            "led": len(led),
            "leaders": "、".join(leaders) or "-",
            "supervision": supervision,
        }
    )
    doc.para(
        _("Progress: %(stats)s.") % {"stats": statistics.statistics(plan.problems.all()).describe()}
    )
    doc.right(_("%(name)s (signature)") % {"name": leader})
    doc.right(long_date(timezone.localdate()))
    return doc.bytes()


def disclosure(plan: Plan, *, public: bool) -> bytes:
    """The internal circular lists every problem; the public version leaves out every
    problem marked with an exempt kind of content (and says only how many were left out
    in the internal version)."""
    unit = plan.target.org_unit
    title = (
        _("Public disclosure of the rectification progress of %(unit)s")
        if public
        else _("Internal circular on the rectification progress of %(unit)s")
    )
    doc = _Doc(title % {"unit": unit.name})
    problems = _problems(plan)
    shown = [p for p in problems if not (public and p.exempt)]
    doc.para(
        _("Progress: %(stats)s.") % {"stats": statistics.statistics(plan.problems.all()).describe()}
    )
    for problem in shown:
        doc.heading(f"{problem.number}. {problem.title}")
        doc.para(problem.get_status_display())
        for result in problem.results.all():
            doc.para(result.text)
        if not public and problem.exempt:
            doc.para(
                _("Not for public disclosure: %(kind)s.") % {"kind": problem.get_exempt_display()}
            )
    doc.right(unit.name)
    doc.right(long_date(timezone.localdate()))
    return doc.bytes()


def escalation_letter(escalation: Escalation) -> bytes:
    plan = escalation.plan
    unit = plan.target.org_unit
    doc = _Doc(escalation.get_level_display())
    doc.right(escalation.reference)
    doc.para(f"{unit.name}：", indent=False)
    if escalation.problem is not None:
        doc.para(
            _("Concerning problem %(n)s, “%(title)s”:")
            % {"n": escalation.problem.number, "title": escalation.problem.title}
        )
    doc.para(escalation.reason)
    doc.heading(_("Requirements"))
    doc.para(escalation.requirements)
    doc.right(long_date(timezone.localtime(escalation.issued_at).date()))
    return doc.bytes()


def filename(plan: Plan, label: str) -> tuple[str, str]:
    """(UTF-8 name, ASCII fallback) of a document about `plan`."""
    return f"{plan.target.org_unit.name_zh}{label}.docx", f"rectification-{plan.pk}.docx"
