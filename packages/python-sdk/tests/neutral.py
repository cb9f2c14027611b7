"""Neutral scenario values (camelCase names, ``{$date}``) → Python calls, shared by the runners."""

from __future__ import annotations

import inspect
import re
from datetime import datetime
from typing import Any

import tensor_box
from tensor_box._core.model import Model


def snake(name: str) -> str:
    """The IR's snake_case rule (generator/src/ir/names.ts): memoryMB → memory_mb."""
    return "_".join(w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name))


def to_py(value: Any) -> Any:
    """Neutral scenario values → Python values (``{$date}`` → an aware datetime)."""
    if isinstance(value, list):
        return [to_py(v) for v in value]
    if isinstance(value, dict):
        if "$date" in value:
            return datetime.fromisoformat(value["$date"].replace("Z", "+00:00"))
        return {k: to_py(v) for k, v in value.items()}
    return value


def model_class(annotation: Any) -> type[Model] | None:
    """The model class an annotation (a string, under ``from __future__ import annotations``) names."""
    for name in re.findall(r"[A-Za-z_]\w*", str(annotation)):
        found = getattr(tensor_box, name, None)
        if isinstance(found, type) and issubclass(found, Model):
            return found
    return None


def to_model(cls: type[Model], value: dict[str, Any]) -> Model:
    params = inspect.signature(cls).parameters
    kwargs = {}
    for key, item in value.items():
        name = snake(key)
        nested = model_class(params[name].annotation) if name in params else None
        kwargs[name] = to_model(nested, item) if nested and isinstance(item, dict) else to_py(item)
    return cls(**kwargs)


def py_options(fn: Any, options: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(fn).parameters
    out = {}
    for key, value in options.items():
        name = snake(key)
        cls = model_class(params[name].annotation) if name in params else None
        out[name] = to_model(cls, value) if cls and isinstance(value, dict) else to_py(value)
    return out
