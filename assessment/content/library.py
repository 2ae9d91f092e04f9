"""Loaders for questionnaires and rule packs: schema checks, cross-references, model objects.

Every problem is collected (not just the first) and raised together as ProblemsFound, each with
file:line:col, so an author fixes a file in one pass.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import sysconfig
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..io.files import load_file
from ..io.schema import schema_problems
from ..io.source import Document, pointer_join
from ..problems import Problem, ProblemCode, ProblemsFound, unknown
from .crossrefs import pack_problems
from .framework import Framework, build_framework
from .model import Action, Baseline, Dimension, Option, Question, Questionnaire, Text
from .rules import Rule, parse_rule
from .versions import (
    Migration,
    QuestionnaireFile,
    format_ref,
    load_migrations,
    parse_ref,
    place_of,
    place_problems,
    questionnaire_files,
)

PACK_FILES = ("pack.yaml", "baselines.yaml", "actions.yaml")


@dataclass(frozen=True)
class RulePack:
    id: str
    version: str
    title: Text
    framework: Framework
    questionnaires: tuple[str, ...]
    rules: tuple[Rule, ...]
    actions: Mapping[str, Action]
    baseline_info: Mapping[str, Baseline]
    sha256: str
    path: str

    @cached_property
    def baselines(self) -> Mapping[str, Mapping[str, float]]:
        """Each baseline's indices by dimension (read from `baseline_info`, stored once)."""
        return {name: info.indices for name, info in self.baseline_info.items()}


@dataclass(frozen=True)
class Library:
    """All the content the product serves: questionnaires by (id, version), rule packs by id.

    `questionnaires` maps each id to its latest version; `versions` holds every version and
    `migrations` the way from each version's predecessor to it (assessment/content/versions.py).
    """

    questionnaires: Mapping[str, Questionnaire]
    packs: Mapping[str, RulePack]
    versions: Mapping[str, Mapping[int, Questionnaire]] = field(default_factory=dict)
    migrations: Mapping[tuple[str, int], Migration] = field(default_factory=dict)
    frameworks: Mapping[str, Framework] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.versions:  # built from latest versions only (tests, tools)
            by_id = {q.id: {q.version: q} for q in self.questionnaires.values()}
            object.__setattr__(self, "versions", by_id)

    def find(self, questionnaire_id: str, version: int | None = None) -> Questionnaire | None:
        """A given version of a questionnaire (None: the latest), or None when there is none."""
        if version is None:
            return self.questionnaires.get(questionnaire_id)
        return self.versions.get(questionnaire_id, {}).get(version)

    def resolve(
        self, ref: str, where: str = "$.questionnaire", source: str = "<input>"
    ) -> Questionnaire:
        """The questionnaire of 'id' (the latest) or 'id@N'; ProblemsFound naming what exists."""
        try:
            qid, version = parse_ref(ref)
        except ValueError:  # not an id at all: reported as an unknown questionnaire
            qid, version = ref, None
        found = self.find(qid, version)
        if found is not None:
            return found
        if qid not in self.versions:
            message = unknown("questionnaire", qid, self.versions)
        else:
            known = ", ".join(str(v) for v in sorted(self.versions[qid]))
            message = f"{qid} has no version {version} (versions: {known})"
        code: ProblemCode = (
            "unknown.questionnaire" if qid not in self.versions else "answers.version"
        )
        raise ProblemsFound([Problem(source, None, None, where, message, code)])

    def framework_of(self, questionnaire: Questionnaire) -> Framework:
        """The framework of the pack that scores a questionnaire version; when no pack does (a
        stored questionnaire read back), the library's framework if it has only one."""
        try:
            return self.pack_for(questionnaire.id, questionnaire.version).framework
        except ProblemsFound:
            if len(self.frameworks) == 1:
                return next(iter(self.frameworks.values()))
            raise

    def pack_for(self, questionnaire_id: str, version: int | None = None) -> RulePack:
        """The rule pack that scores a questionnaire version (None: the latest); a pack naming
        the version (id@N) comes before one naming every version (id)."""
        latest = self.questionnaires.get(questionnaire_id)
        wanted = version if version is not None else (latest.version if latest else 0)
        exact = format_ref(questionnaire_id, wanted)
        for names in (exact, questionnaire_id):
            for pack in self.packs.values():
                if names in pack.questionnaires:
                    return pack
        msg = f"no rule pack scores questionnaire {exact}"
        raise ProblemsFound(
            [Problem("<content>", None, None, "$.questionnaire", msg, "content.no_pack")]
        )


def default_content_root() -> Path:
    """The folder holding questionnaires/ and rules/: the source checkout's; else the working
    folder's, when it has some; else the bundled content the package installed (the wheel puts a
    copy under <prefix>/share/tqm-maturity); else the working folder."""
    here = Path(__file__).resolve().parents[2]
    for folder in (here, Path.cwd(), *installed_content()):
        if (folder / "questionnaires").is_dir():
            return folder
    return Path.cwd()


def installed_content() -> list[Path]:
    """Where an installed package's bundled content may be: this environment's data folder, and
    the user's (`pip install --user`)."""
    roots = [sysconfig.get_path("data"), sys.prefix]
    with contextlib.suppress(KeyError):
        roots.append(sysconfig.get_path("data", sysconfig.get_preferred_scheme("user")))
    return [Path(root) / "share" / "tqm-maturity" for root in roots]


# --- questionnaires -------------------------------------------------------------------------


def load_questionnaire(path: str | Path, place: QuestionnaireFile | None = None) -> Questionnaire:
    """Load and check one questionnaire file (its id and version must match its place)."""
    place = place or place_of(Path(path))
    doc = load_file(path, fast=True)
    if questionnaire_problems(doc, place=place):
        raise ProblemsFound(questionnaire_problems(load_file(path), place=place))
    return build_questionnaire(doc.data, str(path))


def questionnaire_problems(
    doc: Document, stem: str | None = None, place: QuestionnaireFile | None = None
) -> list[Problem]:
    """Schema and cross-reference problems of a questionnaire document."""
    problems = schema_problems(doc, "questionnaire")
    if problems:
        return problems
    data = doc.data
    if place is not None:
        problems += place_problems(doc, place)
    elif stem is not None and data["id"] != stem:
        msg = f"id {data['id']!r} must equal the file name {stem!r}"
        problems.append(doc.problem("/id", msg, code="content.id_mismatch"))
    seen_dims: set[str] = set()
    seen_questions: set[str] = set()
    for d_index, dim in enumerate(data["dimensions"]):
        d_ptr = pointer_join("/dimensions", d_index)
        if dim["id"] in seen_dims:
            msg = f"dimension {dim['id']!r} appears twice"
            problems.append(doc.problem(f"{d_ptr}/id", msg, code="content.duplicate_id"))
        seen_dims.add(dim["id"])
        for q_index, question in enumerate(dim["questions"]):
            q_ptr = pointer_join(f"{d_ptr}/questions", q_index)
            problems += _question_problems(doc, q_ptr, question, dim["id"], seen_questions)
    return problems


def _question_problems(
    doc: Document, ptr: str, question: dict[str, Any], dim: str, seen: set[str]
) -> list[Problem]:
    out = []
    qid = question["id"]
    if qid in seen:
        msg = f"question id {qid!r} appears twice"
        out.append(doc.problem(f"{ptr}/id", msg, code="content.duplicate_id"))
    seen.add(qid)
    if qid.split(".")[0] != dim:
        msg = f"question id {qid!r} must start with {dim + '.'!r}"
        out.append(doc.problem(f"{ptr}/id", msg, code="content.id_prefix"))
    scales = doc.data["scales"]
    if question["scale"] not in scales:
        msg = unknown("scale", question["scale"], scales)
        out.append(doc.problem(f"{ptr}/scale", msg, code="unknown.scale"))
        return out
    values = {o["value"] for o in scales[question["scale"]]}
    for key in question.get("anchors", {}):
        if float(key) not in values:
            msg = f"anchor {key} is not a value of scale {question['scale']!r}"
            out.append(doc.problem(pointer_join(f"{ptr}/anchors", key), msg, code="content.anchor"))
    return out


def build_questionnaire(data: Mapping[str, Any], source: str = "") -> Questionnaire:
    """Model objects from checked questionnaire data."""
    scales = {
        name: tuple(Option(o["value"], Text.from_data(o["label"])) for o in options)
        for name, options in data["scales"].items()
    }
    dims = tuple(
        Dimension(
            id=d["id"],
            title=Text.from_data(d["title"]),
            description=_text(d.get("description")),
            weight=float(d.get("weight", 1)),
            questions=tuple(_question(q, d["id"], scales) for q in d["questions"]),
        )
        for d in data["dimensions"]
    )
    return Questionnaire(
        data["id"],
        data["version"],
        Text.from_data(data["title"]),
        _text(data.get("description")),
        dims,
        source,
    )


def _question(q: Mapping[str, Any], dim: str, scales: Mapping[str, tuple[Option, ...]]) -> Question:
    return Question(
        id=q["id"],
        dimension=dim,
        text=Text.from_data(q["text"].get("common", q["text"])),
        role_texts=_role_texts(q["text"]),
        help=_text(q.get("help")),
        scale_id=q["scale"],
        options=scales[q["scale"]],
        anchors={int(k): Text.from_data(v) for k, v in q.get("anchors", {}).items()},
        evidence_prompt=_text(q.get("evidence_prompt")),
        weight=float(q.get("weight", 1)),
        critical=q.get("critical", False),
        reverse=q.get("reverse", False),
        required=q.get("required", True),
        allow_na=q.get("allow_na", False),
        evidence=q.get("evidence", "optional"),
        roles=tuple(q.get("roles", ())),
        kind=q.get("kind", "practice"),
        na_reason=_text(q.get("na_reason")),
    )


def _text(data: Mapping[str, str] | None) -> Text | None:
    return Text.from_data(data) if data else None


def _role_texts(data: Mapping[str, Any]) -> dict[str, Text]:
    """The per-role wordings of a question's `text` ({common, <role>: ...}); none for a plain text."""
    if "common" not in data:
        return {}
    return {role: Text.from_data(text) for role, text in data.items() if role != "common"}


# --- rule packs ------------------------------------------------------------------------------


def load_pack(
    folder: str | Path,
    questionnaires: Mapping[str, Questionnaire],
    broken: Collection[str] = (),
    versions: Mapping[str, Mapping[int, Questionnaire]] | None = None,
    frameworks: Mapping[str, Framework] | None = None,
) -> RulePack:
    """Load and cross-check a rule pack folder against its framework and the questionnaires it
    scores (`frameworks`: by id; None: those of the content root the folder is in).

    `broken` names questionnaires that exist but failed to load: their own problems are already
    reported, so the pack is not cross-checked against them (that would only echo those problems).
    An entry `id` is checked against the latest version, `id@N` against version N.
    """
    folder = Path(folder)
    if frameworks is None:
        frameworks, _ = load_frameworks(folder.parent.parent)
    known = _pack_targets(questionnaires, versions)
    docs, problems = _checked_pack_docs(folder, known, broken, frameworks, fast=True)
    if problems:  # read again, with positions, to say where each problem is
        _, problems = _checked_pack_docs(folder, known, broken, frameworks, fast=False)
        raise ProblemsFound(problems)
    return _build_pack(folder, docs, frameworks[docs["pack.yaml"].data["framework"]])


def _pack_targets(
    questionnaires: Mapping[str, Questionnaire],
    versions: Mapping[str, Mapping[int, Questionnaire]] | None,
) -> dict[str, Questionnaire]:
    """What a pack's `questionnaires:` entry may name: 'id' (the latest) and 'id@N'."""
    known = dict(questionnaires)
    for by_version in (
        versions or {q.id: {q.version: q} for q in questionnaires.values()}
    ).values():
        known |= {format_ref(q.id, q.version): q for q in by_version.values()}
    return known


def _checked_pack_docs(
    folder: Path,
    questionnaires: Mapping[str, Questionnaire],
    broken: Collection[str],
    frameworks: Mapping[str, Framework],
    fast: bool,
) -> tuple[dict[str, Document], list[Problem]]:
    docs, problems = _load_pack_docs(folder, fast)
    if problems:
        return docs, problems
    pack = docs["pack.yaml"]
    framework = frameworks.get(pack.data["framework"])
    if framework is None:
        msg = unknown("framework", pack.data["framework"], frameworks)
        return docs, [pack.problem("/framework", msg, code="unknown.framework")]
    cross = pack_problems(docs, questionnaires, framework)
    named = {entry.partition("@")[0] for entry in docs["pack.yaml"].data["questionnaires"]}
    if named & set(broken):
        # its questions are unknown only because the questionnaire failed to load: do not echo that
        cross = [p for p in cross if p.code not in ("unknown.question", "unknown.questionnaire")]
    return docs, problems + cross


def _load_pack_docs(folder: Path, fast: bool = False) -> tuple[dict[str, Document], list[Problem]]:
    docs: dict[str, Document] = {}
    problems: list[Problem] = []
    schemas = {"pack.yaml": "pack", "baselines.yaml": "baselines", "actions.yaml": "actions"}
    for name, schema in schemas.items():
        try:
            docs[name] = load_file(folder / name, fast=fast)
        except ProblemsFound as exc:
            problems += exc.problems
            continue
        problems += schema_problems(docs[name], schema)
    return docs, problems


def _build_pack(folder: Path, docs: Mapping[str, Document], framework: Framework) -> RulePack:
    data = docs["pack.yaml"].data
    actions = {a["id"]: _action(a) for a in docs["actions.yaml"].data["actions"]}
    infos = {
        name: Baseline(
            name, Text.from_data(b["title"]), _text(b.get("rationale")), dict(b["indices"])
        )
        for name, b in docs["baselines.yaml"].data["baselines"].items()
    }
    digest = hashlib.sha256()
    for name in PACK_FILES:
        digest.update((folder / name).read_bytes())
    if framework.source:  # level names and roles are part of what a result says
        digest.update(Path(framework.source).read_bytes())
    return RulePack(
        id=data["id"],
        version=data["version"],
        title=Text.from_data(data["title"]),
        framework=framework,
        questionnaires=tuple(data["questionnaires"]),
        rules=tuple(parse_rule(r) for r in data["rules"]),
        actions=actions,
        baseline_info=infos,
        sha256=digest.hexdigest(),
        path=str(folder),
    )


def _action(a: Mapping[str, Any]) -> Action:
    return Action(
        id=a["id"],
        dimension=a["dimension"],
        title=Text.from_data(a["title"]),
        description=Text.from_data(a["description"]),
        lift_from=a["lifts"]["from"],
        lift_to=a["lifts"]["to"],
        effort_days=float(a["effort_days"]),
        duration_weeks=float(a["duration_weeks"]),
        impact=a["impact"],
        requires=tuple(a.get("requires", ())),
        kpi=Text.from_data(a["kpi"]),
        foundation=bool(a.get("foundation", False)),
    )


# --- frameworks ------------------------------------------------------------------------------


def load_frameworks(root: Path) -> tuple[dict[str, Framework], list[Problem]]:
    """Every framework under root/frameworks, by id, and the problems of those that failed."""
    found: dict[str, Framework] = {}
    problems: list[Problem] = []
    for path in sorted((root / "frameworks").glob("*.yaml")):
        try:
            doc = load_file(path, fast=True)
            if framework_problems(doc, path.stem):
                raise ProblemsFound(framework_problems(load_file(path), path.stem))
        except ProblemsFound as exc:
            problems += exc.problems
            continue
        found[path.stem] = build_framework(doc.data, str(path))
    return found, problems


def framework_problems(doc: Document, stem: str | None = None) -> list[Problem]:
    """Schema problems of a framework document, its id against its file name, repeated ids."""
    problems = schema_problems(doc, "framework")
    if problems:
        return problems
    data = doc.data
    if stem is not None and data["id"] != stem:
        msg = f"id {data['id']!r} must equal the file name {stem!r}"
        problems.append(doc.problem("/id", msg, code="content.id_mismatch"))
    for kind in ("dimensions", "roles"):
        seen: set[str] = set()
        for index, item in enumerate(data[kind]):
            if item["id"] in seen:
                msg = f"{kind[:-1]} {item['id']!r} appears twice"
                ptr = pointer_join(f"/{kind}", index)
                problems.append(doc.problem(f"{ptr}/id", msg, code="content.duplicate_id"))
            seen.add(item["id"])
    return problems


# --- the whole library -----------------------------------------------------------------------


def load_library(root: str | Path | None = None) -> Library:
    """Every questionnaire version under root/questionnaires and every pack under root/rules."""
    root = Path(root) if root else default_content_root()
    frameworks, problems = load_frameworks(root)
    files, layout_problems = questionnaire_files(root)
    problems += layout_problems
    versions: dict[str, dict[int, Questionnaire]] = {}
    places: dict[tuple[str, int], QuestionnaireFile] = {}
    for place in files:
        try:
            questionnaire = load_questionnaire(place.path, place)
        except ProblemsFound as exc:
            problems += exc.problems
            continue
        versions.setdefault(questionnaire.id, {})[questionnaire.version] = questionnaire
        places[(questionnaire.id, questionnaire.version)] = place
    failed = {(f.questionnaire_id, f.version) for f in files if f.version} - set(places)
    migrations, migration_problems = load_migrations(versions, places, failed)
    problems += migration_problems
    questionnaires = {qid: by_version[max(by_version)] for qid, by_version in versions.items()}
    broken = {f.questionnaire_id for f in files} - set(versions) | {qid for qid, _ in failed}
    packs: dict[str, RulePack] = {}
    for folder in sorted(p.parent for p in (root / "rules").glob("*/pack.yaml")):
        try:
            packs[folder.name] = load_pack(folder, questionnaires, broken, versions, frameworks)
        except ProblemsFound as exc:
            problems += exc.problems
    if problems:
        raise ProblemsFound(problems)
    if not questionnaires:
        msg = "no questionnaires found"
        raise ProblemsFound([Problem(str(root), None, None, "$", msg, "content.empty")])
    return Library(questionnaires, packs, versions, migrations, frameworks)
