"""Questionnaire versions: where each version's file lives, and the migrations between versions.

Layout: `questionnaires/<id>/<N>.yaml` holds version N of questionnaire <id> (its `id` equals the
folder name, its `version` equals N); a flat `questionnaires/<id>.yaml` is a questionnaire with one
version. A reference is `id` (the latest version) or `id@N` (version N).

A version's optional top-level `migration:` says how answers to an earlier version carry over:
renamed, split (the value copied to each), merged (a stated rule), removed (kept as a note),
reworded (carried over, a person confirms). Questions no rule names are carried over unchanged when
both versions ask them, and are added (left unanswered) when only the newer one does. Every
question of the earlier version the newer one no longer asks must be named by a rule, so nothing is
dropped unannounced.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..io.files import load_file
from ..io.source import Document, pointer_join
from ..problems import Problem, ProblemsFound, unknown
from .model import Questionnaire

MergeRule = Literal["mean", "min", "max"]
_REF = re.compile(r"^(?P<id>[a-z][a-z0-9_-]*)(@(?P<version>[0-9]{1,9}))?$")
_VERSION_FILE = re.compile(r"^[1-9][0-9]{0,8}$")


def parse_ref(ref: str) -> tuple[str, int | None]:
    """'tqm-audit' -> ('tqm-audit', None); 'tqm-audit@2' -> ('tqm-audit', 2); else ValueError."""
    match = _REF.match(ref)
    if match is None:
        raise ValueError(f"{ref!r} is not a questionnaire id or id@version")
    version = match.group("version")
    return match.group("id"), int(version) if version else None


def format_ref(questionnaire_id: str, version: int) -> str:
    """('tqm-audit', 2) -> 'tqm-audit@2'."""
    return f"{questionnaire_id}@{version}"


@dataclass(frozen=True)
class QuestionnaireFile:
    """A questionnaire file and what its place says it holds (version None: a flat file)."""

    path: Path
    questionnaire_id: str
    version: int | None


def questionnaire_files(root: Path) -> tuple[list[QuestionnaireFile], list[Problem]]:
    """Every questionnaire file under root/questionnaires, and problems of the layout itself."""
    folder = root / "questionnaires"
    found = [QuestionnaireFile(p, p.stem, None) for p in sorted(folder.glob("*.yaml"))]
    problems: list[Problem] = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
        if any(f.questionnaire_id == sub.name for f in found):
            msg = f"both {sub.name}.yaml and the folder {sub.name}/ exist: keep one of them"
            problems.append(Problem(str(sub), None, None, "$", msg, "content.layout"))
            continue
        for path in sorted(sub.glob("*.yaml"), key=_version_order):
            if not _VERSION_FILE.match(path.stem):
                msg = "a questionnaire version file is named <version>.yaml, e.g. 1.yaml"
                problems.append(Problem(str(path), None, None, "$", msg, "content.layout"))
                continue
            found.append(QuestionnaireFile(path, sub.name, int(path.stem)))
    return found, problems


def place_of(path: Path) -> QuestionnaireFile:
    """What a questionnaire file's place says: questionnaires/<id>/<N>.yaml or <id>.yaml."""
    if _VERSION_FILE.match(path.stem) and path.parent.name != "questionnaires":
        return QuestionnaireFile(path, path.parent.name, int(path.stem))
    return QuestionnaireFile(path, path.stem, None)


def _version_order(path: Path) -> tuple[int, str]:
    return (int(path.stem) if _VERSION_FILE.match(path.stem) else 0, path.name)


def place_problems(doc: Document, place: QuestionnaireFile) -> list[Problem]:
    """The file's id and version must match its place (checked after the schema)."""
    data = doc.data
    problems = []
    if data["id"] != place.questionnaire_id:
        name = "folder" if place.version is not None else "file name"
        msg = f"id {data['id']!r} must equal the {name} {place.questionnaire_id!r}"
        problems.append(doc.problem("/id", msg, code="content.id_mismatch"))
    if place.version is not None and data["version"] != place.version:
        msg = f"version {data['version']} must equal the file name {place.path.name!r}"
        problems.append(doc.problem("/version", msg, code="content.version_mismatch"))
    return problems


# --- migration declarations ------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """Several questions of the earlier version answered by one of the newer one."""

    sources: tuple[str, ...]
    into: str
    rule: MergeRule
    tolerance: float | None = None


@dataclass(frozen=True)
class Migration:
    """How answers to version `from_version` become answers to `to_version`."""

    questionnaire_id: str
    from_version: int
    to_version: int
    renamed: Mapping[str, str] = field(default_factory=dict)
    split: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    merged: tuple[Merge, ...] = ()
    removed: tuple[str, ...] = ()
    reworded: tuple[str, ...] = ()

    def named_old(self) -> set[str]:
        """Questions of the earlier version a rule names."""
        return {*self.renamed, *self.split, *(s for m in self.merged for s in m.sources)} | set(
            self.removed
        )

    def targets(self) -> set[str]:
        """Questions of the newer version a rule fills."""
        return {
            *self.renamed.values(),
            *(t for ts in self.split.values() for t in ts),
            *(m.into for m in self.merged),
        }


def build_migration(
    questionnaire_id: str, version: int, data: Mapping[str, Any] | None, previous: int | None
) -> Migration | None:
    """The migration a (schema-checked) questionnaire declares; without one, an empty migration
    from the previous stored version (same ids carried over); None for the first version."""
    if data is None:
        return Migration(questionnaire_id, previous, version) if previous else None
    merges = tuple(
        Merge(tuple(m["from"]), m["into"], m["rule"], m.get("tolerance"))
        for m in data.get("merged", ())
    )
    return Migration(
        questionnaire_id,
        data["from"],
        version,
        dict(data.get("renamed", {})),
        {old: tuple(new) for old, new in data.get("split", {}).items()},
        merges,
        tuple(data.get("removed", ())),
        tuple(data.get("reworded", ())),
    )


def migration_problems(doc: Document, old: Questionnaire, new: Questionnaire) -> list[Problem]:
    """Problems of `new`'s migration from `old`: unknown ids, ids named twice, questions left out."""
    data = doc.data.get("migration") or {"from": old.version}
    base = "/migration" if "migration" in doc.data else ""
    problems: list[Problem] = []
    olds = _old_ids(data, base)
    news = _new_ids(data, base)
    for ptr, qid in olds:
        if qid not in old.question_ids:
            problems.append(doc.problem(ptr, _unknown_in(qid, old), code="unknown.question"))
    for ptr, qid in news:
        if qid not in new.question_ids:
            problems.append(doc.problem(ptr, _unknown_in(qid, new), code="unknown.question"))
    problems += _twice(doc, olds, "is named by two migration rules")
    problems += _twice(doc, news, "is filled by two migration rules")
    named = {qid for _, qid in olds}
    for ptr, qid in news:
        if qid in old.question_ids and qid not in named:
            msg = (
                f"{qid} keeps its own answer from version {old.version}: name it too (e.g. removed)"
            )
            problems.append(doc.problem(ptr, msg, code="content.migration"))
    problems += _reworded_problems(doc, data, base, old, new, named)
    left = sorted(old.question_ids - new.question_ids - named)
    if left:
        msg = f"questions of version {old.version} not asked any more and named by no rule: {', '.join(left)}"
        problems.append(doc.problem(base or "/version", msg, code="content.migration"))
    return problems


def _unknown_in(qid: str, questionnaire: Questionnaire) -> str:
    return (
        f"{unknown('question', qid, questionnaire.question_ids)} in version {questionnaire.version}"
    )


def _old_ids(data: Mapping[str, Any], base: str) -> list[tuple[str, str]]:
    out = [(pointer_join(f"{base}/renamed", k), k) for k in data.get("renamed", {})]
    out += [(pointer_join(f"{base}/split", k), k) for k in data.get("split", {})]
    for i, merge in enumerate(data.get("merged", ())):
        out += [(f"{base}/merged/{i}/from/{j}", s) for j, s in enumerate(merge["from"])]
    out += [(f"{base}/removed/{i}", q) for i, q in enumerate(data.get("removed", ()))]
    return out


def _new_ids(data: Mapping[str, Any], base: str) -> list[tuple[str, str]]:
    out = [(pointer_join(f"{base}/renamed", k), v) for k, v in data.get("renamed", {}).items()]
    for old, targets in data.get("split", {}).items():
        out += [(f"{pointer_join(f'{base}/split', old)}/{j}", t) for j, t in enumerate(targets)]
    out += [(f"{base}/merged/{i}/into", m["into"]) for i, m in enumerate(data.get("merged", ()))]
    return out


def _twice(doc: Document, named: Iterable[tuple[str, str]], what: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for ptr, qid in named:
        if qid in seen:
            problems.append(doc.problem(ptr, f"{qid} {what}", code="content.migration"))
        seen.add(qid)
    return problems


def _reworded_problems(
    doc: Document,
    data: Mapping[str, Any],
    base: str,
    old: Questionnaire,
    new: Questionnaire,
    named: set[str],
) -> list[Problem]:
    problems = []
    for i, qid in enumerate(data.get("reworded", ())):
        ptr = f"{base}/reworded/{i}"
        if qid not in new.question_ids:
            problems.append(doc.problem(ptr, _unknown_in(qid, new), code="unknown.question"))
        elif qid not in old.question_ids or qid in named:
            msg = f"{qid}: reworded names a question both versions ask under the same id"
            problems.append(doc.problem(ptr, msg, code="content.migration"))
    return problems


def migration_chain(
    migrations: Mapping[tuple[str, int], Migration], questionnaire_id: str, start: int, end: int
) -> list[Migration]:
    """The migrations from version `start` to version `end`, in order (1->2->3); [] when equal."""
    chain: list[Migration] = []
    version = end
    while version != start:
        step = migrations.get((questionnaire_id, version))
        if step is None or step.from_version < start:
            msg = f"no migration path from {format_ref(questionnaire_id, start)} to {format_ref(questionnaire_id, end)}"
            raise ProblemsFound(
                [Problem("<content>", None, None, "$.questionnaire", msg, "content.migration")]
            )
        chain.append(step)
        version = step.from_version
    return chain[::-1]


def load_migrations(
    versions: Mapping[str, Mapping[int, Questionnaire]],
    places: Mapping[tuple[str, int], QuestionnaireFile],
    broken: Collection[tuple[str, int]] = (),
) -> tuple[dict[tuple[str, int], Migration], list[Problem]]:
    """Each loaded version's migration from its predecessor, checked against both versions.

    A migration from a version in `broken` (it exists but failed to load, its own problems already
    reported) is not checked: that would only echo those problems.
    """
    migrations: dict[tuple[str, int], Migration] = {}
    problems: list[Problem] = []
    for (qid, version), place in sorted(places.items()):
        earlier = sorted(v for v in versions[qid] if v < version)
        if place.version is None or not earlier:
            if "migration" in load_file(place.path, fast=True).data:
                problems += _lone_migration(place)
            continue
        start = _declared_start(place)
        if start is not None and (qid, start) in broken:
            continue
        step, found = _checked_migration(place, versions[qid], earlier[-1] if earlier else None)
        problems += found
        if step is not None and not found:
            migrations[(qid, version)] = step
    return migrations, problems


def _declared_start(place: QuestionnaireFile) -> int | None:
    migration = load_file(place.path, fast=True).data.get("migration")
    return migration["from"] if migration else None


def _lone_migration(place: QuestionnaireFile) -> list[Problem]:
    doc = load_file(place.path)
    msg = f"migrates from version {doc.data['migration']['from']}, which is not in the content"
    return [doc.problem("/migration/from", msg, code="content.migration")]


def _checked_migration(
    place: QuestionnaireFile, by_version: Mapping[int, Questionnaire], previous: int | None
) -> tuple[Migration | None, list[Problem]]:
    doc = load_file(place.path, fast=True)
    new = by_version[doc.data["version"]]
    data = doc.data.get("migration")
    start = data["from"] if data else previous
    if start not in by_version or start is None or start >= new.version:
        doc = load_file(place.path)
        msg = f"migrates from version {start}, which is not an earlier version in the content"
        return None, [
            doc.problem("/migration/from" if data else "/version", msg, code="content.migration")
        ]
    if migration_problems(doc, by_version[start], new):  # again with positions, to say where
        return None, migration_problems(load_file(place.path), by_version[start], new)
    return build_migration(new.id, new.version, data, start), []
