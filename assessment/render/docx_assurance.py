"""The Word report's 'Evidence and agreement' section (report/assurance.py's view, laid out in
Word): claimed and verified levels, respondents per role, α and rwg(j), the items to discuss."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .docx import Writer


def write_assurance(w: Writer) -> None:
    """Claimed and verified levels, respondents per role, α and rwg(j), and how to read them."""
    ctx, a, at = w.ctx, w.ctx["assurance"], w.ctx["at"]
    w.section("assurance")
    w.para(a.basis_note + ("" if ctx["lang"] == "zh" else " ") + a.unverified)
    if a.overall:
        w.para("", bold=a.overall)
    space = "" if ctx["lang"] == "zh" else " "
    keys = ("verified", "claimed") if a.verified_basis else ("level",)
    levels = [at(key) + space + at("index_paren") for key in keys]
    header = [w.t("dimension"), *levels, *a.roles, at("total"), at("cronbach_alpha"), at("rwg_j")]
    rows = [
        [r.title, r.verified, *([r.claimed] if a.verified_basis else []),
         *(str(n) for n in r.by_role), str(r.respondents), r.alpha, r.rwg]
        for r in a.rows
    ]  # fmt: skip
    w.table(header, rows, (3.0, *[1.4] * len(levels), *[0.8] * (len(a.roles) + 1), 1.0, 1.0))
    for sentence in a.reading:
        w.para(sentence, "List Bullet")
    if a.not_computed:
        w.para(at("read_null"), "List Bullet")
        for reason in a.not_computed:
            w.para(reason, "List Bullet 2")
    w.heading(at("consensus"), 2)
    separator = "：" if ctx["lang"] == "zh" else " — "
    for f in ctx["consensus"]:
        tags = f"{f.kind_label} · {w.t('severity')}{w.colon}{f.severity_label}"
        w.para(f"{f.title}{separator}{f.detail}", "List Bullet", bold=tags)
    if not ctx["consensus"]:
        w.para(at("no_consensus"))
