"""Checked by mypy --strict, never run: the types users see for both forms of every call.

A ``# type: ignore[code]`` below marks a misuse mypy must reject; with ``warn_unused_ignores``
(part of --strict), a misuse that type-checks makes mypy fail.
"""

from __future__ import annotations

from datetime import datetime, timezone

from typing_extensions import assert_type

from tensor_box import (
    AsyncPaginator,
    AsyncSandbox,
    LifecycleConfig,
    Page,
    Paginator,
    Sandbox,
    SandboxInfo,
    SandboxLogEntry,
    SandboxMetrics,
)


def blocking(sandbox: Sandbox) -> None:
    created = Sandbox.create(
        "default",
        domain="https://app.tos.run",
        timeout_ms=60_000,
        envs={"API_TOKEN": "xxx"},
        metadata={"userId": "123"},
        lifecycle=LifecycleConfig(on_timeout="pause", auto_resume=True),
    )
    assert_type(created, Sandbox)
    assert_type(Sandbox.connect("sbx_abc123", domain="https://app.tos.run"), Sandbox)
    assert_type(Sandbox.list(), list[SandboxInfo])
    assert_type(Sandbox.list(state=["paused"], metadata={"userId": "123"}), list[SandboxInfo])
    assert_type(Sandbox.list_iter(limit=10), Paginator[SandboxInfo])
    for page in Sandbox.list_iter().pages():
        assert_type(page, Page[SandboxInfo])
        assert_type(page.next_cursor, "str | None")

    # The instance form and the by-ID form of the same names.
    sandbox.pause()
    Sandbox.pause("sbx_abc123")
    assert_type(sandbox.resume(120_000), SandboxInfo)
    assert_type(Sandbox.resume("sbx_abc123", 120_000, max_retries=0), SandboxInfo)
    sandbox.set_timeout(120_000)
    sandbox.keep_alive(300_000, request_timeout_ms=5_000)
    assert_type(sandbox.is_running(), bool)
    assert_type(Sandbox.is_running("sbx_abc123"), bool)
    sandbox.kill()
    Sandbox.kill("sbx_abc123", api_key="k")
    sandbox.disconnect()
    info = sandbox.get_info()
    assert_type(info, SandboxInfo)
    assert_type(Sandbox.get_info("sbx_abc123"), SandboxInfo)
    assert_type(info.started_at, datetime)
    assert_type(info.memory_mb, int)
    assert_type(info.metadata, dict[str, str])
    assert_type(sandbox.get_metrics(since=datetime.now(timezone.utc)), list[SandboxMetrics])
    assert_type(Sandbox.get_logs("sbx_abc123", limit=10), list[SandboxLogEntry])
    assert_type(sandbox.sandbox_id, str)

    # Misuse mypy must catch.
    sandbox.kill("sbx_abc123")  # type: ignore[misc, arg-type]
    Sandbox.kill()  # type: ignore[call-arg]
    Sandbox.create(timeoutMs=60_000)  # type: ignore[call-arg]
    sandbox.kill(domain="https://elsewhere")  # type: ignore[call-arg]
    Sandbox.set_timeout("sbx_abc123", "60s")  # type: ignore[arg-type]
    LifecycleConfig(on_timeout="explode")  # type: ignore[arg-type]
    Sandbox.list(state="paused")  # type: ignore[arg-type]
    Sandbox.create(lifecycle={"on_timeout": "pause"})  # type: ignore[arg-type]


async def awaiting(sandbox: AsyncSandbox) -> None:
    assert_type(await AsyncSandbox.create("default", timeout_ms=60_000), AsyncSandbox)
    assert_type(await AsyncSandbox.connect("sbx_abc123"), AsyncSandbox)
    assert_type(await AsyncSandbox.list(state=["running", "paused"]), list[SandboxInfo])
    assert_type(AsyncSandbox.list_iter(), AsyncPaginator[SandboxInfo])
    async for item in AsyncSandbox.list_iter():
        assert_type(item, SandboxInfo)
    assert_type(await sandbox.get_info(), SandboxInfo)
    assert_type(await AsyncSandbox.get_info("sbx_abc123"), SandboxInfo)
    assert_type(await sandbox.resume(), SandboxInfo)
    assert_type(await sandbox.is_running(), bool)
    await sandbox.kill()
    await AsyncSandbox.kill("sbx_abc123")
    await sandbox.disconnect()

    sandbox.kill("sbx_abc123")  # type: ignore[misc, arg-type, unused-coroutine]
    await AsyncSandbox.kill()  # type: ignore[call-arg]
