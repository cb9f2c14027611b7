"""Every shared conformance scenario (test/conformance), with ``Sandbox`` and with ``AsyncSandbox``,
against Prism behind the recording proxy: zero violations, the exact wire request, the result or
the error. test/conformance/README.md lists the checks; test/ts/ is the reference runner.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import re
import urllib.parse
from datetime import datetime, timezone
from typing import Any

import pytest

import tensor_box
from conftest import API_KEY
from harness import harness
from neutral import py_options, snake, to_py
from tensor_box import AsyncSandbox, Sandbox
from tensor_box._core.base import DualMethod
from tensor_box._core.model import Model

FLAVOURS = {"sync": Sandbox, "async": AsyncSandbox}

# Cases a Python caller cannot write, with the reason. Empty: every case is expressible. The
# test below asserts that every name here is a real case, so this list cannot go stale.
NOT_EXPRESSIBLE: dict[str, str] = {}


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_result(actual: Any, expected: Any, cls: type, path: str = "result") -> None:
    """Walks the expected neutral JSON: model fields are read by their snake_case names, map keys as they are."""
    if expected is None:
        assert actual is None, f"{path}: expected None, got {actual!r}"
    elif isinstance(actual, (Sandbox, AsyncSandbox)):
        assert type(actual) is cls, f"{path}: a {type(actual).__name__}, not a {cls.__name__}"
        assert expected == {"sandboxId": actual.sandbox_id}, path
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{path}: {len(actual)} items, expected {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            check_result(a, e, cls, f"{path}[{i}]")
    elif isinstance(expected, dict) and isinstance(actual, Model):
        fields = {snake(k): k for k in expected}
        assert set(fields) == set(type(actual).__slots__), f"{path}: fields {sorted(type(actual).__slots__)}"
        for name, key in fields.items():
            check_result(getattr(actual, name), expected[key], cls, f"{path}.{name}")
    elif isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected a dict, got {actual!r}"
        assert actual == expected, path
    elif isinstance(actual, datetime):
        assert actual.tzinfo is not None, f"{path}: a naive datetime"
        assert iso(actual) == expected, path
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
        assert type(actual) is type(expected) or (type(expected) is int and type(actual) is float), path


def run_call(case: dict[str, Any], flavour: str, tag: str) -> tuple[Any, BaseException | None]:
    call = case["call"]
    cls: Any = FLAVOURS[flavour]
    client = {snake(k): v for k, v in (call.get("client") or {}).items()}
    connection = {"domain": harness().url, "api_key": API_KEY, **client}
    headers = {"X-Conformance-Case": tag, **({"Prefer": call["prefer"]} if call.get("prefer") else {})}
    name = snake(call["method"])
    take = call.get("take")
    if take is not None:
        name = f"{name}_iter"
    args = [to_py(a) for a in call.get("args", [])]

    async def run_async() -> Any:
        if call["on"] == "instance":
            sandbox = await cls.connect(
                call.get("id", "sbx_abc123"), **connection, headers={"X-Conformance-Case": f"{tag}:setup"}
            )
            if call.get("disconnectFirst"):
                await sandbox.disconnect()
            method = getattr(sandbox, name)
            return await method(*args, **py_options(method, call.get("options") or {}), headers=headers)
        method = getattr(cls, name)
        ids = [call.get("id", "sbx_abc123")] if "sandbox_id" in inspect.signature(method).parameters else []
        result = method(*ids, *args, **connection, **py_options(method, call.get("options") or {}), headers=headers)
        if take is not None:
            items = []
            async for item in result:
                items.append(item)
                if len(items) >= take:
                    break
            return items
        return await result

    def run_sync() -> Any:
        if call["on"] == "instance":
            sandbox = cls.connect(
                call.get("id", "sbx_abc123"), **connection, headers={"X-Conformance-Case": f"{tag}:setup"}
            )
            if call.get("disconnectFirst"):
                sandbox.disconnect()
            method = getattr(sandbox, name)
            return method(*args, **py_options(method, call.get("options") or {}), headers=headers)
        method = getattr(cls, name)
        ids = [call.get("id", "sbx_abc123")] if "sandbox_id" in inspect.signature(method).parameters else []
        result = method(*ids, *args, **connection, **py_options(method, call.get("options") or {}), headers=headers)
        return list(itertools.islice(result, take)) if take is not None else result

    try:
        return (asyncio.run(run_async()) if flavour == "async" else run_sync()), None
    except tensor_box.TensorBoxError as error:
        return None, error


def check_request(actual: dict[str, Any], want: dict[str, Any]) -> None:
    assert actual["method"] == want["method"]
    assert actual["path"] == want["path"]
    assert actual["query"] == want["query"], "raw query string"
    if want["body"] is None:
        assert actual["body"] is None, "no body"
        assert "content-type" not in actual["headers"], "no content-type without a body"
    else:
        assert actual["body"] is not None, "a JSON body"
        import json

        assert json.loads(actual["body"]) == want["body"]
    for name, expected in (want.get("headers") or {}).items():
        value = actual["headers"].get(name)
        if isinstance(expected, str):
            assert value == expected, f"header {name}"
        elif expected.get("present"):
            assert value, f"header {name} present"
        else:
            assert value is None, f"header {name} absent"


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_case(case: dict[str, Any], flavour: str) -> None:
    if case["name"] in NOT_EXPRESSIBLE:
        pytest.fail(f"listed as not expressible in Python ({NOT_EXPRESSIBLE[case['name']]}) but still collected")
    tag = f"{case['tag']}@python-{flavour}"
    result, error = run_call(case, flavour, tag)
    requests = harness().requests(tag)
    setup = harness().requests(f"{tag}:setup")

    for r in [*setup, *requests]:
        assert r["violations"] == [], f"Prism violations for {r['method']} {r['path']}?{r['query']}"
        assert r["headers"]["x-api-key"] == API_KEY
        assert re.match(r"^tensor-box-python/\d+\.\d+\.\d+", r["headers"]["user-agent"])
        assert r["headers"]["x-tensor-box-lang"] == "python"

    want = case["expect"]
    if "requestCount" in want:
        assert len(requests) == want["requestCount"], "number of requests"
    if "requests" in want:
        assert len(requests) == len(want["requests"]), "number of requests"
        for actual, expected in zip(requests, want["requests"]):
            check_request(actual, expected)
    if "request" in want:
        assert requests, "a request was sent"
        check_request(requests[-1], want["request"])
    if "metadata" in want:
        values = urllib.parse.parse_qs(requests[-1]["query"]).get("metadata")
        assert values, "metadata query value"
        assert dict(urllib.parse.parse_qsl(values[0], keep_blank_values=True)) == want["metadata"]

    if "error" in want:
        assert error is not None, f"expected {want['error']['class']}, got result {result!r}"
        for key, expected in want["error"].items():
            if key == "class":
                assert type(error).__name__ == expected, f"error class ({error})"
            elif key == "argument":
                argument = re.split(r"[.\[]", error.argument)[0]  # type: ignore[attr-defined]
                assert argument == snake(expected), f"error.argument ({error})"
            elif key == "message":
                assert str(error) == expected
            else:
                attribute = {"requestId": "request_id", "retryAfter": "retry_after"}.get(key, key)
                assert getattr(error, attribute) == expected, f"error.{attribute} ({error})"
    else:
        if error is not None:
            raise error
        check_result(result, want.get("result"), FLAVOURS[flavour])


def all_cases() -> list[dict[str, Any]]:
    return [case for scenario in harness().scenarios() for case in scenario["cases"]]


def test_not_expressible_names_are_real_cases() -> None:
    names = {case["name"] for case in all_cases()}
    assert set(NOT_EXPRESSIBLE) <= names


@pytest.mark.parametrize("cls", [Sandbox, AsyncSandbox])
def test_every_public_method_is_exercised_in_each_form(cls: type) -> None:
    """Each class method is called on the class by some scenario, and each dual method on an instance too."""
    cases = all_cases()

    def called(name: str, on: str) -> bool:
        for case in cases:
            call = case["call"]
            called_name = snake(call["method"]) + ("_iter" if call.get("take") is not None else "")
            if called_name == name and call["on"] == on:
                return True
        return False

    public = {name: member for name, member in vars(cls).items() if not name.startswith("_")}
    missing = []
    for name, member in public.items():
        if isinstance(member, DualMethod):
            missing += [f"{name} on {on}" for on in ("class", "instance") if not called(name, on)]
        elif isinstance(member, (classmethod, staticmethod)) and not called(name, "class"):
            missing.append(f"{name} on class")
    assert missing == []
    # And nothing a scenario calls is missing from the class.
    for case in cases:
        assert snake(case["call"]["method"]) in public


def test_every_error_class_is_reached() -> None:
    reached = {case["expect"].get("error", {}).get("class") for case in all_cases()}
    for name in [
        "InvalidArgumentError",
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "UnprocessableEntityError",
        "RateLimitError",
        "InternalServerError",
        "APIConnectionError",
        "APIUserAbortError",
    ]:
        assert name in reached, name
        assert issubclass(getattr(tensor_box, name), tensor_box.TensorBoxError)
