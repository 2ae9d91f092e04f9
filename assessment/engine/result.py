"""The typed result of an assessment: levels, indices, baselines, findings, roadmap, trace.

Texts are kept in both languages (`Text`): one `assess` serves every language, and the language is
chosen only at the edges, when a document or a report is made (`Result.to_document(lang)`, the
renderers). Finding texts are filled in when the result is built, because their placeholders need
the facts of the evaluation, which a result does not keep: in both languages by default, or only
in those asked for (`assess(..., langs=("en",))`: a batch in one language saves the work). A result
read back from a stored document (`Result.from_document`) has its texts in that document's
language only. `languages` says which languages a result can be shown in.

The JSON contract `tqm-result/1` is written and read in engine/document.py only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..content.library import RulePack
from ..content.model import LANGS, Dimension, Framework, Text
from .answers import AnswerSet
from .evaluation import Cap, Judgement, TraceStep
from .findings import FindingResult, build_findings
from .method import Method
from .roadmap import Roadmap
from .scoring import Profile, result_items

__all__ = [
    "Cap",
    "DimensionResult",
    "DimensionResults",
    "FindingResult",
    "Overall",
    "PackRef",
    "QuestionnaireRef",
    "Respondents",
    "Result",
    "ResultItem",
    "build_result",
]


@dataclass(frozen=True)
class QuestionnaireRef:
    """Which questionnaire was answered."""

    id: str
    version: int
    title: Text


@dataclass(frozen=True)
class PackRef:
    """Which rule pack judged the answers (its sha256 pins the exact content)."""

    id: str
    version: Any
    sha256: str


@dataclass(frozen=True)
class Respondents:
    """How many answered, and how many per role."""

    count: int
    by_role: Mapping[str, int]


@dataclass(frozen=True)
class Overall:
    """The overall index and level, with the caps that lowered it."""

    index: float | None
    level: int
    uncapped_level: int
    caps: tuple[Cap, ...]


@dataclass(frozen=True)
class ResultItem:
    """One result item: its question, its text and its mean answer (None: nobody rated it)."""

    question: str
    text: Text
    mean: float | None


@dataclass(frozen=True)
class DimensionResults:
    """A dimension's result items, scored apart from its practice items (they set no level)."""

    index: float | None  # the index arithmetic over the result items; None: none has a value
    answered: int  # result answers given a value
    items: tuple[ResultItem, ...]  # in the questionnaire's order


@dataclass(frozen=True)
class DimensionResult:
    """One dimension: index, level, counts, baselines, target and gaps, per-role indices."""

    id: str
    title: Text
    index: float | None
    level: int
    answered: int
    na: int
    unknown: int
    traditional: float  # the framework's reference profile (where organisations start)
    baseline_target: float  # the pack's target baseline
    target: float  # the organisation's own target, else the pack's
    above_traditional: float | None
    to_target: float | None
    by_role: Mapping[str, float | None]
    agreement: float | None
    previous: float | None = None  # the index of the previous assessment, when given
    results: DimensionResults | None = None  # None: the dimension has no result items
    baselines: Mapping[str, float] = field(default_factory=dict)  # every profile of the pack
    # `statistics` and `claimed` as the document writes them, per language (their reasons are
    # text): computed once with the profile, carried unchanged through a stored document.
    extras: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """Everything an assessment concluded, ready for any renderer in any of `languages`."""

    questionnaire: QuestionnaireRef
    rulepack: PackRef
    organisation: str
    date: str
    respondents: Respondents
    overall: Overall
    dimensions: Mapping[str, DimensionResult]
    findings: tuple[FindingResult, ...]
    roadmap: Roadmap | None  # None: not planned (assess(..., roadmap=False))
    trace: tuple[TraceStep, ...]
    framework: Framework  # how levels, roles and dimensions are named and compared
    gates: tuple[float, ...] = ()  # the overall index each overall level 2, 3, ... needs
    languages: tuple[str, ...] = LANGS
    # `verification` as the document writes it, per language: how far the levels rest on evidence.
    verification: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # How the pack judged (scales, caps, thresholds) for the method appendix; None: read back
    # from a document written before the summary existed.
    method: Method | None = None

    @property
    def phases(self) -> tuple[Any, ...]:
        """The roadmap's phases (none when no roadmap was planned)."""
        return self.roadmap.phases if self.roadmap else ()

    def to_document(self, lang: str) -> dict[str, Any]:
        """The result document (contract `tqm-result/1`) with every text in `lang`."""
        from .document import result_document

        return result_document(self, lang)

    def level_name(self, level: int, lang: str) -> str:
        """The framework's name of a level."""
        return self.framework.level_name(level, lang)

    @classmethod
    def from_document(cls, doc: Mapping[str, Any], framework: Framework) -> Result:
        """A result read back from its document (texts in the document's language only), named
        by the framework of the pack that made it."""
        from .document import read_result

        return read_result(doc, framework)


def build_result(
    answers: AnswerSet,
    pack: RulePack,
    profile: Profile,
    judgement: Judgement,
    gates: tuple[float, ...] = (),
    langs: tuple[str, ...] = LANGS,
    method: Method | None = None,
) -> Result:
    """The typed result of one evaluation, its finding texts filled in `langs`."""
    q = answers.questionnaire
    return Result(
        questionnaire=QuestionnaireRef(q.id, q.version, q.title),
        rulepack=PackRef(pack.id, pack.version, pack.sha256),
        organisation=answers.organisation,
        date=answers.date,
        respondents=Respondents(profile.respondents, dict(profile.by_role)),
        overall=Overall(
            profile.overall_index, judgement.overall_level, judgement.uncapped_level, judgement.caps
        ),
        dimensions=build_dimensions(answers, pack, profile, judgement, langs),
        findings=build_findings(q, answers, judgement, langs),
        roadmap=None,
        trace=judgement.trace,
        framework=pack.framework,
        gates=gates,
        languages=langs,
        verification={lang: verification_document(profile, judgement, lang) for lang in langs},
        method=method,
    )


def build_dimensions(
    answers: AnswerSet,
    pack: RulePack,
    profile: Profile,
    judgement: Judgement,
    langs: tuple[str, ...] = LANGS,
) -> dict[str, DimensionResult]:
    """Each dimension's result, in the questionnaire's order."""
    out = {}
    for dim in answers.questionnaire.dimensions:
        score = profile.dimensions[dim.id]
        traditional = pack.baselines[pack.framework.reference][dim.id]
        baseline_target = pack.baselines[pack.framework.target][dim.id]
        target = answers.target.get(dim.id, baseline_target)
        index = score.index
        out[dim.id] = DimensionResult(
            id=dim.id,
            title=dim.title,
            index=index,
            level=judgement.levels[dim.id],
            answered=score.answered,
            na=score.na,
            unknown=score.unknown,
            traditional=traditional,
            baseline_target=baseline_target,
            target=target,
            baselines={name: indices[dim.id] for name, indices in pack.baselines.items()},
            above_traditional=None if index is None else round(index - traditional, 2),
            to_target=None if index is None else round(max(0.0, target - index), 2),
            by_role=dict(score.by_role),
            agreement=score.agreement,
            previous=answers.previous.get(dim.id),
            results=dimension_results(dim, profile),
            extras={lang: dimension_extras(dim.id, profile, judgement, lang) for lang in langs},
        )
    return out


def dimension_results(dim: Dimension, profile: Profile) -> DimensionResults | None:
    """The dimension's results block, or None when it has no result items."""
    items = result_items(dim)
    if not items:
        return None
    score = profile.dimensions[dim.id]
    shown = tuple(ResultItem(q.id, q.text, profile.items.get(q.id)) for q in items)
    return DimensionResults(score.results_index, score.results_answered, shown)


# --- Evidence and many-respondent statistics (issue #12) -------------------------------------
_BASIS_NOTE = {
    "verified": Text(
        "Levels are judged on verified values: on items that ask for evidence, a rating above 3 "
        "without evidence naming a dated document, record or observation counts as 3.",
        "等级按核实后的分值判定：在要求提供证据的条目上，高于 3 分但没有注明日期的文件、记录或观察"
        "作为证据的评分，按 3 分计。",
    ),
    "self_reported": Text(
        "Self-assessment: ratings are as reported by the respondents and were not verified against evidence.",
        "自评结果：各项评分为答卷人自行报告，未经证据核实。",
    ),
}


def verification_document(profile: Profile, judgement: Judgement, lang: str) -> dict[str, Any]:
    """How far the levels rest on evidence; the claimed overall index and level beside them."""
    claimed = judgement.claimed or judgement
    out: dict[str, Any] = {
        "basis": profile.basis,
        "note": _BASIS_NOTE[profile.basis].get(lang),
        "unverified_ratings": profile.unverified_ratings,
    }
    if profile.basis == "verified":
        claimed_profile = profile.claimed or profile
        out["claimed"] = {"index": claimed_profile.overall_index, "level": claimed.overall_level}
    return out


def dimension_extras(dim: str, profile: Profile, judgement: Judgement, lang: str) -> dict[str, Any]:
    """`statistics` of a dimension, and its `claimed` index and level where evidence is asked for."""
    score = profile.dimensions[dim]
    out: dict[str, Any] = {}
    stats = score.statistics
    if stats is not None:
        out["statistics"] = {
            "respondents": {"total": stats.respondents, "by_role": dict(stats.by_role)},
            "cronbach_alpha": stats.cronbach_alpha.value,
            "rwg_j": stats.rwg_j.value,
            "not_computed": {
                name: estimate.reason.get(lang)
                for name, estimate in (
                    ("cronbach_alpha", stats.cronbach_alpha),
                    ("rwg_j", stats.rwg_j),
                )
                if estimate.reason is not None
            },
        }
    if profile.basis == "verified":
        claimed_profile = profile.claimed or profile
        claimed = judgement.claimed or judgement
        out["claimed"] = {
            "index": claimed_profile.dimensions[dim].index,
            "level": claimed.levels[dim],
        }
    return out
