"""The shared fault vectors (test/faults) and the IR-derived bad-argument table, with ``Sandbox`` and
``AsyncSandbox``, against the fault server; debug logging on, and neither the API key nor an env
value may appear in any error or log line. Results go to test/faults/.results/python-<flavour>.json
for the vectors × clients table (test/faults/README.md).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import shutil
import signal
import subprocess
import threading
import time
import traceback
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from harness import REPO_ROOT
from neutral import py_options, snake, to_py
from tensor_box import AsyncSandbox, InvalidArgumentError, Sandbox, TensorBoxError
from tensor_box._core.model import Model

FAULT_KEY = "tb_fault_key_8d1f5c2a9e"
FAULT_ENV = "env_secret_value_93b7c1"
FLAVOURS: dict[str, Any] = {"sync": Sandbox, "async": AsyncSandbox}
RESULTS = REPO_ROOT / "test" / "faults" / ".results"

# Vectors a flavour cannot express, with the reason; asserted below so that none is left out silently.
# Empty: every vector is expressible with both flavours.
NOT_EXPRESSIBLE: dict[tuple[str, str], str] = {}
# A caller's cancel (a vector's cancelAfterMs) takes Python's own form in each flavour, and the SDK
# must let it through rather than turn it into its own error:
# - async: the task is cancelled and the call raises CancelledError (asyncio's TaskGroup and
#   timeouts rely on seeing it);
# - sync: a blocking call is cancelled the way a user cancels blocking Python code, with Ctrl-C: a
#   real SIGINT for the main thread (ctrl_c_after below), which must come out of the call as
#   KeyboardInterrupt at once (an `except Exception` in the caller's code must not catch it).
# That is Python's form of APIUserAbortError for a caller's cancel; check() accepts it only where a
# vector cancels and expects APIUserAbortError.
CANCELLED: dict[str, type[BaseException]] = {"sync": KeyboardInterrupt, "async": asyncio.CancelledError}
# How long after the SIGINT the call may take to end: it must not wait out the back-off.
MAX_INTERRUPT_LATENCY_MS = 500


class FaultServer:
    def __init__(self) -> None:
        node = shutil.which("node")
        assert node, "node is not on PATH"
        self._process = subprocess.Popen(
            [node, str(REPO_ROOT / "test" / "faults" / "server.mjs")],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.url: str = json.loads(self._process.stdout.readline())["url"]

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as response:
            return json.loads(response.read())

    def requests(self, case: str, run: str) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"case": case, "run": run})
        seen: list[dict[str, Any]] = self.get(f"/__faults/requests?{query}")
        return seen

    def stop(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=15)


_server: FaultServer | None = None
_results: dict[str, list[dict[str, Any]]] = {name: [] for name in FLAVOURS}


def server() -> FaultServer:
    global _server
    if _server is None:
        _server = FaultServer()
    return _server


def vectors() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = server().get("/__faults/vectors")
    return found


def bad_arguments() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = server().get("/__faults/bad-arguments")
    return found


@pytest.fixture(scope="module", autouse=True)
def results_file() -> Iterator[None]:
    yield
    if _server is not None:
        _server.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    for flavour, rows in _results.items():
        if rows:
            (RESULTS / f"python-{flavour}.json").write_text(json.dumps(rows, indent=2) + "\n")


def fill(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("{{env}}", FAULT_ENV)
    if isinstance(value, list):
        return [fill(v) for v in value]
    if isinstance(value, dict):
        return {k: fill(v) for k, v in value.items()}
    return value


def neutral(value: Any) -> Any:
    if isinstance(value, (Sandbox, AsyncSandbox)):
        return {"sandboxId": value.sandbox_id}
    if isinstance(value, Model):
        return value.to_dict()  # type: ignore[attr-defined]
    if isinstance(value, list):
        return [neutral(v) for v in value]
    return value


def subset(actual: Any, expected: Any, path: str = "result") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            subset(actual[key], value, f"{path}.{key}")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


class Logs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class CtrlC:
    """Presses Ctrl-C after ``seconds``: a timer thread sends a real SIGINT to the main thread, where
    Python's default handler raises KeyboardInterrupt, as in a terminal."""

    def __init__(self, seconds: float) -> None:
        self.sent_at: float | None = None
        self._seconds = seconds
        self._cancelled = threading.Event()
        self._thread = threading.Thread(target=self._press, name="ctrl-c", daemon=True)

    def _press(self) -> None:
        if not self._cancelled.wait(self._seconds):
            self.sent_at = time.monotonic()
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Once this returns, the SIGINT was either sent or will never be."""
        self._cancelled.set()
        self._thread.join()


def ctrl_c_after(seconds: float, call: Any) -> tuple[str, Any, float | None]:
    """Runs ``call()`` and presses Ctrl-C after ``seconds``. Returns how it ended: ("returned",
    result), ("interrupted", the KeyboardInterrupt the call raised) or ("late", None) when the
    interrupt arrived only after the call had returned; and when the SIGINT was sent."""
    assert threading.current_thread() is threading.main_thread(), "signals are handled on the main thread"
    # What an interactive program has, whatever this process inherited (a background job may have
    # started with SIGINT ignored).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    ctrl_c = CtrlC(seconds)
    try:
        try:
            ctrl_c.start()
            try:
                return "returned", call(), ctrl_c.sent_at
            except KeyboardInterrupt as interrupt:
                return "interrupted", interrupt, ctrl_c.sent_at
            finally:
                ctrl_c.cancel()
        except KeyboardInterrupt:
            # Not raised by the call: it arrived while stopping the timer, after the call returned.
            ctrl_c.cancel()
            return "late", None, ctrl_c.sent_at
    finally:
        signal.signal(signal.SIGINT, previous)


def run(vector: dict[str, Any], flavour: str, lazy: bool = False) -> dict[str, Any]:
    call = vector["call"]
    cls = FLAVOURS[flavour]
    name = snake(call["method"]) + ("_iter" if lazy else "")
    method = getattr(cls, name)
    client = {snake(k): v for k, v in {"maxRetries": 2, "requestTimeoutMs": 5000, **vector.get("client", {})}.items()}
    run_name = f"python-{flavour}{'-lazy' if lazy else ''}"
    options = {
        "domain": server().url,
        "api_key": FAULT_KEY,
        "debug": True,
        "headers": {"X-Fault-Case": vector["id"], "X-Fault-Run": run_name},
        **client,
        **py_options(method, fill(call.get("options") or {})),
    }
    ids = [call["id"]] if "sandbox_id" in inspect.signature(method).parameters else []
    args = [to_py(a) for a in fill(call.get("args") or [])]
    logs = Logs()
    logger = logging.getLogger("tensor_box")
    logger.addHandler(logs)
    started = time.monotonic()
    outcome: dict[str, Any] = {"flavour": flavour}
    try:
        if flavour == "sync" and call.get("cancelAfterMs") is not None:
            how, value, sent_at = ctrl_c_after(call["cancelAfterMs"] / 1000, lambda: method(*ids, *args, **options))
            ended = time.monotonic()
            assert how != "late", "the call returned before the Ctrl-C, which then hit the test instead"
            outcome["result" if how == "returned" else "error"] = value
            if how == "interrupted":
                assert sent_at is not None
                outcome["interrupt_latency_ms"] = (ended - sent_at) * 1000
        elif flavour == "sync":
            result = method(*ids, *args, **options)
            outcome["result"] = list(result) if lazy else result
        else:

            async def go() -> Any:
                if lazy:
                    return [item async for item in method(*ids, *args, **options)]
                task = asyncio.ensure_future(method(*ids, *args, **options))
                if call.get("cancelAfterMs") is not None:
                    asyncio.get_running_loop().call_later(call["cancelAfterMs"] / 1000, task.cancel)
                return await task

            outcome["result"] = asyncio.run(go())
    except (TensorBoxError, asyncio.CancelledError) as error:
        outcome["error"] = error
    finally:
        logger.removeHandler(logs)
    outcome["elapsed_ms"] = (time.monotonic() - started) * 1000
    outcome["logs"] = logs.lines
    outcome["seen"] = server().requests(vector["id"], run_name)
    return outcome


def check(vector: dict[str, Any], outcome: dict[str, Any]) -> None:
    want = vector["expect"]
    error = outcome.get("error")
    texts = [*outcome["logs"], json.dumps(neutral(outcome.get("result")), default=str)]
    if error is not None:
        texts += [str(error), repr(error), "".join(traceback.format_exception(type(error), error, error.__traceback__))]
    for text in texts:
        assert FAULT_KEY not in text, f"the API key leaked: {text[:200]}"
        assert FAULT_ENV not in text, f"an env value leaked: {text[:200]}"
    assert outcome["logs"], "debug logging produced lines"
    seen = outcome["seen"]
    if "attempts" in want:
        assert len(seen) == want["attempts"], "attempts"
    for i, (low, high) in enumerate(want.get("waits", [])):
        wait = seen[i + 1]["at"] - seen[i]["at"]
        assert low <= wait <= high, f"wait before attempt {i + 2}: {wait} ms, not in [{low}, {high}]"
    if "maxElapsedMs" in want:
        assert outcome["elapsed_ms"] < want["maxElapsedMs"], "elapsed"
    if want.get("sameIdempotencyKey"):
        keys = [s["headers"].get("idempotency-key") for s in seen]
        assert keys[0], "an idempotency key"
        assert len(set(keys)) == 1, "one idempotency key on every attempt"
    if "cursors" in want:
        cursors = [urllib.parse.parse_qs(s["query"]).get("cursor", [None])[0] for s in seen]
        assert cursors == want["cursors"], "cursors"
    if "error" in want:
        assert error is not None, f"expected {want['error']['class']}, got {outcome.get('result')!r}"
        cancelled = CANCELLED[outcome["flavour"]]
        if isinstance(error, cancelled):
            name = type(error).__name__
            assert vector["call"].get("cancelAfterMs") is not None, f"a {name} nobody asked for"
            assert want["error"] == {"class": "APIUserAbortError"}, f"only a caller's cancel may end in {name}"
            if "interrupt_latency_ms" in outcome:
                latency = outcome["interrupt_latency_ms"]
                assert latency < MAX_INTERRUPT_LATENCY_MS, f"the call ended {latency:.0f} ms after the Ctrl-C"
            return
        if vector["call"].get("cancelAfterMs") is not None and outcome["flavour"] == "sync":
            raise AssertionError(f"Ctrl-C must come out of the call as KeyboardInterrupt, not {error!r}")
        fields = {
            "class": type(error).__name__,
            "status": getattr(error, "status", None),
            "code": getattr(error, "code", None),
            "requestId": getattr(error, "request_id", None),
            "message": str(error),
            "retryAfter": getattr(error, "retry_after", None),
        }
        for key, value in want["error"].items():
            assert fields[key] == value, f"error.{key}: {fields[key]!r} != {value!r} ({error})"
    else:
        if error is not None:
            raise error
        result = neutral(outcome["result"])
        if "result" in want:
            subset(result, want["result"])
        if "ids" in want:
            assert [item["sandboxId"] for item in result] == want["ids"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "fault_vector" in metafunc.fixturenames:
        cases = [(flavour, v) for v in vectors() for flavour in FLAVOURS]
        metafunc.parametrize("fault_vector", cases, ids=[f"{f} {v['id']}" for f, v in cases])
    if "bad_argument" in metafunc.fixturenames:
        cases_b = [(f, c) for c in bad_arguments() for f in FLAVOURS]
        metafunc.parametrize("bad_argument", cases_b, ids=[f"{f} {c['name']}" for f, c in cases_b])


def test_vector(fault_vector: tuple[str, dict[str, Any]]) -> None:
    flavour, vector = fault_vector
    reason = NOT_EXPRESSIBLE.get((flavour, vector["id"]))
    if reason is not None:
        _results[flavour].append({"vector": vector["id"], "skip": reason})
        return
    try:
        check(vector, run(vector, flavour))
        if "lazyIds" in vector["expect"]:
            lazy = run(vector, flavour, lazy=True)
            assert "error" not in lazy, lazy.get("error")
            assert [item.sandbox_id for item in lazy["result"]] == vector["expect"]["lazyIds"]
            assert len(lazy["seen"]) == vector["expect"]["attempts"]
    except AssertionError as failure:
        _results[flavour].append({"vector": vector["id"], "pass": False, "detail": str(failure).split("\n")[0]})
        raise
    _results[flavour].append({"vector": vector["id"], "pass": True})


def test_bad_argument(bad_argument: tuple[str, dict[str, Any]]) -> None:
    flavour, case = bad_argument
    cls = FLAVOURS[flavour]
    method = getattr(cls, snake(case["method"]))
    run_name = f"python-{flavour}: {case['name']}"
    options = {
        "domain": server().url,
        "api_key": FAULT_KEY,
        "headers": {"X-Fault-Case": "bad-arguments", "X-Fault-Run": run_name},
        **py_options(method, case["options"]),
    }
    ids = [case["id"]] if "id" in case else []
    with pytest.raises(InvalidArgumentError) as caught:
        complete(method(*ids, *[to_py(a) for a in case["args"]], **options))
    assert caught.value.argument.split(".")[0].split("[")[0] == snake(case["argument"]), str(caught.value)
    assert server().requests("bad-arguments", run_name) == []


def complete(value: Any) -> Any:
    """Awaits what an async method returned (the check may come when the coroutine runs)."""
    if inspect.isawaitable(value):
        return asyncio.run(_await(value))
    return value


async def _await(value: Any) -> Any:
    return await value


def test_bad_arguments_cover_every_method() -> None:
    methods = {snake(c["method"]) for c in bad_arguments()}
    for cls in FLAVOURS.values():
        public = {n for n, m in vars(cls).items() if not n.startswith("_") and not isinstance(m, property)}
        assert public - {"list_iter"} <= methods, public - methods


def test_not_expressible_vectors_exist() -> None:
    ids = {v["id"] for v in vectors()}
    assert {vector for _, vector in NOT_EXPRESSIBLE} <= ids
