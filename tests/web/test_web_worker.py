"""The report worker's judgement of which registered workers are dead (webapp/worker.py): only a
worker of this host whose process is gone; the cluster test (test_web_cluster.py) kills one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from webapp.worker import died_here


def test_a_worker_of_this_host_whose_process_is_gone_is_dead() -> None:
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert died_here(socket.gethostname(), int(ended.stdout))


def test_a_running_worker_and_one_of_another_host_are_not() -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as running:
        try:
            assert not died_here(socket.gethostname(), running.pid)
            assert not died_here("another-host.example", 999_999_999)
        finally:
            running.kill()


def test_a_worker_with_this_process_id_was_this_containers_last_run() -> None:
    assert died_here(socket.gethostname(), os.getpid())
    assert not died_here(socket.gethostname(), None)
