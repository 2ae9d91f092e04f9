"""Code the test modules share that is not a fixture (fixtures live in the conftest.py files).

Importable as `helpers` because pytest puts tests/ on the import path (pyproject: `pythonpath`);
tests/conftest.py has pytest rewrite the asserts of this package too.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
DATA = TESTS / "data"
