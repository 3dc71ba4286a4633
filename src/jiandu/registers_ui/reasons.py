"""The reasons of rejected rows, in the reader's language (the codes and parameters of
`jiandu.analytics.registers.report.REASONS`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Any] = {
    "empty_file": _("the file is empty"),
    "unreadable": _("the file cannot be read: %(detail)s"),
    "no_sheet": _("the workbook has no sheet named %(register)s"),
    "two_files": _("the register comes in more than one file: %(files)s"),
    "malformed": _("malformed line: %(detail)s"),
    "bad_encoding": _("the line is not UTF-8 text (and the file is not GB18030 either)"),
    "gb18030": _("the file is not UTF-8: read as GB18030 (GBK)"),
    "missing_column": _("the required column is missing"),
    "required": _("a value is required"),
    "bad_date": _("not a date (YYYY-MM-DD)"),
    "bad_timestamp": _("not a timestamp (YYYY-MM-DD HH:MM[:SS], optionally with a zone)"),
    "bad_amount": _("not a number"),
    "bad_bool": _("not true or false"),
    "bad_month": _("not a month (YYYY-MM)"),
    "not_allowed": _("not one of %(allowed)s"),
    "duplicate_id": _("duplicate id: also on row %(first)s"),
    "dangling": _("refers to an unknown %(target)s id"),
    "bad_json": _("not a JSON object: %(detail)s"),
    "no_ocid": _("the release has no ocid"),
    "duplicate_ocid": _("duplicate ocid: also on line %(first)s of %(file)s"),
    "id_number": _("invalid ID number (%(problem)s): kept as given, not used to match people"),
    "uscc": _("invalid credit code (%(problem)s): kept as given, not used to match organizations"),
}

STATUSES: dict[str, Any] = {
    "loaded": _("loaded"),
    "unchanged": _("unchanged"),
    "rejected": _("rejected"),
    "failed": _("failed"),
}


def reason(code: str, params: dict[str, Any]) -> str:
    text = REASONS.get(code)
    if text is None:
        return code
    try:
        return str(text) % params
    except (KeyError, TypeError, ValueError):
        return str(text)
