"""The result document (tqm-result/1): one typed result gives it in any language, and reads back."""

from __future__ import annotations

import json
import random

import pytest
from helpers.frameworks import TQM

from assessment.content.library import Library
from assessment.engine.answers import parse_answers
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.io.schema import validator
from assessment.io.source import Document
from assessment.render.report.html import render_html
from assessment.render.text import render_result

RESULT = validator("result")


def dump(document: dict[str, object]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("seed", range(6))
def test_a_document_read_back_gives_the_same_document_in_its_language(
    library: Library, seed: int
) -> None:
    rng = random.Random(seed)
    questionnaire = library.questionnaires[rng.choice(["tqm-quick", "tqm-audit"])]
    responses = [
        {
            "respondent": {"id": f"r{n}", "role": role},
            "answers": {
                q.id: rng.choice([1, 2, 3, 4, 5, "unknown"])
                for q in questionnaire.questions_for(role)
            },
        }
        for n, role in enumerate(rng.sample(["leader", "staff", "customer"], rng.randint(1, 3)))
    ]  # fmt: skip (each role answers only what it is asked: version 2 asks some roles less)
    data = {"questionnaire": questionnaire.id, "organisation": "R", "responses": responses}
    if seed % 2:  # the plan's weeks, scaled efforts, skipped actions and size read back too
        data["organisation_size"] = rng.randint(1, 5000)
    result = assess(parse_answers(Document("t", data), library), library)
    for lang in ("en", "zh"):
        document = result.to_document(lang)
        assert not list(RESULT.iter_errors(document))
        again = Result.from_document(json.loads(dump(document)), TQM)
        assert dump(again.to_document(lang)) == dump(document)


def test_one_result_gives_both_languages(library: Library) -> None:
    data = {"questionnaire": "tqm-quick", "answers": dict.fromkeys(
        library.questionnaires["tqm-quick"].question_ids, 2)}  # fmt: skip
    result = assess(parse_answers(Document("t", data), library), library)
    en, zh = result.to_document("en"), result.to_document("zh")
    assert (en["lang"], zh["lang"]) == ("en", "zh")
    assert en["overall"]["level_name"] != zh["overall"]["level_name"]
    assert [f["rule"] for f in en["findings"]] == [f["rule"] for f in zh["findings"]]
    assert en["findings"][0]["title"] != zh["findings"][0]["title"]


def test_a_document_read_back_cannot_be_shown_in_another_language(library: Library) -> None:
    data = {"questionnaire": "tqm-quick", "answers": dict.fromkeys(
        library.questionnaires["tqm-quick"].question_ids, 3)}  # fmt: skip
    stored = assess(parse_answers(Document("t", data), library), library).to_document("zh")
    with pytest.raises(ValueError, match="not 'en'"):
        Result.from_document(stored, TQM).to_document("en")


def test_without_a_roadmap_the_document_has_no_plan(library: Library) -> None:
    data = {"questionnaire": "tqm-quick", "answers": dict.fromkeys(
        library.questionnaires["tqm-quick"].question_ids, 1)}  # fmt: skip
    answers = parse_answers(Document("t", data), library)
    document = assess(answers, library, trace=False, roadmap=False).to_document("en")
    assert (document["roadmap"], document["trace"], "plan" in document) == ([], [], False)
    assert dump(Result.from_document(document, TQM).to_document("en")) == dump(document)


def test_texts_filled_in_one_language_give_the_same_document(library: Library) -> None:
    data = {"questionnaire": "tqm-audit", "answers": dict.fromkeys(
        library.questionnaires["tqm-audit"].question_ids, 2)}  # fmt: skip
    answers = parse_answers(Document("t", data), library)
    both, zh = assess(answers, library), assess(answers, library, langs=("zh",))
    assert dump(zh.to_document("zh")) == dump(both.to_document("zh"))
    with pytest.raises(ValueError, match="not 'en'"):
        zh.to_document("en")


def _practice_at_3_results_at(library: Library, results: int) -> Result:
    audit = library.questionnaires["tqm-audit"]
    answers = {q.id: results if q.kind == "result" else q.answer_at(3) for q in audit.questions}
    data = {"questionnaire": "tqm-audit", "organisation": "Results Co", "answers": answers}
    return assess(parse_answers(Document("t", data), library), library)


def test_result_items_are_reported_apart_and_set_no_level(library: Library) -> None:
    low, high = _practice_at_3_results_at(library, 1), _practice_at_3_results_at(library, 3)
    for dim in low.dimensions.values():
        assert dim.results is not None and dim.results.index == 0.0
        assert (dim.index, dim.level) == (50.0, 3) == (high.dimensions[dim.id].index, dim.level)
        assert high.dimensions[dim.id].results.index == 50.0  # type: ignore[union-attr]
        assert {i.mean for i in dim.results.items} == {1.0}
    document = low.to_document("en")
    assert not list(RESULT.iter_errors(document))
    process = document["dimensions"]["process"]["results"]
    assert (process["index"], process["answered"]) == (0.0, 3)
    assert [i["question"] for i in process["items"]] == [
        "process.result_delivery",
        "process.result_defects",
        "process.result_quality_cost",
    ]
    again = Result.from_document(json.loads(dump(document)), TQM)
    read, made = again.dimensions["process"].results, low.dimensions["process"].results
    assert read is not None and made is not None
    assert (read.index, read.answered) == (made.index, made.answered)
    assert [(i.question, i.text.en, i.mean) for i in read.items] == [
        (i.question, i.text.en, i.mean) for i in made.items
    ]
    assert dump(again.to_document("en")) == dump(document)


def test_a_questionnaire_without_result_items_has_no_results_block(library: Library) -> None:
    quick = library.resolve("tqm-quick@1")
    data = {"questionnaire": "tqm-quick@1", "answers": dict.fromkeys(quick.question_ids, 3)}
    result = assess(parse_answers(Document("t", data), library), library)
    assert all(d.results is None for d in result.dimensions.values())
    assert all("results" not in d for d in result.to_document("en")["dimensions"].values())


def test_the_plan_states_size_capacity_and_what_was_skipped(library: Library) -> None:
    q = library.questionnaires["tqm-quick"]
    answers = {x.id: 4 if x.dimension == "leadership" else 2 for x in q.questions}
    data = {"questionnaire": "tqm-quick", "answers": answers, "organisation_size": 1000}
    document = assess(parse_answers(Document("t", data), library), library).to_document("en")
    assert not list(RESULT.iter_errors(document))
    plan = document["plan"]
    assert (plan["organisation_size"], plan["size_given"], plan["days_per_month"]) == (
        1000,
        True,
        420.0,
    )
    assert plan["effort_rule"] == "effort_days * (size / 300) ^ 0.7"
    council = library.packs["tqm"].actions["leadership.quality_council"]
    level = document["dimensions"]["leadership"]["level"]
    assert level >= council.lift_to, "leadership rated 4 holds the council's level"
    assert {"id": council.id, "dimension": "leadership", "level": level,
            "aims_at": council.lift_to} in plan["skipped"]  # fmt: skip
    again = Result.from_document(json.loads(dump(document)), TQM)
    assert again.roadmap is not None and again.roadmap.skipped
    assert dump(again.to_document("en")) == dump(document)


def test_a_document_stored_before_plans_in_weeks_still_reads_and_renders(library: Library) -> None:
    data = {"questionnaire": "tqm-quick", "answers": dict.fromkeys(
        (q.id for q in library.questionnaires["tqm-quick"].questions), 2)}  # fmt: skip
    document = assess(parse_answers(Document("t", data), library), library).to_document("en")
    for key in ("organisation_size", "size_given", "effort_factor", "effort_rule", "capacity_rule",
                "embed_weeks", "foundation_first", "skipped"):  # fmt: skip
        del document["plan"][key]
    for phase in document["roadmap"]:
        del phase["weeks"], phase["projected_levels"]
        for action in phase["actions"]:
            action["effort_days"] = action.pop("reference_effort_days")
            del action["weeks"], action["foundation"]
    assert not list(RESULT.iter_errors(document))
    old = Result.from_document(json.loads(dump(document)), TQM)
    assert old.roadmap is not None and old.roadmap.organisation_size == 300
    first = old.phases[0].actions[0]
    assert first.weeks is None and first.effort_days == first.action.effort_days
    assert "person-days over" in render_html(old, "en")
    assert f"({first.action.id})\n" in render_result(old, "en") + "\n"


def test_the_method_summary_is_written_and_read_back(library: Library) -> None:
    data = {"questionnaire": "tqm-audit", "answers": dict.fromkeys(
        library.questionnaires["tqm-audit"].question_ids, 3)}  # fmt: skip
    document = assess(parse_answers(Document("t", data), library), library).to_document("zh")
    method = document["method"]
    assert method["scales"] == [{"min": 1, "max": 5}] and method["reverse_items"] is True
    assert method["perception_threshold"] == 20 and method["evidence"] is True
    cornerstone = next(c for c in method["caps"] if c["rule"] == "leadership.cornerstone")
    assert cornerstone == {"rule": "leadership.cornerstone", "title": "领导力制约整体成熟度",
                           "fact": "level.leadership", "plus": 1}  # fmt: skip
    again = Result.from_document(json.loads(dump(document)), TQM)
    assert again.method is not None and again.method.perception_threshold == 20
    assert again.to_document("zh")["method"] == method


def test_a_document_without_a_method_summary_still_reads_and_renders(library: Library) -> None:
    data = {"questionnaire": "tqm-quick", "answers": dict.fromkeys(
        library.questionnaires["tqm-quick"].question_ids, 2)}  # fmt: skip
    document = assess(parse_answers(Document("t", data), library), library).to_document("en")
    del document["method"]
    assert not list(RESULT.iter_errors(document))
    old = Result.from_document(json.loads(dump(document)), TQM)
    assert old.method is None and "method" not in old.to_document("en")
    assert "may be capped by the pack" in render_html(old, "en")
