"""Interface language: English or Chinese, from the `lang` cookie or else Accept-Language.

Interface strings are translated by Flask-Babel (webapp/translations); content strings come from
the content itself (`Text.get(lang)`). To update the translations, from the project root:

    .venv/bin/pybabel extract -F webapp/babel.cfg -k _l -o /tmp/messages.pot .
    .venv/bin/pybabel update -i /tmp/messages.pot -d webapp/translations
    (translate webapp/translations/zh/LC_MESSAGES/messages.po)
    .venv/bin/pybabel compile -d webapp/translations
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, has_request_context, request
from flask_babel import Babel, get_translations

from assessment.content.framework import Framework

LANGUAGES = ("en", "zh")
COOKIE = "lang"
HTML_LANG = {"en": "en", "zh": "zh-CN"}  # zh-CN so browsers pick Simplified Chinese glyphs
COOKIE_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """The language of this request: the cookie when valid, else the browser's best match."""
    # Asked ~50 times by a page: worked out once per request (kept in the request's own environ,
    # which, unlike `g`, never outlives the request, even under a test's app context).
    chosen = request.environ.get("tqm.lang")
    if chosen is None:
        chosen = request.cookies.get(COOKIE)
        if chosen not in LANGUAGES:
            chosen = request.accept_languages.best_match(LANGUAGES, default="en") or "en"
        request.environ["tqm.lang"] = chosen
    return str(chosen)


def current_lang() -> str:
    """'en' or 'zh' for this request (what content and downloads follow)."""
    return select_locale()


def role_labels(frameworks: Iterable[Framework]) -> dict[str, str]:
    """Each respondent role's name in this request's language, as the frameworks declare it (the
    first framework naming a role names it), in the frameworks' order."""
    lang = current_lang()
    out: dict[str, str] = {}
    for framework in frameworks:
        for role in framework.roles:
            out.setdefault(role.id, role.name.get(lang))
    return out


def init_i18n(app: Flask) -> None:
    """Install Flask-Babel and the template globals of the language switch."""
    Babel(app, locale_selector=select_locale)
    # Flask-Babel's template gettext looks the translations up through three context lookups per
    # string (~25% of a page's time); here once per request. Same semantics (newstyle gettext).
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(
        current_lang=current_lang, html_lang=lambda: HTML_LANG[current_lang()]
    )


def _translations() -> Any:
    """This request's Flask-Babel translations, looked up once."""
    if not has_request_context():
        return get_translations()
    translations = request.environ.get("tqm.translations")
    if translations is None:
        translations = request.environ["tqm.translations"] = get_translations()
    return translations
