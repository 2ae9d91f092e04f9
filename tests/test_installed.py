"""The package as users install it: a wheel in a fresh virtual environment, run from another folder.

The wheel is built from the tracked files (as `pip wheel` builds it from a clean checkout) and
installed without its dependencies into a new environment that sees the project environment's
installed packages through a .pth line (offline and fast: nothing is downloaded but the build
backend, which pip takes from its configured indexes). Every command then runs from an empty
temporary folder, so nothing is found by being in the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command; fail the test with its output when it fails."""
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def tracked_copy(target: Path) -> Path:
    """The files git tracks (and new ones it does not ignore), copied as a clean checkout has them."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with the wheel installed (its bin folder)."""
    base = tmp_path_factory.mktemp("installed")
    source = tracked_copy(base / "source")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base), "."], source, {
        **os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})  # fmt: skip
    (wheel,) = base.glob("tqm_maturity-*.whl")
    env_dir = base / "env"
    run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], base, dict(os.environ))
    python = env_dir / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], base,
               dict(os.environ)).stdout.strip()  # fmt: skip
    # The project environment's packages (Flask, WeasyPrint...), after the wheel's own.
    Path(site, "project-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         str(wheel)], base, dict(os.environ))  # fmt: skip
    return env_dir / "bin"


@pytest.mark.slow
def test_the_installed_package_works_from_any_folder(installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "elsewhere"
    work.mkdir()
    for name in ("quick-self-scan.yaml", "team.csv"):
        shutil.copy(ROOT / "examples" / name, work / name)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "TQM_CONTENT", "TQM_INSTANCE", "VIRTUAL_ENV")
    }
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "home" / "data"))
    tqm = str(installed / "tqm")
    where = run([str(installed / "python"), "-c", "import assessment; print(assessment.__file__)"],
                work, env).stdout  # fmt: skip
    assert str(installed.parent) in where  # the wheel's copy, not the checkout's
    assert run([tqm, "validate", "quick-self-scan.yaml"], work, env).stdout.strip() == "ok"
    assert "Riverside" in run([tqm, "score", "quick-self-scan.yaml"], work, env).stdout
    run([tqm, "report", "quick-self-scan.yaml", "-o", "report.pdf"], work, env)
    assert (work / "report.pdf").read_bytes().startswith(b"%PDF-")
    run([tqm, "batch", "team.csv", "-o", "team-results.csv"], work, env)
    assert (work / "team-results.csv").read_text("utf-8-sig").startswith("organisation,")
    python = str(installed / "python")
    run([python, "-m", "flask", "--app", "webapp", "db", "upgrade"], work, env)
    instance = tmp_path / "home" / "data" / "tqm-maturity"
    assert (instance / "tqm.sqlite3").is_file() and (instance / "secret_key").is_file()
    check = (
        "from webapp import create_app; c = create_app().test_client(); "
        "r = c.get('/healthz'); print(r.status_code); "
        "print(len(c.get('/api/v1/questionnaires').get_json()['questionnaires']))"
    )
    # every questionnaire the checkout ships
    served = len([p for p in (ROOT / "questionnaires").iterdir() if p.is_dir()])
    assert run([python, "-c", check], work, env).stdout.split() == ["200", str(served)]
    assert not [p.name for p in work.iterdir() if p.name == "instance"]  # nothing in the cwd
