"""Content in frameworks other than tqm (the bundled progress pack, the test pack in
tests/data/frameworks-other) and what the tests of it share: answers, outputs as text, and the
bundled tqm framework's names that must not appear in them."""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import yaml

from assessment.content.library import Library, load_library
from assessment.engine.answers import AnswerSet, parse_answers
from assessment.io.source import Document

ROOT = Path(__file__).resolve().parents[2]
OTHER = ROOT / "tests" / "data" / "frameworks-other"
# (content root, questionnaire id, role with its own wording, a question worded for it, its id)
PACKS = {
    "progress": (ROOT, "progress", "employee", "direction.clear_purpose", "direction"),
    "voyage": (OTHER, "voyage", "employee", "hull.planks", "hull"),
}


def other_library(name: str) -> Library:
    """The library of a pack's content root."""
    return load_library(PACKS[name][0])


def team_answers(library: Library, questionnaire: str, value: int = 4) -> AnswerSet:
    """A leader and an employee answering every question at `value` (the leader one higher)."""
    q = library.questionnaires[questionnaire]
    framework = library.framework_of(q)
    leader, staff = framework.roles_in("leaders")[0], framework.roles_in("staff")[0]
    top = int(max(o.value for o in q.questions[0].options))
    responses = [
        {
            "respondent": {"id": "r1", "role": leader},
            "answers": {x.id: min(top, value + 1) for x in q.questions},
        },
        {"respondent": {"id": "r2", "role": staff}, "answers": {x.id: value for x in q.questions}},
    ]
    doc = {"questionnaire": questionnaire, "organisation": "Test Co", "responses": responses}
    return parse_answers(Document("answers", doc), library)


def text_of(name: str, data: str | bytes) -> str:
    """The readable text of a rendered output."""
    if isinstance(data, str):
        return data
    if name == "pdf":
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(data)
            f.flush()
            return subprocess.run(
                ["pdftotext", "-enc", "UTF-8", f.name, "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
    if name == "docx":
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = [
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    ]
    return "\n".join([*book.sheetnames, *values])


def tqm_names() -> dict[str, set[str]]:
    """The bundled tqm framework's dimension, level and comparison names by language, read from
    frameworks/tqm.yaml."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "frameworks" / "tqm.yaml").read_text("utf-8"))
    texts = [d["title"] for d in data["dimensions"]] + [d["short"] for d in data["dimensions"]]
    texts += [lv["name"] for lv in data["levels"]]
    texts += [data["comparison"]["reference_name"], data["comparison"]["target_name"]]
    return {lang: {t[lang] for t in texts} for lang in ("en", "zh")}


def own_words(root: Path, pack: str) -> str:
    """Every file of a pack's own content: a tqm name its authors used is not a leak."""
    files = [root / "frameworks" / f"{pack}.yaml", *(root / "questionnaires" / pack).glob("*.yaml")]
    files += list((root / "rules" / pack).glob("*.yaml"))
    return "\n".join(f.read_text("utf-8") for f in files)


def leaks(text: str, lang: str, own: str) -> dict[str, str]:
    """The tqm names in `text` that the pack's own content does not use, each with its context.
    English names match as whole words (case-sensitive); Chinese names of three characters or more
    anywhere, two-character ones (目标, 发展: everyday words too) only standing alone, as a label."""
    found = {}
    for name in sorted(tqm_names()[lang]):
        if name in own:
            continue
        match = re.search(_pattern(name, lang), text)
        if match:
            found[name] = text[max(0, match.start() - 40) : match.end() + 20].replace("\n", " ")
    return found


def _pattern(name: str, lang: str) -> str:
    if lang == "en":
        return rf"\b{re.escape(name)}\b"
    if len(name) >= 3:
        return re.escape(name)
    return rf"(?<![\u4e00-\u9fff]){re.escape(name)}(?![\u4e00-\u9fff])"


def json_of(data: str | bytes) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(data)
    return found
