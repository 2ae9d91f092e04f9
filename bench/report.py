"""Benchmark: the full tqm-audit PDF report (en and zh) against a trivial one-page WeasyPrint document,
with its PDF/A-3b and Word (DOCX) forms: PDF/A-3b against the same baseline, the DOCX also against a
trivial one-paragraph python-docx document (both baselines measured in the same run).

Run: .venv/bin/python bench/report.py [ANSWERS] [--runs 5] [--cold]
Prints the median wall and CPU time of each, the ratio report / trivial (comparable across machines)
and the peak RSS of this process. Targets on a 2-core machine: zh report <= 1.5 s, peak RSS <= 200 MB.
The timed renders follow a warm-up render, so they exclude what a process loads once (report.css,
fontconfig and the CJK font); --cold also times the first render in a fresh process, as `tqm report`
does it (imports and scoring excluded).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment.content.library import load_library  # noqa: E402
from assessment.engine.answers import load_answers  # noqa: E402
from assessment.engine.pipeline import assess  # noqa: E402
from assessment.engine.result import Result  # noqa: E402
from assessment.render.docx import render_docx  # noqa: E402
from assessment.render.report.pdf import render_pdf  # noqa: E402

TRIVIAL = "<!DOCTYPE html><html lang='en'><body><h1>Trivial</h1><p>One page.</p></body></html>"
PARAGRAPH = (
    "Quality practices are defined and applied in important parts of the organisation: key "
    "processes are documented, customer data inform some decisions and improvement follows a method. "
)
TARGET_SECONDS, TARGET_RSS_MB = 1.5, 200


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `runs` calls (after one warm-up call)."""
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def trivial_pdf() -> bytes:
    """The baseline: a one-page document through the same WeasyPrint."""
    from weasyprint import HTML

    return HTML(string=TRIVIAL).write_pdf()


def trivial_docx() -> bytes:
    """The Word baseline: one paragraph through the same python-docx."""
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("One paragraph.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def page_count(pdf: bytes) -> str:
    """Pages of a PDF, by poppler's pdfinfo ('?' without it)."""
    if not shutil.which("pdfinfo"):
        return "?"
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=False).stdout
    return next(
        (ln.split()[-1] for ln in out.decode().splitlines() if ln.startswith("Pages:")), "?"
    )


def plain_pdf() -> bytes:
    """A second yardstick: about ten pages of plain paragraphs and small tables (no report CSS)."""
    from weasyprint import HTML

    rows = "".join(
        f"<tr><td>Row {i}</td><td>{i * 3.5}</td><td>Developing</td></tr>" for i in range(8)
    )
    body = "".join(
        f"<h2>Section {i}</h2><p>{PARAGRAPH * 4}</p><p>{PARAGRAPH * 3}</p><table>{rows}</table>"
        for i in range(16)
    )
    return HTML(
        string=f"<html><body style='font-family: Liberation Sans'>{body}</body></html>"
    ).write_pdf()


COLD = """
import sys, time
sys.path.insert(0, {root!r})
from assessment.engine.answers import load_answers
from assessment.content.library import load_library
from assessment.engine.pipeline import assess
from assessment.render.report.pdf import render_pdf
library = load_library({root!r})
result = assess(load_answers({answers!r}, library), library, use_engine=False)
start = time.perf_counter()
render_pdf(result, "zh")
print(time.perf_counter() - start)
"""


def cold_seconds(answers: str, runs: int) -> float:
    """Median wall time of the first zh render in a fresh process."""
    code = COLD.format(root=str(ROOT), answers=answers)
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(runs)
    ]  # fmt: skip
    return statistics.median(times)


def archive_figures(
    result: Result, lang: str, pdf_wall: float, base_wall: float, docx_base: float, runs: int
) -> None:
    """PDF/A-3b and DOCX timings of the same report, next to the PDF's."""
    a3_wall, a3_cpu = timed(lambda: render_pdf(result, lang, "pdf/a-3b"), runs)
    print(
        f"{lang} report PDF/A-3b       wall {a3_wall:6.3f} s   cpu {a3_cpu:6.3f} s   "
        f"ratio {a3_wall / base_wall:5.1f}x trivial   {a3_wall / pdf_wall:4.2f}x the PDF/UA"
    )
    print(
        f"RESULT name=report_{lang}_pdfa_seconds value={a3_wall:.3f} unit=s baseline={base_wall:.3f} target=-"
    )
    d_wall, d_cpu = timed(lambda: render_docx(result, lang), runs)
    print(
        f"{lang} report DOCX           wall {d_wall:6.3f} s   cpu {d_cpu:6.3f} s   "
        f"ratio {d_wall / docx_base:5.1f}x trivial DOCX   {d_wall / pdf_wall:4.2f}x the PDF"
    )
    print(
        f"RESULT name=report_{lang}_docx_seconds value={d_wall:.3f} unit=s baseline={docx_base:.3f} target=-"
    )


def main() -> None:
    """Time the report in both languages next to the baseline and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("answers", nargs="?", default=str(ROOT / "examples" / "mixed.yaml"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--summary", action="store_true", help="accepted for bench/run_all.py")
    parser.add_argument("--cold", action="store_true", help="also time a first render (zh)")
    args = parser.parse_args()
    library = load_library(ROOT)
    answers = load_answers(args.answers, library)
    base_wall, base_cpu = timed(trivial_pdf, args.runs)
    print(f"trivial 1-page document   wall {base_wall:6.3f} s   cpu {base_cpu:6.3f} s")
    plain_wall, plain_cpu = timed(plain_pdf, args.runs)
    print(
        f"plain text ({page_count(plain_pdf()):>2} pages)    wall {plain_wall:6.3f} s   "
        f"cpu {plain_cpu:6.3f} s   ratio {plain_wall / base_wall:5.1f}x trivial   (machine yardstick)"
    )
    docx_wall, _ = timed(trivial_docx, args.runs)
    print(f"trivial 1-paragraph DOCX  wall {docx_wall:6.3f} s")
    result = assess(answers, library, use_engine=False)
    for lang in ("en", "zh"):
        pages = page_count(render_pdf(result, lang))
        wall, cpu = timed(lambda lg=lang: render_pdf(result, lg), args.runs)
        verdict = "ok" if wall <= TARGET_SECONDS else f"over the {TARGET_SECONDS} s target"
        print(
            f"{lang} report ({pages:>2} pages)    wall {wall:6.3f} s   cpu {cpu:6.3f} s   "
            f"ratio {wall / base_wall:5.1f}x trivial   {verdict}"
        )
        print(
            f"RESULT name=report_{lang}_seconds value={wall:.3f} unit=s baseline={base_wall:.3f} target=<={TARGET_SECONDS}"
        )
        archive_figures(result, lang, wall, base_wall, docx_wall, args.runs)
    if args.cold:
        cold = cold_seconds(args.answers, max(1, args.runs // 2))
        print(f"zh first render in a fresh process   wall {cold:6.3f} s")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "ok" if rss_mb <= TARGET_RSS_MB else f"over the {TARGET_RSS_MB} MB target"
    print(f"peak RSS {rss_mb:.0f} MB   {verdict}   (median of {args.runs} runs each)")
    print(
        f"RESULT name=report_peak_rss value={rss_mb:.0f} unit=MB baseline=- target=<={TARGET_RSS_MB}"
    )


if __name__ == "__main__":
    main()
