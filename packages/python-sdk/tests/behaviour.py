"""The Python runner of the shared behaviour scenarios (test/behaviour/*.yaml, format in its README):
each step becomes a call of ``Sandbox`` or ``AsyncSandbox``, a raw HTTP request, or a look at the
machine. packages/server/test/helpers/runner.ts is the reference; this one follows it step for step.

Neutral names become the Python SDK's: ``timeoutMs`` → ``timeout_ms``, ``lifecycle`` →
``LifecycleConfig``, ``Sandbox.list`` returns every page. Every step and expectation is checked
against the fields the README documents for it: a field this runner does not know fails the step
instead of being ignored.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import signal
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import tensor_box
from local_server import (
    BEHAVIOUR_DIR,
    HostProcess,
    LocalServer,
    address_space_limit,
    kill_sandbox_processes,
    sandbox_folder,
    sandbox_processes,
)
from neutral import py_options, snake
from tensor_box import AsyncSandbox, Sandbox, SandboxInfo, SandboxLogEntry, SandboxMetrics, TensorBoxError
from tensor_box._core import transport

LOADER = Path(__file__).resolve().parent / "behaviour_scenarios.mjs"
README = BEHAVIOUR_DIR / "README.md"
FLAVOURS: dict[str, Any] = {"sync": Sandbox, "async": AsyncSandbox}

# The key the README's `key: wrong` stands for.
WRONG_KEY = "tbx_wrong_key_0000"
HOST_WAIT_S = 2.0

# Step kinds the Python SDK cannot express, with the reason: such steps are skipped and reported,
# and test_behaviour.py asserts this list (every entry a documented kind, every skip one of these).
# Empty: every step kind of the README is expressible with Sandbox and AsyncSandbox.
NOT_EXPRESSIBLE: dict[str, str] = {}

# The fields the README documents for each step kind. `mark` is allowed on every step; `client`
# and `expect` on every SDK call (`expect: { error }` on any of them).
_CALL = {"do", "mark", "client", "expect"}
STEP_FIELDS: dict[str, set[str]] = {
    "create": _CALL | {"as", "template", "options"},
    "connect": _CALL | {"id", "options"},
    "getInfo": _CALL | {"id"},
    "isRunning": _CALL | {"id"},
    "list": _CALL | {"query"},
    "pause": _CALL | {"id"},
    "resume": _CALL | {"id", "timeoutMs"},
    "setTimeout": _CALL | {"id", "timeoutMs"},
    "keepAlive": _CALL | {"id", "durationMs"},
    "kill": _CALL | {"id", "ids"},
    "getMetrics": _CALL | {"id", "since"},
    "getLogs": _CALL | {"id", "since"},
    "waitFor": _CALL | {"id", "state", "withinMs"},
    "waitForMetrics": _CALL | {"id", "atLeast", "since", "withinMs"},
    "waitForLog": _CALL | {"id", "source", "includes", "withinMs"},
    "host": {"do", "mark", "id", "process", "folder", "env", "savePid", "samePid", "limits"},
    "hostKill": {"do", "mark", "id"},
    "restartServer": {"do", "mark", "signal", "hostKill"},
    "http": {"do", "mark", "method", "path", "query", "headers", "body", "key", "expect"},
}
# What `expect:` may hold, per step kind. Where the README names an expectation for a result
# (info, metrics, logs) it is checked after every step that has that result: `info` after the
# waitFor that polled getInfo, metrics after waitForMetrics, logs after waitForLog.
_INFO = {"error", "info", "save"}
_METRICS = {"error", "count", "each", "latest"}
_LOGS = {"error", "contains", "inOrder"}
EXPECT_FIELDS: dict[str, set[str]] = {
    "create": _INFO | {"sameAs", "notSameAs"},
    "connect": _INFO | {"sameAs", "notSameAs"},
    "getInfo": _INFO,
    "resume": _INFO,
    "waitFor": _INFO,
    "isRunning": {"error", "value"},
    "list": {"error", "ids"},
    "pause": {"error"},
    "setTimeout": {"error"},
    "keepAlive": {"error"},
    "kill": {"error", "perId"},
    "getMetrics": _METRICS,
    "waitForMetrics": _METRICS,
    "getLogs": _LOGS,
    "waitForLog": _LOGS,
    "http": {"status", "code", "messageIncludes", "messageExcludes", "headers"},
}
ERROR_FIELDS = {"class", "status", "code", "messageIncludes"}


@dataclass
class Scenario:
    file: str
    name: str
    description: str
    keys: list[str]
    steps: list[dict[str, Any]]
    error: str | None = None
    """Why the file could not be read as a scenario (it then fails as a test of its own)."""


def load_scenarios(directory: Path = BEHAVIOUR_DIR) -> list[Scenario]:
    """Every ``*.yaml`` of the folder, parsed as the TS runner parses them (the generator's YAML loader)."""
    done = subprocess.run(
        ["node", str(LOADER), str(directory)], cwd=LOADER.parent, capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError(f"{LOADER.name} failed:\n{done.stderr}")
    scenarios = []
    for entry in json.loads(done.stdout):
        file = entry["file"]
        root = entry.get("root")
        error = entry.get("error")
        if error is None and not (isinstance(root, dict) and isinstance(root.get("name"), str)):
            error = "needs a name"
        if error is None and not isinstance(root.get("steps"), list):
            error = "needs steps"
        keys = root.get("keys", ["main"]) if error is None else []
        if error is None and not (isinstance(keys, list) and keys and all(isinstance(k, str) for k in keys)):
            error = "keys: must be a list of names"
        if error is not None:
            scenarios.append(Scenario(file, file, "", [], [], error=error))
            continue
        scenarios.append(Scenario(file, root["name"], root.get("description", ""), keys, root["steps"]))
    return scenarios


def documented_step_kinds() -> list[str]:
    """The `do` values of the README's Steps table (its rows after the header and the |---| line)."""
    section = README.read_text().split("\n## Steps\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [m.group(1) for line in rows[2:] if (m := re.match(r"\| `(\w+)` \|", line))]


@dataclass
class Skipped:
    file: str
    step: int
    why: str


class StepFailure(AssertionError):
    pass


def fail(message: str) -> StepFailure:
    return StepFailure(message)


@dataclass
class Window:
    """When a call started and when its answer arrived (client clock, epoch milliseconds)."""

    started: float
    ended: float


def now_ms() -> float:
    return time.time() * 1000


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def strict_equal(got: Any, want: Any) -> bool:
    """``assert.deepStrictEqual`` for JSON values: True is not 1, 1 is 1.0, dicts compare as sets of keys."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return bool(got == want)
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(strict_equal(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(strict_equal(g, w) for g, w in zip(got, want))
    return type(got) is type(want) and bool(got == want)


def show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def poll_until(check: Callable[[], bool], within_ms: float, every_ms: float = 25) -> bool:
    """Calls ``check`` until it returns True or the deadline passes (checking once more at the end)."""
    deadline = time.monotonic() + within_ms / 1000
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(every_ms / 1000)


def validate_step(step: Any) -> None:
    """Checks a step against the README: its kind, its fields, its expectations."""
    if not isinstance(step, dict) or not isinstance(step.get("do"), str):
        raise fail("a step needs exactly one `do:`")
    kind = step["do"]
    if kind not in STEP_FIELDS:
        raise fail(f"unknown step do: {kind} (test/behaviour/README.md lists the step kinds)")
    unknown = set(step) - STEP_FIELDS[kind]
    if unknown:
        raise fail(f"do: {kind} has no field {', '.join(sorted(unknown))} (README: {sorted(STEP_FIELDS[kind])})")
    expect = step.get("expect", {})
    if not isinstance(expect, dict):
        raise fail("expect: must be a map")
    unknown = set(expect) - EXPECT_FIELDS.get(kind, set())
    if unknown:
        raise fail(f"do: {kind} has no expectation {', '.join(sorted(unknown))}")
    if "error" in expect:
        if not isinstance(expect["error"], dict) or not set(expect["error"]) <= ERROR_FIELDS:
            raise fail(f"expect.error takes {sorted(ERROR_FIELDS)}")
        if len(expect) > 1:
            raise fail("expect.error cannot be combined with other expectations")
    if kind == "kill" and ("id" in step) == ("ids" in step):
        raise fail("do: kill takes either id or ids")
    if "perId" in expect and "ids" not in step:
        raise fail("expect.perId needs ids")
    if step.get("options") is not None and not isinstance(step["options"], dict):
        raise fail("options: must be a map")
    if kind == "list" and step.get("query") is not None and not isinstance(step["query"], dict):
        raise fail("query: must be a map (state, metadata, limit)")
    if kind == "http" and step.get("query") is not None and not isinstance(step["query"], str):
        raise fail("query: is the raw query string")


@dataclass
class Run:
    """One scenario against one server with one flavour; ``step`` runs a step and checks its expectations."""

    scenario: Scenario
    server: LocalServer
    flavour: str
    skipped: list[Skipped] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    saved: dict[str, Any] = field(default_factory=dict)
    marks: dict[str, datetime] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cls: Any = FLAVOURS[self.flavour]
        # AsyncSandbox calls run on one event loop for the whole scenario, as in an application;
        # Sandbox calls are plain blocking calls, made outside any event loop.
        self.loop = asyncio.new_event_loop() if self.flavour == "async" else None

    # --- driving ---------------------------------------------------------------------------------

    def run_all(self) -> None:
        for number, step in enumerate(self.scenario.steps, start=1):
            kind = step.get("do") if isinstance(step, dict) else None
            if isinstance(kind, str) and kind in NOT_EXPRESSIBLE:
                self.skipped.append(Skipped(self.scenario.file, number, NOT_EXPRESSIBLE[kind]))
                continue
            try:
                self.step(step)
            except Exception as error:
                summary = show(step)[:300]
                message = f"{self.scenario.file} step {number} {summary}\n  → {type(error).__name__}: {error}"
                raise StepFailure(message) from error

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def live_sandboxes(self) -> list[str]:
        """The running or paused sandboxes of every key, through the SDK."""
        live: list[str] = []
        for name in self.server.keys:
            found = self.sdk(self.cls.list(state=["running", "paused"], **self.conn(name)))
            live += [info.sandbox_id for info in found]
        return live

    def close(self) -> None:
        if self.loop is not None and not self.loop.is_closed():
            # The SDK's pooled client of this loop holds its connections: close them with the loop.
            async def close_client() -> None:
                client = transport._shared_async_client()
                if client is not None:
                    await client.aclose()

            self.loop.run_until_complete(close_client())
            self.loop.close()

    def sdk(self, value: Any) -> Any:
        """The result of an SDK call: awaited on the scenario's loop for AsyncSandbox."""
        if self.loop is not None:

            async def awaited() -> Any:
                return await value

            return self.loop.run_until_complete(awaited())
        return value

    def conn(self, client: str | None = None) -> dict[str, Any]:
        name = client if client is not None else self.scenario.keys[0]
        if name not in self.server.keys:
            raise fail(f"no key named {name}")
        return {"domain": self.server.url, "api_key": self.server.keys[name], "max_retries": 0}

    def id(self, value: Any) -> str:
        if not isinstance(value, str):
            raise fail(f"a sandbox ID or name is needed, got {show(value)}")
        return self.aliases.get(value, value)

    def name(self, sandbox_id: str) -> str:
        for name, value in self.aliases.items():
            if value == sandbox_id:
                return name
        return sandbox_id

    def since(self, step: dict[str, Any]) -> datetime | None:
        if step.get("since") is None:
            return None
        mark = self.marks.get(step["since"])
        if mark is None:
            raise fail(f"no mark named {step['since']}")
        return mark

    # --- a step ----------------------------------------------------------------------------------

    def step(self, step: dict[str, Any]) -> None:
        validate_step(step)
        if step.get("mark") is not None:
            self.marks[step["mark"]] = datetime.now(timezone.utc)
        expect = step.get("expect", {})
        started = now_ms()
        try:
            result = self.call(step)
        except TensorBoxError as error:
            if "error" not in expect:
                raise
            check_error(error, expect["error"])
            return
        if "error" in expect:
            raise fail(f"expected {expect['error'].get('class', 'an error')}, but the call succeeded")
        self.check(step, result, Window(started, now_ms()))

    def call(self, step: dict[str, Any]) -> Any:
        """Makes the call; returns what the expectations look at."""
        kind = step["do"]
        if kind == "host":
            return self.host(step)
        if kind == "hostKill":
            if not kill_sandbox_processes(self.server.data_dir, self.id(step.get("id"))):
                raise fail(f"no process of {step.get('id')} to kill")
            return None
        if kind == "restartServer":
            return self.restart(step)
        if kind == "http":
            return self.http(step)

        cls = self.cls
        conn = self.conn(step.get("client"))
        if kind == "create":
            options = py_options(cls.create, step.get("options") or {})
            sandbox = self.sdk(cls.create(step.get("template", "default"), **options, **conn))
            assert isinstance(sandbox, cls), f"create returned {sandbox!r}"
            if step.get("as") is not None:
                self.aliases[step["as"]] = sandbox.sandbox_id
            return sandbox.sandbox_id
        if kind == "connect":
            options = py_options(cls.connect, step.get("options") or {})
            sandbox = self.sdk(cls.connect(self.id(step.get("id")), **options, **conn))
            assert isinstance(sandbox, cls), f"connect returned {sandbox!r}"
            return sandbox.sandbox_id
        if kind == "getInfo":
            return self.sdk(cls.get_info(self.id(step.get("id")), **conn))
        if kind == "isRunning":
            return self.sdk(cls.is_running(self.id(step.get("id")), **conn))
        if kind == "list":
            query = py_options(cls.list, step.get("query") or {})
            found = self.sdk(cls.list(**query, **conn))
            assert isinstance(found, list), f"list returned {found!r}, not every page as a list"
            return found
        if kind == "pause":
            return self.sdk(cls.pause(self.id(step.get("id")), **conn))
        if kind == "resume":
            return self.sdk(cls.resume(self.id(step.get("id")), step.get("timeoutMs"), **conn))
        if kind == "setTimeout":
            return self.sdk(cls.set_timeout(self.id(step.get("id")), step["timeoutMs"], **conn))
        if kind == "keepAlive":
            return self.sdk(cls.keep_alive(self.id(step.get("id")), step["durationMs"], **conn))
        if kind == "kill":
            if "id" in step:
                return self.sdk(cls.kill(self.id(step["id"]), **conn))
            # An SDK runner kills each in order and notes how each fared.
            outcomes: dict[str, Any] = {}
            for name in step["ids"]:
                try:
                    self.sdk(cls.kill(self.id(name), **conn))
                    outcomes[name] = "ok"
                except TensorBoxError as error:
                    outcomes[name] = error
            return outcomes
        if kind == "getMetrics":
            return self.sdk(cls.get_metrics(self.id(step.get("id")), since=self.since(step), **conn))
        if kind == "getLogs":
            return self.sdk(cls.get_logs(self.id(step.get("id")), since=self.since(step), **conn))
        if kind == "waitFor":
            return self.wait_for(step, conn)
        if kind == "waitForMetrics":
            return self.wait_for_metrics(step, conn)
        if kind == "waitForLog":
            return self.wait_for_log(step, conn)
        raise fail(f"unknown step do: {kind}")

    def wait_for(self, step: dict[str, Any], conn: dict[str, Any]) -> SandboxInfo:
        sandbox_id = self.id(step.get("id"))
        last: list[SandboxInfo] = []

        def check() -> bool:
            last[:] = [self.sdk(self.cls.get_info(sandbox_id, **conn))]
            return bool(last[0].state == step["state"])

        if not poll_until(check, step["withinMs"], 50):
            raise fail(f"still {last[0].state} after {step['withinMs']} ms, expected {step['state']}")
        return last[0]

    def wait_for_metrics(self, step: dict[str, Any], conn: dict[str, Any]) -> list[SandboxMetrics]:
        sandbox_id, since = self.id(step.get("id")), self.since(step)
        last: list[SandboxMetrics] = []

        def check() -> bool:
            last[:] = self.sdk(self.cls.get_metrics(sandbox_id, since=since, **conn))
            return len(last) >= step["atLeast"]

        if not poll_until(check, step["withinMs"], 100):
            raise fail(f"only {len(last)} samples after {step['withinMs']} ms, expected {step['atLeast']}")
        return last

    def wait_for_log(self, step: dict[str, Any], conn: dict[str, Any]) -> list[SandboxLogEntry]:
        sandbox_id = self.id(step.get("id"))
        want = {"source": step.get("source"), "includes": step.get("includes")}
        last: list[SandboxLogEntry] = []

        def check() -> bool:
            last[:] = self.sdk(self.cls.get_logs(sandbox_id, **conn))
            return any(log_matches(entry, want) for entry in last)

        if not poll_until(check, step["withinMs"], 50):
            raise fail(
                f"no {step.get('source')} entry with {show(step.get('includes'))} after {step['withinMs']} ms:\n"
                + format_logs(last)
            )
        return last

    def restart(self, step: dict[str, Any]) -> None:
        name = step.get("signal", "SIGTERM")
        if name not in ("SIGTERM", "SIGKILL"):
            raise fail(f"restartServer signal is SIGTERM or SIGKILL, not {name}")
        self.server.stop(signal.Signals[name])
        for sandbox in step.get("hostKill") or []:
            if not kill_sandbox_processes(self.server.data_dir, self.id(sandbox)):
                raise fail(f"no process of {sandbox} to kill")
        self.server.start()

    # --- expectations ----------------------------------------------------------------------------

    def check(self, step: dict[str, Any], result: Any, window: Window) -> None:
        kind = step["do"]
        expect = step.get("expect", {})
        if kind in ("create", "connect"):
            sandbox_id: str = result
            if "sameAs" in expect and sandbox_id != self.id(expect["sameAs"]):
                raise fail(f"got {self.name(sandbox_id)}, expected the same sandbox as {expect['sameAs']}")
            if "notSameAs" in expect and sandbox_id == self.id(expect["notSameAs"]):
                raise fail(f"got the same sandbox as {expect['notSameAs']}")
            if "info" in expect or "save" in expect:
                # A getInfo made right after; the window ends when its answer arrived.
                info = self.sdk(self.cls.get_info(sandbox_id, **self.conn(step.get("client"))))
                self.check_info(info, expect, Window(window.started, now_ms()))
        elif kind in ("getInfo", "resume", "waitFor"):
            self.check_info(result, expect, window)
        elif kind == "isRunning":
            if "value" in expect and not strict_equal(result, expect["value"]):
                raise fail(f"isRunning returned {result!r}, expected {show(expect['value'])}")
        elif kind == "list":
            if "ids" in expect:
                got = [info.sandbox_id for info in result]
                want = [self.id(name) for name in expect["ids"]]
                if got != want:
                    names = ", ".join(self.name(i) for i in got)
                    raise fail(f"list returned [{names}], expected [{', '.join(expect['ids'])}]")
        elif kind == "kill" and "ids" in step:
            per_id = expect.get("perId") or {}
            unknown = set(per_id) - set(step["ids"])
            if unknown:
                raise fail(f"perId names {sorted(unknown)}, which are not in ids")
            for name in step["ids"]:
                want = per_id.get(name, "ok")
                got = result[name]
                if want == "ok":
                    if got != "ok":
                        raise fail(f"kill {name} failed: {got}")
                elif got == "ok":
                    raise fail(f"kill {name} succeeded, expected {want.get('class')}")
                else:
                    check_error(got, want)
        elif kind in ("getMetrics", "waitForMetrics"):
            check_metrics(result, expect)
        elif kind in ("getLogs", "waitForLog"):
            check_logs(result, expect)

    def check_info(self, info: SandboxInfo, expect: dict[str, Any], window: Window) -> None:
        assert isinstance(info, SandboxInfo), f"expected a SandboxInfo, got {info!r}"
        neutral = info.to_dict()  # the spec's camelCase names, as the scenarios write them
        for name, want in (expect.get("info") or {}).items():
            if name not in neutral:
                raise fail(f"SandboxInfo has no field {name}")
            got = getattr(info, _attribute(info, name))
            if isinstance(got, datetime) and isinstance(want, dict):
                self.check_date(name, got, want, window)
                continue
            if not strict_equal(neutral[name], want):
                raise fail(f"{name} is {show(neutral[name])}, expected {show(want)}")
        for name, label in (expect.get("save") or {}).items():
            if name not in neutral:
                raise fail(f"SandboxInfo has no field {name}")
            self.saved[label] = getattr(info, _attribute(info, name))

    def check_date(self, name: str, got: datetime, want: dict[str, Any], window: Window) -> None:
        unknown = set(want) - {"inMs", "toleranceMs", "equals", "after"}
        if unknown:
            raise fail(f"{name}: no such date expectation {sorted(unknown)}")
        t = got.timestamp() * 1000
        if "inMs" in want:
            tolerance = want.get("toleranceMs", 1000)
            low = window.started + want["inMs"] - tolerance
            high = window.ended + want["inMs"] + tolerance
            if not low <= t <= high:
                raise fail(
                    f"{name} is {iso(got)}: {t - window.ended:.0f} ms after the answer, "
                    f"expected {want['inMs']} ± {tolerance}"
                )
        if "equals" in want and got != self.saved_value(want["equals"]):
            raise fail(f"{name} is {iso(got)}, expected {iso(self.saved_value(want['equals']))} ({want['equals']})")
        if "after" in want and not got > self.saved_value(want["after"]):
            raise fail(f"{name} is {iso(got)}, expected later than {iso(self.saved_value(want['after']))}")

    def saved_value(self, label: str) -> Any:
        if label not in self.saved:
            raise fail(f"nothing saved as {label}")
        return self.saved[label]

    # --- host checks -----------------------------------------------------------------------------

    def host(self, step: dict[str, Any]) -> None:
        sandbox_id = self.id(step.get("id"))
        data_dir = self.server.data_dir
        process, folder = step.get("process"), step.get("folder")
        if process not in (None, "running", "stopped", "gone"):
            raise fail(f"process: is running, stopped or gone, not {process}")
        if folder not in (None, "present", "absent"):
            raise fail(f"folder: is present or absent, not {folder}")
        limits = step.get("limits") or {}
        if set(limits) - {"addressSpaceMB"}:
            raise fail(f"limits: takes addressSpaceMB, not {sorted(set(limits) - {'addressSpaceMB'})}")
        if step.get("samePid") is not None and step["samePid"] not in self.pids:
            raise fail(f"no PID saved as {step['samePid']}")
        procs: list[HostProcess] = []
        problems: list[str] = []

        def check() -> bool:
            procs[:] = sandbox_processes(data_dir, sandbox_id)
            problems.clear()
            stopped = [p for p in procs if p.state in ("T", "t")]
            # A shell waiting in vfork() for a stopped child shows 'D': it cannot run either.
            frozen = [p for p in procs if p.state in ("T", "t", "D")]
            leader = next((p for p in procs if p.pid == p.pgrp), None)
            if process == "running" and (not procs or stopped):
                problems.append("not running")
            if process == "stopped" and (not stopped or len(frozen) != len(procs)):
                problems.append("not all stopped")
            if process == "gone" and procs:
                problems.append("processes remain")
            exists = sandbox_folder(data_dir, sandbox_id).exists()
            if folder == "present" and not exists:
                problems.append("folder missing")
            if folder == "absent" and exists:
                problems.append("folder still there")
            needs_leader = step.get("env") or step.get("samePid") or step.get("savePid") or limits
            if needs_leader and leader is None:
                problems.append("no group leader")
            if leader is not None:
                for key, value in (step.get("env") or {}).items():
                    if leader.env.get(key) != value:
                        problems.append(f"env {key} is not {show(value)}")
                if step.get("samePid") is not None and leader.pid != self.pids[step["samePid"]]:
                    problems.append(f"leader is {leader.pid}, expected {self.pids[step['samePid']]}")
                if "addressSpaceMB" in limits:
                    try:
                        limit = address_space_limit(leader.pid)
                    except OSError as error:
                        problems.append(f"cannot read the limits: {error}")
                    else:
                        if limit != limits["addressSpaceMB"] * 1024 * 1024:
                            problems.append(f"address-space limit is {limit}")
            return not problems

        if not poll_until(check, HOST_WAIT_S * 1000):
            seen = " ".join(f"{p.pid}(pgrp {p.pgrp}, {p.state})" for p in procs) or "none"
            raise fail(f"host check failed: {'; '.join(problems)} (processes: {seen})")
        if step.get("savePid") is not None:
            self.pids[step["savePid"]] = next(p.pid for p in procs if p.pid == p.pgrp)

    # --- raw requests ----------------------------------------------------------------------------

    def http(self, step: dict[str, Any]) -> None:
        expect = step.get("expect", {})
        path = re.sub(
            r"\{([^}]+)\}", lambda m: urllib.parse.quote(self.id(m.group(1)), safe="-_.!~*'()"), str(step["path"])
        )
        target = path + (f"?{step['query']}" if step.get("query") else "")
        headers: dict[str, str] = {str(k): str(v) for k, v in (step.get("headers") or {}).items()}
        key = step.get("key", self.scenario.keys[0])
        if key == "wrong":
            headers["X-API-Key"] = WRONG_KEY
        elif key != "none":
            if key not in self.server.keys:
                raise fail(f"no key named {key}")
            headers["X-API-Key"] = self.server.keys[key]
        body: bytes | None = None
        if isinstance(step.get("body"), str):
            body = step["body"].encode()
        elif step.get("body") is not None:
            body = json.dumps(step["body"], ensure_ascii=False, separators=(",", ":")).encode()
            if not any(h.lower() == "content-type" for h in headers):
                headers["Content-Type"] = "application/json"
        # http.client sends the path and query exactly as written (no re-encoding of `%ZZ`).
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            connection.request(step["method"], target, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        if "status" in expect and response.status != expect["status"]:
            raise fail(f"status {response.status}, expected {expect['status']}: {text}")
        if response.status >= 400:
            try:
                error = json.loads(text)
            except ValueError:
                raise fail(f"the error body is not JSON: {text}") from None
            if not isinstance(error, dict):
                raise fail(f"the error body is not an object: {text}")
            for name in ("code", "message", "requestId"):
                if not isinstance(error.get(name), str):
                    raise fail(f"the error body has no string {name}: {text}")
            if "code" in expect and error["code"] != expect["code"]:
                raise fail(f"code {error['code']}, expected {expect['code']}: {text}")
            if "messageIncludes" in expect and expect["messageIncludes"] not in error["message"]:
                raise fail(f"message {show(error['message'])} does not include {show(expect['messageIncludes'])}")
            if "messageExcludes" in expect and expect["messageExcludes"] in text:
                raise fail(f"the answer {text} contains {show(expect['messageExcludes'])}")
        elif "code" in expect or "messageIncludes" in expect or "messageExcludes" in expect:
            raise fail(f"status {response.status} has no error body to check: {text}")
        for name, want in (expect.get("headers") or {}).items():
            got = response.getheader(name)
            wrong = got is None if want == "present" else got is not None if want == "absent" else got != want
            if wrong:
                raise fail(f"header {name} is {show(got)}, expected {want}")


def _attribute(model: Any, neutral_name: str) -> str:
    """The Python attribute of a spec field (memoryMB → memory_mb): the IR's snake_case rule."""
    name = snake(neutral_name)
    if name not in type(model).__slots__:
        raise fail(f"{type(model).__name__} has no attribute {name} for {neutral_name}")
    return name


def check_error(error: Any, want: dict[str, Any]) -> None:
    cls = getattr(tensor_box, str(want.get("class")), None)
    if not (isinstance(cls, type) and issubclass(cls, TensorBoxError)):
        raise fail(f"the SDK has no error class {want.get('class')}")
    if not isinstance(error, cls):
        raise fail(f"expected {want['class']}, got {type(error).__name__}: {error}")
    if "status" in want and getattr(error, "status", None) != want["status"]:
        raise fail(f"status {getattr(error, 'status', None)}, expected {want['status']}: {error}")
    if "code" in want and getattr(error, "code", None) != want["code"]:
        raise fail(f"code {getattr(error, 'code', None)}, expected {want['code']}: {error}")
    if "messageIncludes" in want and want["messageIncludes"] not in str(error):
        raise fail(f"message {show(str(error))} does not include {show(want['messageIncludes'])}")


def check_value(label: str, got: Any, want: Any) -> None:
    if isinstance(want, dict):
        if set(want) - {"min", "max"}:
            raise fail(f"{label}: a range takes min and max, not {sorted(set(want) - {'min', 'max'})}")
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            raise fail(f"{label} is {show(got)}, expected a number")
        if "min" in want and got < want["min"]:
            raise fail(f"{label} is {got}, expected at least {want['min']}")
        if "max" in want and got > want["max"]:
            raise fail(f"{label} is {got}, expected at most {want['max']}")
    elif not strict_equal(got, want):
        raise fail(f"{label} is {show(got)}, expected {show(want)}")


def check_metrics(samples: list[SandboxMetrics], expect: dict[str, Any]) -> None:
    assert all(isinstance(s, SandboxMetrics) for s in samples), samples
    neutral = [s.to_dict() for s in samples]
    count = expect.get("count") or {}
    if set(count) - {"min"}:
        raise fail(f"count: takes min, not {sorted(set(count) - {'min'})}")
    if "min" in count and len(samples) < count["min"]:
        raise fail(f"{len(samples)} samples, expected at least {count['min']}")

    def field_of(sample: dict[str, Any], name: str, label: str) -> Any:
        if name not in sample:
            raise fail(f"{label}: SandboxMetrics has no field {name}")
        return sample[name]

    for i, sample in enumerate(neutral):
        for name, want in (expect.get("each") or {}).items():
            check_value(f"sample {i} {name}", field_of(sample, name, f"sample {i}"), want)
    if expect.get("latest"):
        if not neutral:
            raise fail("no samples")
        for name, want in expect["latest"].items():
            check_value(f"latest {name}", field_of(neutral[-1], name, "latest"), want)
    for before, after in zip(samples, samples[1:]):
        if after.timestamp < before.timestamp:
            raise fail("samples are not oldest first")


def log_matches(entry: SandboxLogEntry, want: dict[str, Any]) -> bool:
    unknown = set(want) - {"source", "level", "includes"}
    if unknown:
        raise fail(f"a log expectation takes source, level and includes, not {sorted(unknown)}")
    return (
        (want.get("source") is None or entry.source == want["source"])
        and (want.get("level") is None or entry.level == want["level"])
        and (want.get("includes") is None or want["includes"] in entry.message)
    )


def format_logs(entries: list[SandboxLogEntry]) -> str:
    return "\n".join(f"  {iso(e.timestamp)} {e.level} {e.source}: {e.message}" for e in entries)


def check_logs(entries: list[SandboxLogEntry], expect: dict[str, Any]) -> None:
    assert all(isinstance(e, SandboxLogEntry) for e in entries), entries
    for want in expect.get("contains") or []:
        if not any(log_matches(e, want) for e in entries):
            raise fail(f"no log entry like {show(want)} in:\n{format_logs(entries)}")
    at = 0
    for want in expect.get("inOrder") or []:
        while at < len(entries) and not log_matches(entries[at], want):
            at += 1
        if at == len(entries):
            raise fail(f"no log entry like {show(want)} in this order in:\n{format_logs(entries)}")
        at += 1
