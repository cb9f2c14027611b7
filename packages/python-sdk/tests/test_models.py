"""Models: JSON in and out, times, open enums, equality."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from fake_server import RUNNING
from tensor_box import LifecycleConfig, SandboxInfo, SandboxLogEntry, SandboxMetrics
from tensor_box._core.decode import format_datetime, parse_datetime

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-29T10:00:00Z", datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC)),
        ("2026-11-29T10:00:01.25Z", datetime(2026, 11, 29, 10, 0, 1, 250000, tzinfo=UTC)),
        ("2026-11-29t10:00:01.123456789z", datetime(2026, 11, 29, 10, 0, 1, 123456, tzinfo=UTC)),
        ("2026-11-29T12:00:00+02:00", datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC)),
        ("2026-11-29T05:30:00-04:30", datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC)),
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None


@pytest.mark.parametrize("text", ["2026-11-29", "2026-11-29T10:00:00", "yesterday", "2026-11-29T10:00:00Zjunk"])
def test_parse_datetime_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not an RFC 3339 date-time"):
        parse_datetime(text)


def test_format_datetime() -> None:
    assert format_datetime(datetime(2026, 11, 29, 10, 0, tzinfo=UTC)) == "2026-11-29T10:00:00.000Z"
    assert format_datetime(datetime(2026, 11, 29, 12, 0, 0, 999999, tzinfo=timezone(timedelta(hours=2)))) == (
        "2026-11-29T10:00:00.999Z"
    )


def test_sandbox_info_round_trip() -> None:
    info = SandboxInfo.from_dict({**RUNNING, "somethingNew": {"x": 1}})
    assert info.sandbox_id == "sbx_abc123"
    assert info.started_at == datetime(2026, 11, 29, 10, tzinfo=UTC)
    assert (info.cpu_count, info.memory_mb, info.disk_gb) == (2, 2048, 40)
    assert info.lifecycle.on_timeout == "pause"
    assert info.lifecycle.auto_resume is True
    assert info.to_dict() == {
        **RUNNING,
        "startedAt": "2026-11-29T10:00:00.000Z",
        "endAt": "2026-11-29T10:01:00.000Z",
    }
    assert SandboxInfo.from_dict(info.to_dict()) == info
    assert repr(info).startswith("SandboxInfo(sandbox_id='sbx_abc123', template_id='default', state='running', ")


def test_numbers_and_lists() -> None:
    sample = SandboxMetrics.from_dict(
        {
            "timestamp": "2026-11-29T10:00:05Z",
            "cpuCount": 2,
            "cpuUsedPct": 12,
            "memUsed": 1,
            "memTotal": 2,
            "diskUsed": 3,
            "diskTotal": 4,
        }
    )
    assert sample.cpu_used_pct == 12.0
    assert isinstance(sample.cpu_used_pct, float)
    entry = SandboxLogEntry.from_dict(
        {"timestamp": "2026-11-29T10:00:00Z", "level": "trace", "source": "gpu", "message": "m"}
    )
    assert (entry.level, entry.source) == ("trace", "gpu")  # open enums: newer values pass through


def test_input_model() -> None:
    config = LifecycleConfig(on_timeout="pause")
    assert config.auto_resume is None
    assert config.to_dict() == {"onTimeout": "pause"}
    assert LifecycleConfig.from_dict({"onTimeout": "kill", "autoResume": False}) == LifecycleConfig(
        on_timeout="kill", auto_resume=False
    )
    assert config != LifecycleConfig(on_timeout="kill")
    assert config != "pause"
    with pytest.raises(TypeError):
        hash(config)
    with pytest.raises(TypeError):
        LifecycleConfig("pause")  # type: ignore[misc]
    with pytest.raises(AttributeError):
        config.on_timeot = "kill"  # type: ignore[attr-defined]
