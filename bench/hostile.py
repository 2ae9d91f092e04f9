"""The worst answers document under the API's 1 MiB limit beside a plain valid one (not a test).

    .venv/bin/python bench/hostile.py [--runs 3] [--summary]

POSTs to /api/v1/score of the app (Flask's test client, SQLite in a temporary folder), each the
median of `--runs` runs in the same process, one after the other:

  hostile     YAML, ~15,400 lines `- {respondent: {role: 1, id: 1, name: 1, x: 1}, answers: 1, y: 1}`
              under `responses:` (every line 4 schema problems: ~92,000 before problems were capped)
  valid_yaml  YAML, a valid document of ~900 KB: many respondents answering tqm-quick in full
  valid_json  the same document as JSON (the API's fast path since the start)
  small       examples/quick-self-scan.yaml (the usual request: the baseline of the others)

Prints each time, its response size, and the ratio of the hostile document to the valid YAML one
(the work per request should be bounded by the size of the body, not by what it holds), beside the
same ratio for libyaml's safe loader alone (the floor: the hostile body has more values per byte). Machine-
readable lines start with RESULT (see bench/run_all.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp import create_app  # noqa: E402

LIMIT = 1024 * 1024
HOSTILE_LINE = "  - {respondent: {role: 1, id: 1, name: 1, x: 1}, answers: 1, y: 1}\n"
TARGET_SECONDS = 10.0  # a third of gunicorn's default worker timeout (30 s)


def hostile_body() -> str:
    """The worst document found under the limit: thousands of entries, each wrong four ways."""
    head = "questionnaire: tqm-quick\norganisation: Hostile\nresponses:\n"
    return head + HOSTILE_LINE * ((LIMIT - len(head) - 1) // len(HOSTILE_LINE))


def valid_data() -> dict[str, object]:
    """A valid document of ~900 KB: as many full tqm-quick respondents as fit."""
    example = yaml.safe_load((ROOT / "examples" / "quick-self-scan.yaml").read_text("utf-8"))
    answers = {q: (v if isinstance(v, int) else 3) for q, v in example["answers"].items()}
    one = {"respondent": {"id": "r", "role": "manager"}, "answers": answers}
    size = len(yaml.safe_dump({"responses": [one]}, sort_keys=False)) - len("responses:\n")
    count = min(10_000, int(900_000 / size))
    responses = [
        {"respondent": {"id": f"r{i}", "role": "manager"}, "answers": dict(answers)}
        for i in range(count)
    ]
    return {"questionnaire": "tqm-quick", "organisation": "Valid", "responses": responses}


def timed(client: object, body: str, mimetype: str, runs: int) -> tuple[float, int, int]:
    """Median seconds, status and response bytes of POST /api/v1/score."""
    walls, status, size = [], 0, 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.post("/api/v1/score", data=body.encode(), content_type=mimetype)  # type: ignore[attr-defined]
        walls.append(time.perf_counter() - start)
        status, size = response.status_code, len(response.data)
    return statistics.median(walls), status, size


def libyaml_seconds(body: str, runs: int) -> float:
    """Median seconds of libyaml's safe loader alone on the body (what no reader can beat)."""
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        yaml.load(body, Loader=yaml.CSafeLoader)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--summary", action="store_true", help="print only the RESULT lines")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                "SECRET_KEY": "bench",
                "TESTING": True,
            }
        )
        app.extensions["tqm_db"].upgrade()  # what `flask --app webapp db upgrade` runs
        client = app.test_client()
        valid = valid_data()
        bodies = {
            "hostile": (hostile_body(), "application/yaml"),
            "valid_yaml": (yaml.safe_dump(valid, sort_keys=False), "application/yaml"),
            "valid_json": (json.dumps(valid), "application/json"),
            "small": ((ROOT / "examples" / "quick-self-scan.yaml").read_text(), "application/yaml"),
        }
        figures = {}
        for name, (body, mimetype) in bodies.items():
            seconds, status, size = timed(client, body, mimetype, args.runs)
            figures[name] = seconds
            if not args.summary:
                print(
                    f"{name:10} {len(body.encode()):>9} bytes in  {seconds:8.3f} s  "
                    f"HTTP {status}  {size:>9} bytes out"
                )
        floor = {
            name: libyaml_seconds(bodies[name][0], args.runs) for name in ("hostile", "valid_yaml")
        }
    ratio = figures["hostile"] / figures["valid_yaml"]
    floor_ratio = floor["hostile"] / floor["valid_yaml"]
    if not args.summary:
        print(f"hostile / valid YAML: {ratio:.2f}x")
        print(
            f"libyaml alone (yaml.CSafeLoader, the floor): hostile {floor['hostile']:.3f} s, "
            f"valid YAML {floor['valid_yaml']:.3f} s: {floor_ratio:.2f}x (more values per byte)"
        )
    for name in ("hostile", "valid_yaml", "valid_json"):
        print(
            f"RESULT name=score_{name}_seconds value={figures[name]:.4g} unit=s "
            f"baseline={figures['small']:.4g} target=<={TARGET_SECONDS}"
        )
    print(f"RESULT name=libyaml_hostile_ratio value={floor_ratio:.3g} unit=x baseline=- target=-")
    print(f"RESULT name=score_hostile_ratio value={ratio:.3g} unit=x baseline=- target=-")


if __name__ == "__main__":
    main()
