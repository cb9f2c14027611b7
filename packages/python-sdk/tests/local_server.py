"""The local tensor-box server (packages/server, ``dist/cli.js``) in a fresh data folder on a free
port, and a look at the machine behind it: which processes of its sandboxes exist, in what state.

The Python twin of packages/server/test/helpers/server.ts and host.ts. A sandbox's processes are
found through /proc/<pid>/environ (``TENSOR_BOX_SANDBOX_ID`` and a ``HOME`` inside the server's
data folder), so servers running at once never see each other's. ``dispose`` stops the server,
kills every leftover sandbox process and removes the data folder; an exit hook does the same for
whatever a test run cut short left behind.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harness import REPO_ROOT

SERVER_BIN = REPO_ROOT / "packages" / "server" / "dist" / "cli.js"
BEHAVIOUR_DIR = REPO_ROOT / "test" / "behaviour"
LISTENING = "tensor-box server listening on http://"
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0


@dataclass
class HostProcess:
    pid: int
    pgrp: int
    state: str
    """R, S, D, T (stopped), …"""
    sandbox_id: str
    env: dict[str, str]


def _read_env(pid: str) -> dict[str, str] | None:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None
    env: dict[str, str] = {}
    for entry in raw.decode("utf-8", "replace").split("\0"):
        name, eq, value = entry.partition("=")
        if eq and name:
            env[name] = value
    return env


def _read_stat(pid: str) -> tuple[str, int] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'.
    fields = text[text.rindex(")") + 2 :].split(" ")
    return fields[0], int(fields[2])


def sandbox_processes(data_dir: Path, sandbox_id: str | None = None) -> list[HostProcess]:
    """Every live (non-zombie) process of the sandboxes of the server using ``data_dir``."""
    prefix = f"{data_dir / 'sandboxes'}/"
    found: list[HostProcess] = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        env = _read_env(pid)
        if env is None:
            continue
        sid = env.get("TENSOR_BOX_SANDBOX_ID")
        if not sid or not env.get("HOME", "").startswith(prefix):
            continue
        if sandbox_id is not None and sid != sandbox_id:
            continue
        stat = _read_stat(pid)
        if stat is None or stat[0] in ("Z", "X"):
            continue
        found.append(HostProcess(pid=int(pid), pgrp=stat[1], state=stat[0], sandbox_id=sid, env=env))
    return found


def sandbox_folder(data_dir: Path, sandbox_id: str) -> Path:
    return data_dir / "sandboxes" / sandbox_id


def kill_sandbox_processes(data_dir: Path, sandbox_id: str | None = None) -> list[HostProcess]:
    """SIGKILLs every process of the server's sandboxes (or of one); returns what it found."""
    found = sandbox_processes(data_dir, sandbox_id)
    for process in found:
        with contextlib.suppress(OSError):  # already gone
            os.killpg(process.pgrp, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGKILL)
    return found


def address_space_limit(pid: int) -> float:
    """The soft address-space limit of a process in bytes (``unlimited`` → infinity)."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max address space"):
            soft = line[len("Max address space") :].split()[0]
            return float("inf") if soft == "unlimited" else int(soft)
    raise AssertionError(f"/proc/{pid}/limits has no address-space line")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


_running: set[LocalServer] = set()


@atexit.register
def _cleanup_at_exit() -> None:
    for server in list(_running):
        server.dispose()


class LocalServer:
    """``node packages/server/dist/cli.js`` on its own port and data folder, as the behaviour README
    starts it; ``stop``/``start`` restart it on the same port and folder."""

    def __init__(self, key_names: list[str]) -> None:
        node = shutil.which("node")
        assert node, "node is not on PATH"
        assert SERVER_BIN.is_file(), f"{SERVER_BIN} is missing: build the server (scripts/test.sh does)"
        self._node = node
        # One key per name: printable, recognisable, never reused.
        self.keys = {name: f"tbk_{name}_{secrets.token_hex(12)}" for name in key_names}
        self.data_dir = Path(tempfile.mkdtemp(prefix="tensor-box-server-py-test-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        self._output: list[str] = []
        self._lock = threading.Lock()
        self._disposed = False
        _running.add(self)
        try:
            self.start()
        except BaseException:
            self.dispose()
            raise

    def output(self) -> str:
        """Everything the server printed, over all its starts."""
        with self._lock:
            return "".join(self._output)

    def start(self) -> None:
        assert self._process is None, "the server is already running"
        env = {**os.environ, "TENSOR_BOX_SERVER_API_KEYS": ",".join(self.keys.values())}
        # fmt: off
        args = [
            self._node, str(SERVER_BIN),
            "--port", str(self.port),
            "--data", str(self.data_dir),
            "--templates", str(BEHAVIOUR_DIR / "templates.json"),
            "--metrics-interval-ms", "200",
            "--log-poll-ms", "50",
        ]
        # fmt: on
        process = subprocess.Popen(
            args, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self._process = process
        listening = threading.Event()
        seen: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for raw in process.stdout:
                line = raw.decode("utf-8", "replace")
                with self._lock:
                    self._output.append(line)
                seen.append(line)
                if LISTENING in line:
                    listening.set()

        threading.Thread(target=read, name=f"server-{self.port}-output", daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not listening.wait(0.02):
            if process.poll() is not None:
                self._process = None
                raise RuntimeError(f"the server exited with {process.returncode}:\n{''.join(seen)}")
            if time.monotonic() > deadline:
                self.stop(signal.SIGKILL)
                raise RuntimeError(f"the server did not start within {START_TIMEOUT_S:.0f} s:\n{''.join(seen)}")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stops the server (SIGTERM: graceful; SIGKILL: a crash) and waits until it exited."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def dispose(self) -> list[HostProcess]:
        """Stops the server, kills leftover sandbox processes, removes the data folder; returns the leftovers."""
        if self._disposed:
            return []
        self._disposed = True
        try:
            self.stop(signal.SIGTERM)
        finally:
            leftovers = kill_sandbox_processes(self.data_dir)
            # A SIGKILL takes effect a moment later, and a shell may have forked meanwhile: kill
            # again until none is left, so that nothing outlives the scenario.
            deadline = time.monotonic() + STOP_TIMEOUT_S
            while kill_sandbox_processes(self.data_dir) and time.monotonic() < deadline:
                time.sleep(0.02)
            shutil.rmtree(self.data_dir, ignore_errors=True)
            _running.discard(self)
        return leftovers
