"""Translations: the catalogues are complete, compiled, in step with the source, and used.

zh_Hans is the default language and must translate every message; en may leave msgstr
empty (Django then shows the English msgid). To refresh the catalogues after changing
user-visible text (needs GNU gettext):

    cd src/jiandu && jiandu manage makemessages --locale zh_Hans --locale en \
        --no-obsolete --ignore 'static/vendor/*' --ignore 'demo/*'
    # translate the new entries in locale/zh_Hans/LC_MESSAGES/django.po, then
    cd src/jiandu && jiandu manage compilemessages
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client

import jiandu

PACKAGE_DIR = Path(jiandu.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ("zh_Hans", "en")
MAKEMESSAGES_FLAGS = ["--no-obsolete", "--ignore", "static/vendor/*", "--ignore", "demo/*"]
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
REFRESH = (
    "refresh with: cd src/jiandu && jiandu manage makemessages --locale zh_Hans --locale en "
    "--no-obsolete --ignore 'static/vendor/*' --ignore 'demo/*'; translate the new zh_Hans "
    "entries; then jiandu manage compilemessages"
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")

Key = tuple[str | None, str, str | None]


def _po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def _po(language: str) -> polib.POFile:
    path = _po_path(language)
    assert path.exists(), f"{path} is missing; {REFRESH}"
    return polib.pofile(str(path))


def _key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def _show(keys: set[Key]) -> str:
    return "\n".join(
        f"  {k[1]!r}" + (f" (context {k[0]!r})" if k[0] else "") for k in sorted(keys, key=str)
    )


# (a) complete and well-formed catalogues


def test_zh_hans_translates_every_message() -> None:
    po = _po("zh_Hans")
    assert not po.metadata_is_fuzzy, "the zh_Hans header is marked fuzzy"
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert po.metadata.get("Content-Type") == "text/plain; charset=UTF-8"
    untranslated = {_key(e) for e in _live(po) if not e.fuzzy and not e.translated()}
    fuzzy = {_key(e) for e in _live(po) if e.fuzzy}
    assert not untranslated, f"untranslated zh_Hans messages:\n{_show(untranslated)}"
    assert not fuzzy, f"fuzzy zh_Hans messages (check, then drop the flag):\n{_show(fuzzy)}"
    for entry in _live(po):
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0], f"{entry.msgid!r}: Chinese has one form"


def test_en_catalogue_is_valid() -> None:
    po = _po("en")
    assert not po.metadata_is_fuzzy, "the en header is marked fuzzy"
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert not [e.msgid for e in _live(po) if e.fuzzy], "fuzzy en messages"
    for entry in _live(po):
        if entry.msgid_plural and any(entry.msgstr_plural.values()):
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
    assert {_key(e) for e in _live(po)} == {_key(e) for e in _live(_po("zh_Hans"))}, (
        f"the en and zh_Hans catalogues list different messages; {REFRESH}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    for entry in _live(_po(language)):
        if entry.msgid_plural:
            expected = set(PLACEHOLDER.findall(entry.msgid_plural))
            for form in entry.msgstr_plural.values():
                if form:
                    assert set(PLACEHOLDER.findall(form)) == expected, (entry.msgid, form)
        elif entry.msgstr:
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), (entry.msgid, entry.msgstr)


# (b) the committed .mo files are compiled from the committed .po files


def _mo_content(mo: polib.MOFile) -> tuple[dict[str, str], set[tuple[object, ...]]]:
    entries = {(*_key(e), e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo if e.msgid}
    # msgfmt leaves POT-Creation-Date out of the compiled header.
    header = {k: v for k, v in mo.metadata.items() if k != "POT-Creation-Date"}
    return header, entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_up_to_date(language: str) -> None:
    mo_path = _po_path(language).with_suffix(".mo")
    assert mo_path.exists(), (
        f"{mo_path} is missing; run: cd src/jiandu && jiandu manage compilemessages"
    )
    expected = _mo_content(polib.mofile(_po(language).to_binary()))
    committed = _mo_content(polib.mofile(str(mo_path)))
    assert committed[0] == expected[0], f"{mo_path} has another header than the .po"
    stale = expected[1] ^ committed[1]
    assert not stale, (
        f"{mo_path} is out of date with the .po ({len(stale)} entries differ); "
        "run: cd src/jiandu && jiandu manage compilemessages"
    )


# (c) every user-visible string of the source is in the catalogues, and nothing else


def _skip_when_copying(directory: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".mo"))}
    if Path(directory) == PACKAGE_DIR:
        skipped.add("locale")
    if Path(directory) == PACKAGE_DIR / "static":
        skipped.add("vendor")  # --ignore 'static/vendor/*'
    return skipped


def _extract(tmp_path: Path) -> set[Key]:
    """Run makemessages, as `make messages` does, on a copy of the package."""
    source = tmp_path / "src" / "jiandu"
    shutil.copytree(
        PACKAGE_DIR,
        source,
        ignore=_skip_when_copying,
    )
    (source / "locale").mkdir()
    # The real LOCALE_PATHS must not be touched: point them at the copy.
    settings_dir = tmp_path / "settings"
    settings_dir.mkdir()
    (settings_dir / "i18n_check_settings.py").write_text(
        "from jiandu.settings import *  # noqa: F403\n"
        f"LOCALE_PATHS = [{str(source / 'locale')!r}]\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "i18n_check_settings",
        "PYTHONPATH": os.pathsep.join(
            [str(settings_dir), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "zh_Hans",
            *MAKEMESSAGES_FLAGS,
        ],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    extracted = source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    return {_key(e) for e in _live(polib.pofile(str(extracted)))}


def test_catalogues_match_the_source(tmp_path: Path) -> None:
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        if os.environ.get("CI"):
            pytest.fail(f"GNU gettext is required in CI; missing: {', '.join(missing_tools)}")
        pytest.skip(f"GNU gettext is not installed (missing {', '.join(missing_tools)})")
    in_source = _extract(tmp_path)
    for language in LANGUAGES:
        catalogued = {_key(e) for e in _live(_po(language))}
        missing = in_source - catalogued
        extra = catalogued - in_source
        assert not missing, (
            f"user-visible text missing from the {language} catalogue:\n{_show(missing)}\n{REFRESH}"
        )
        assert not extra, (
            f"the {language} catalogue lists messages no longer in the source:\n"
            f"{_show(extra)}\n{REFRESH}"
        )


# (d) the catalogues are used


@pytest.mark.django_db
def test_login_page_in_chinese(settings: Any) -> None:
    response = Client(headers={"accept-language": "zh-hans"}).get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "巡视、整改与监督平台" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_login_page_in_english(settings: Any) -> None:
    response = Client(headers={"accept-language": "en"}).get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert "Inspection, rectification and supervision platform" in html
    assert "登录" not in html


@pytest.mark.django_db
def test_chinese_is_the_default(settings: Any) -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html


@pytest.mark.django_db
def test_language_switch_sets_the_cookie(settings: Any) -> None:
    client = Client(headers={"accept-language": "zh-hans"})
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    # The cookie outranks the browser's Accept-Language.
    assert "Sign in" in client.get("/accounts/login/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "登录" in client.get("/accounts/login/").content.decode()
