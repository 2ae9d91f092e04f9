"""The report as PDF, through WeasyPrint (the only module that imports it).

Security: WeasyPrint's default fetcher follows <link>, @import, <img>, SVG <image> and
rel="attachment" to any URL. `StaticOnlyFetcher` allows `data:` URLs and files under the report's
static folder (plus the one CJK font file) and nothing else, with no redirects. User text is
escaped by the templates, so this is the second wall, not the first.

Accessibility and filing: every report is a tagged PDF (structure tree, /Lang, alternative text
for the charts, bookmarks, XMP metadata): PDF/UA-1 by default, or PDF/A-3b/3u for filing, and
carries its result JSON (the bytes `tqm score --format json` writes) as an embedded file (in
PDF/A-3, an associated file of the document). That attachment is passed in by this code;
attachments requested by markup (`<link rel=attachment>`) go through the fetcher and are refused.

WeasyPrint has no render timeout: `render_pdf_isolated` renders in a child process and kills it.

Speed: report.css is parsed once per process and the font configuration (fontconfig, Pango's
caches, the CJK @font-face file) made once per thread; the garbage collector pauses during a
render; the document itself is lean (see `html.render_html(for_pdf=True)`). `warm()` does the
once-per-process work ahead of the first report (an RQ worker calls it before it forks a
work-horse per job, so every horse starts warm). bench/report.py and bench/report_queue.py measure it.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import functools
import gc
import multiprocessing
import os
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ...engine.result import Result
from ...problems import TqmError
from .. import PDF_VARIANTS
from ..json_document import result_json
from .html import STATIC, cjk_font_file, compile_templates, font_face, render_html, stylesheet

MIME = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".ttf": "font/ttf",
        ".ttc": "font/collection", ".otf": "font/otf", ".woff2": "font/woff2"}  # fmt: skip


class RenderError(TqmError):
    """The PDF could not be rendered."""


class RenderTimeout(RenderError):
    """Rendering the PDF took longer than allowed; the renderer was stopped."""

    def __init__(self, timeout: float):
        super().__init__(f"PDF rendering took longer than {timeout:g} s and was stopped")


class BlockedURL(ValueError):
    """A resource the report may not load."""


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint ships no types
    """Fetches `data:` URLs and files under the static folder (or listed files); refuses the rest."""

    def __init__(self, root: Path = STATIC, files: Iterable[Path] = ()):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=5)
        self._root = Path(os.path.realpath(root))
        self._files = frozenset(Path(os.path.realpath(f)) for f in files)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """The resource at `url` if it is allowed; raise BlockedURL otherwise."""
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self.allowed_path(url)
            mime = MIME.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        raise BlockedURL(f"blocked URL {url[:200]!r}: only data: and the report's own files")

    def allowed_path(self, url: str) -> Path:
        """The real path a file: URL names, if it is one the report may read."""
        parts = urllib.parse.urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise BlockedURL(f"blocked URL {url[:200]!r}: remote file")
        path = Path(os.path.realpath(urllib.request.url2pathname(parts.path)))
        if (path in self._files or path.is_relative_to(self._root)) and path.is_file():
            return path
        raise BlockedURL(f"blocked URL {url[:200]!r}: outside the report's files")


def fetcher() -> StaticOnlyFetcher:
    """The fetcher every report render uses."""
    font = cjk_font_file()
    return StaticOnlyFetcher(STATIC, [font] if font else [])


@functools.cache
def report_css() -> CSS:
    """report.css parsed once per process (it has no @font-face: that is in each document)."""
    return CSS(string=stylesheet(), base_url=STATIC.as_uri() + "/", url_fetcher=fetcher())


_FONTS: dict[int, FontConfiguration] = {}  # thread id -> the font configuration of its reports


def report_fonts() -> FontConfiguration:
    """This thread's font configuration for reports, made once: fontconfig, Pango's font caches
    and the CJK @font-face file are loaded once per thread, not on every render (~5% of it).
    Only our own documents use it (their one @font-face is always the same)."""
    key = threading.get_ident()
    if key not in _FONTS:
        _FONTS[key] = FontConfiguration()
    return _FONTS[key]


def forget_fonts() -> None:
    """Drop the font configurations (each removes its temporary font folder when collected)."""
    _FONTS.clear()


atexit.register(forget_fonts)


def render_pdf(result: Result, lang: str, variant: str | None = None) -> bytes:
    """The report as PDF bytes (A4, fonts subset with HarfBuzz, no external resources), tagged,
    with the result JSON attached; `variant`: one of PDF_VARIANTS (default: PDF/UA-1)."""
    variant = variant or PDF_VARIANTS[0]
    if variant not in PDF_VARIANTS:
        raise RenderError(f"unknown PDF variant {variant!r}: one of {', '.join(PDF_VARIANTS)}")
    document = render_html(result, lang, for_pdf=True)
    options = {
        "pdf_variant": variant,
        "pdf_tags": True,
        "attachments": [result_attachment(result, lang)],
    }
    return html_to_pdf(document, (report_css(),), report_fonts(), options)


# What a report's first render loads once: each font face and size (Pango's look-ups), a table,
# a list, code, a chart (an SVG image with text, through WeasyPrint's SVG renderer), Chinese text.
WARM_CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
    '<polygon points="10,50 60,5 110,50" fill="#cde" stroke="#246"/>'
    '<text x="60" y="40" font-size="9" text-anchor="middle" font-weight="bold">Level 3 三级</text>'
    "</svg>"
)
WARM_DOCUMENT = (
    "<!DOCTYPE html><html lang='en'><head><style>{css}</style></head><body>"
    "<h1>Warm-up</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4>"
    "<p>Quality <b>practices</b> are <i>defined</i> and <code>applied</code>.</p>"
    "<ul><li>One</li></ul><table><thead><tr><th>Level</th></tr></thead>"
    "<tbody><tr><td>3</td></tr></tbody></table>"
    "<img alt='chart' src='data:image/svg+xml;base64,{chart}'>"
    "<section lang='zh-CN' class='lang-zh'><h2>预热</h2><p>质量<b>实践</b>。</p></section>"
    "</body></html>"
)


def warm() -> None:
    """Do now, once per process, what the first report would pay on top of every later one:
    compile the templates, parse report.css, make this thread's font configuration, and render a
    one-page document in Latin and Chinese through them (WeasyPrint's own stylesheets, Pango's
    font look-ups, the CJK font file). Called by the report worker before it forks its
    work-horses (webapp/worker.py); harmless to call again."""
    compile_templates()
    chart = base64.b64encode(WARM_CHART.encode("utf-8")).decode("ascii")
    document = WARM_DOCUMENT.format(css=font_face(for_pdf=True), chart=chart)
    html_to_pdf(document, (report_css(),), report_fonts(), {"pdf_tags": True})


RESULT_FILE = "tqm-result.json"


def result_attachment(result: Result, lang: str) -> Attachment:
    """The result document as the report's associated file (the bytes `tqm score --format json`
    prints); "Data": the PDF's content is a rendering of it."""
    text = result_json(result, lang) + "\n"
    return Attachment(
        string=text.encode("utf-8"),
        name=RESULT_FILE,
        description="tqm-result/1 JSON",
        relationship="Data",
        url_fetcher=fetcher(),
    )


def html_to_pdf(
    document: str,
    stylesheets: Iterable[CSS] = (),
    fonts: FontConfiguration | None = None,
    options: dict[str, Any] | None = None,
) -> bytes:
    """Any HTML document as PDF, with the static-only fetcher (relative URLs: the static folder).

    `stylesheets` come before the document's own <style> in the cascade (user origin); `fonts`
    defaults to a fresh font configuration (no @font-face of another document is visible);
    `options`: WeasyPrint's write_pdf options (variant, tags, attachments)."""
    with gc_paused():
        html = HTML(string=document, base_url=STATIC.as_uri() + "/", url_fetcher=fetcher())
        pdf = html.write_pdf(
            stylesheets=list(stylesheets),
            font_config=fonts or FontConfiguration(),
            **(options or {}),
        )
    assert isinstance(pdf, bytes)
    return pdf


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused (process-wide) while WeasyPrint works: a report's
    layout holds some 100,000 objects, and full collections went over them and everything else in
    the process several times per render (10-25% of it). Reference counting still frees what it
    can; the rest is collected afterwards, as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- isolation -----------------------------------------------------------------------------------


def _child(conn: Any, result: Result, lang: str, variant: str | None) -> None:
    """Child process body: render and send back ("ok", bytes) or ("error", message)."""
    try:
        conn.send(("ok", render_pdf(result, lang, variant)))
    except BaseException as exc:  # everything goes back to the parent, as text
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        forget_fonts()  # the child ends with os._exit: no atexit, so remove the font folder now


def _context() -> Any:
    """Forkserver (weasyprint preloaded) where available, else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")


def render_pdf_isolated(
    result: Result, lang: str, timeout: float = 60.0, variant: str | None = None
) -> bytes:
    """render_pdf in a child process, killed after `timeout` seconds (RenderTimeout)."""
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, result, lang, variant), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise RenderTimeout(timeout)
        status, payload = receive.recv()
    except EOFError:
        raise RenderError(f"the PDF renderer died (exit code {process.exitcode})") from None
    finally:
        receive.close()
        _stop(process)
    if status != "ok":
        raise RenderError(f"PDF rendering failed: {payload}")
    return bytes(payload)


def _stop(process: Any) -> None:
    """Kill the child if it is still running and reap it."""
    if process.is_alive():
        process.kill()
    process.join(5)
