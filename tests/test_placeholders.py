"""assessment.content.placeholders: every {placeholder} in a pack's texts is one the renderer fills,
else `tqm validate` names it where it stands (tests/data/packs/placeholders)."""

from __future__ import annotations

from pathlib import Path

from assessment.checks import validate_paths

DATA = Path(__file__).resolve().parent / "data"
PACK = DATA / "packs" / "placeholders"


def test_unfillable_placeholders_are_located_with_a_suggestion() -> None:
    found = validate_paths([PACK], DATA / "content")
    rules, actions = PACK / "pack.yaml", PACK / "actions.yaml"
    assert [(str(p), p.code) for p in found] == [
        (f"{actions}:4:17: $.actions[0].title.en: placeholder {{dimension}}: an action's texts are printed as written (placeholders are filled in findings only)", "unknown.placeholder"),
        (f"{rules}:8:17: $.rules[0].title.en: unknown placeholder {{answr.customer.first}}: unknown fact 'answr.customer.first' (did you mean 'answer'?)", "unknown.fact"),
        (f"{rules}:15:21: $.rules[0].then.finding.title.en: unknown placeholder {{index.custmer}}: unknown dimension 'custmer' (did you mean 'customer'?)", "unknown.dimension"),
        (f"{rules}:16:22: $.rules[0].then.finding.detail.en: unknown placeholder {{dimensons}} (did you mean 'dimensions'?)", "unknown.placeholder"),
    ]  # fmt: skip


def test_the_placeholders_the_renderer_fills_are_accepted() -> None:
    # the mini pack quotes facts, nested {level.{dimension}}-style facts, {dimension}, {question}
    assert validate_paths([DATA / "content" / "rules" / "mini"], DATA / "content") == []
