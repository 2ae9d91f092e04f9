"""Interface language: English or Chinese, from the `lang` cookie or else Accept-Language.

Interface strings are translated by Flask-Babel (webapp/translations); content strings come from
the content itself (`Text.get(lang)`). To update the translations, from the project root:

    .venv/bin/pybabel extract -F webapp/babel.cfg -k _l -o /tmp/messages.pot .
    .venv/bin/pybabel update -i /tmp/messages.pot -d webapp/translations
    (translate webapp/translations/zh/LC_MESSAGES/messages.po)
    .venv/bin/pybabel compile -d webapp/translations
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel

LANGUAGES = ("en", "zh")
COOKIE = "lang"
HTML_LANG = {"en": "en", "zh": "zh-CN"}  # zh-CN so browsers pick Simplified Chinese glyphs
COOKIE_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """The language of this request: the cookie when valid, else the browser's best match."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def current_lang() -> str:
    """'en' or 'zh' for this request (what content and downloads follow)."""
    return select_locale()


def init_i18n(app: Flask) -> None:
    """Install Flask-Babel and the template globals of the language switch."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        current_lang=current_lang, html_lang=lambda: HTML_LANG[current_lang()]
    )
