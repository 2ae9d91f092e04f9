"""English and Chinese: choosing, switching, and the completeness of the translations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from helpers import ROOT
from helpers.frameworks import TQM

if TYPE_CHECKING:
    from helpers.web import Respondent

WEBAPP = ROOT / "webapp"
CATALOG = WEBAPP / "translations" / "zh" / "LC_MESSAGES"
Csrf = Callable[[FlaskClient, str], str]


def test_english_by_default(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "How mature is your organisation?" in page


def test_accept_language_zh_picks_chinese(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    text = page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in text
    assert "贵组织的管理成熟度如何" in text
    assert "全面质量管理成熟度快速自评" in text  # the content's own Chinese


def test_switching_language_sets_a_cookie_and_returns(client: FlaskClient, csrf: Csrf) -> None:
    token = csrf(client, "/start/tqm-quick")
    response = client.post(
        "/lang", data={"csrf_token": token, "lang": "zh", "next": "/start/tqm-quick"}
    )
    assert response.status_code == 303 and response.location == "/start/tqm-quick"
    cookie = response.headers["Set-Cookie"]
    assert "lang=zh" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/start/tqm-quick", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "开始评估" in page and '<html lang="zh-CN">' in page
    client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert "Begin the assessment" in client.get("/start/tqm-quick").get_data(as_text=True)


def test_every_page_has_the_switch(respondent: Respondent) -> None:
    paths = ["/", "/start/tqm-audit", f"/a/{respondent.token}", respondent.page("customer"),
             f"/a/{respondent.token}/review", "/no-such-page"]  # fmt: skip
    for path in paths:
        page = respondent.client.get(path).get_data(as_text=True)
        assert 'action="/lang"' in page and 'value="zh"' in page, path
        assert f'name="next" value="{path}"' in page, path


def test_switch_only_returns_to_local_pages(client: FlaskClient, csrf: Csrf) -> None:
    token = csrf(client, "/")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        response = client.post("/lang", data={"csrf_token": token, "lang": "zh", "next": target})
        assert response.location == "/", target


def test_unknown_language_is_ignored(client: FlaskClient, csrf: Csrf) -> None:
    response = client.post("/lang", data={"csrf_token": csrf(client, "/"), "lang": "fr"})
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]
    client.set_cookie("lang", "fr")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_survey_in_chinese(respondent: Respondent) -> None:
    respondent.client.set_cookie("lang", "zh")
    quick = respondent.library.questionnaires["tqm-quick"]
    question = quick.dimensions[0].questions[0]
    page = respondent.client.get(respondent.page("customer")).get_data(as_text=True)
    assert question.text.zh in page and question.text.en not in page
    assert question.anchors[1].zh.replace('"', "&#34;") in page
    assert "保存并继续" in page and "不清楚" in page
    bad = respondent.submit("customer", {question.id: 7})
    assert "该答案不在本题的选项之内" in bad.get_data(as_text=True)


def test_results_in_chinese(respondent: Respondent) -> None:
    respondent.answer_all(3)
    respondent.client.set_cookie("lang", "zh")
    page = respondent.client.get(f"/a/{respondent.token}/results").get_data(as_text=True)
    assert "第 3 级：发展" in page and "改进路线图" in page and "<svg" in page
    assert "关注顾客" in page


def test_catalog_translates_every_interface_string() -> None:
    catalog = read_po((CATALOG / "messages.po").open("rb"))
    extracted = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(WEBAPP),
            method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
            keywords={"_": None, "_l": None, "gettext": None, "ngettext": (1, 2)},
        )
    }
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    assert extracted - set(translated) == set(), "run pybabel extract/update (webapp/i18n.py)"
    assert [k for k, m in translated.items() if not m.string or "fuzzy" in m.flags] == []


def test_compiled_catalog_matches_the_po_file() -> None:
    def entries(catalog: Catalog) -> dict[str, tuple[str, ...]]:
        return {_key(m.id): tuple(_seq(m.string)) for m in catalog if m.id}

    source = entries(read_po((CATALOG / "messages.po").open("rb")))
    compiled = entries(read_mo((CATALOG / "messages.mo").open("rb")))
    assert compiled == source, "run: .venv/bin/pybabel compile -d webapp/translations"


def _seq(value: str | list[str] | tuple[str, ...]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _key(value: str | list[str] | tuple[str, ...]) -> str:
    return "\x00".join(_seq(value))


def test_role_names_are_the_reports_in_both_languages(client: FlaskClient) -> None:
    for lang, header in (("en", "en"), ("zh", "zh-CN")):
        # tqm-audit asks every role something (tqm-quick asks customers nothing: not listed)
        page = client.get("/start/tqm-audit", headers={"Accept-Language": header})
        text = page.get_data(as_text=True)
        for names in TQM.roles:
            assert f">{names.name.get(lang)}</option>" in text, (lang, names)
