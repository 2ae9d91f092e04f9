"""The web app under a real gunicorn, and a small cookie-keeping HTTP client, for tests and benches.

`start_gunicorn` binds a loopback socket on a free port itself and hands it to gunicorn
(`--bind fd://N`), so the port is known before the server starts and cannot be taken by anyone
else. Gunicorn runs in a process group of its own: `LiveServer.kill()` SIGKILLs the master, the
workers and anything they started (the PDF renderers) at once, the way a crash or an OOM kill
would. Readiness is a request to /healthz that waits for the server (bounded by a deadline, and by
the server process exiting), never a fixed sleep.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from helpers import ROOT

# Settings of the app that must come from the caller, never from the developer's shell.
from webapp.config import ENV_KEYS as APP_ENV

GUNICORN = Path(sys.executable).parent / "gunicorn"
APP = "webapp:create_app()"
UNLIMITED = "1000000 per minute"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class ServerFailed(RuntimeError):
    """The server exited or did not answer /healthz in time (the message has its log)."""


@dataclass
class LiveServer:
    """A running gunicorn: its process (group leader), base URL and log file."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group (master, workers, renderers) and reap the master."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Graceful shutdown (SIGTERM), then make sure nothing of the group is left."""
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        self.kill()


def start_gunicorn(
    env: Mapping[str, str],
    log: Path,
    workers: int = 2,
    extra_args: tuple[str, ...] = (),
    ready_within: float = 60.0,
    app: str = APP,
    upgrade: bool = True,
) -> LiveServer:
    """`flask --app webapp db upgrade`, then start `gunicorn 'webapp:create_app()'` on 127.0.0.1
    with `env` added; wait until it serves. `app`: another factory call, e.g. with settings the
    environment does not carry (`webapp:create_app({'TQM_REDIS_NAMESPACE': 'x'})`); `upgrade`:
    False when the caller ran the migrations (servers started together must not race them)."""
    environment = app_environment(env)
    if upgrade:
        upgrade_database(environment)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    port = listener.getsockname()[1]
    fd = listener.fileno()
    os.set_inheritable(fd, True)
    command = [
        str(GUNICORN),
        "--bind", f"fd://{fd}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        *extra_args,
        app,
    ]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            pass_fds=(fd,),
            start_new_session=True,  # its own process group: kill() reaches every worker
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    listener.close()  # gunicorn holds the socket now; once it is gone, connections are refused
    server = LiveServer(process, port, log)
    try:
        wait_until_serving(server, ready_within)
    except BaseException:
        server.kill()
        raise
    return server


def app_environment(env: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without the app's settings, then the test's limits and `env`."""
    environment = {k: v for k, v in os.environ.items() if k not in APP_ENV}
    # Tests and benches are one client sending many requests: the per-client rate limits
    # (webapp/limits.py, tested on their own) would answer them 429.
    environment.update({"TQM_LIMIT_START": UNLIMITED, "TQM_LIMIT_API": UNLIMITED})
    environment.update(env)
    return environment


def upgrade_database(environment: Mapping[str, str]) -> None:
    """Run `flask --app webapp db upgrade`, as a deploy does before it starts gunicorn."""
    command = [sys.executable, "-m", "flask", "--app", "webapp", "db", "upgrade"]
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    if done.returncode:
        raise ServerFailed(f"db upgrade exited with {done.returncode}:\n{done.stderr}")


def wait_until_serving(server: LiveServer, within: float) -> None:
    """Block until GET /healthz answers 200; fail early with the log if the server exits."""
    deadline = time.monotonic() + within
    while True:
        if server.process.poll() is not None:
            raise ServerFailed(
                f"gunicorn exited with {server.process.returncode}:\n{server.log_text()}"
            )
        if time.monotonic() > deadline:
            raise ServerFailed(f"no answer on /healthz in {within:g} s:\n{server.log_text()}")
        # The socket was listening before gunicorn started: this request waits in the backlog
        # until a worker takes it (at most 1 s, then the loop looks at the process again).
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=1)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()


@dataclass
class Reply:
    """A response: status, headers (lower-case names, last value wins) and body text."""

    status: int
    headers: dict[str, str]
    body: str

    @property
    def location(self) -> str:
        """The path of a redirect's Location header."""
        return urllib.parse.urlsplit(self.headers.get("location", "")).path


@dataclass
class WebClient:
    """One browser: a cookie jar and an HTTP/1.1 connection to the server (reopened as needed)."""

    port: int
    timeout: float = 30.0
    cookies: dict[str, str] = field(default_factory=dict)
    _connection: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        form: Mapping[str, str] | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one request with the jar's cookies; keep the cookies the server sets."""
        sent = dict(headers or {})
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=self.timeout
            )
        try:
            self._connection.request(method, path, body=body, headers=sent)
            response = self._connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except BaseException:
            self.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.close()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, text)

    def csrf_token(self, path: str) -> str:
        """The CSRF token of this client's session, read from the form on `path`."""
        page = self.request("GET", path)
        match = CSRF.search(page.body)
        if page.status != 200 or not match:
            raise AssertionError(f"no CSRF token on {path} ({page.status})")
        return match.group(1)

    def start(self, questionnaire: str = "tqm-quick", organisation: str = "Test Co") -> str:
        """Start an assessment; return its resume token."""
        path = f"/start/{questionnaire}"
        form = {"csrf_token": self.csrf_token(path), "organisation": organisation, "role": ""}
        reply = self.request("POST", path, form=form)
        if reply.status != 303:
            raise AssertionError(f"start answered {reply.status}: {reply.body[:500]}")
        return reply.location.split("/")[2]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def page_form(
    csrf_token: str, answers: Mapping[str, object], notes: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The fields of a dimension page submit ("save and continue")."""
    form = {"csrf_token": csrf_token, "nav": "next"}
    for qid, value in answers.items():
        form[f"answer-{qid}"] = str(value)
        form[f"note-{qid}"] = (notes or {}).get(qid, "")
    return form


CHECKED = re.compile(
    r'<input type="radio" id="[^"]*" name="answer-([^"]+)" value="([^"]+)" checked[^>]*>'
)
NOTE = re.compile(r'<textarea id="note-[^"]*" name="note-([^"]+)"[^>]*>([^<]*)</textarea>')


def shown_answers(html: str) -> dict[str, tuple[str, str]]:
    """What a dimension page shows as stored: question id -> (checked value, note)."""
    import html as html_lib

    notes = {qid: html_lib.unescape(text) for qid, text in NOTE.findall(html)}
    return {qid: (value, notes.get(qid, "")) for qid, value in CHECKED.findall(html)}
