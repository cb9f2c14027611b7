"""The base class of the generated models: equality and a readable ``repr`` from ``__slots__``."""

from __future__ import annotations


class Model:
    """A value of the API. Fields are plain attributes; ``to_dict()`` gives the API's JSON form."""

    __slots__ = ()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._field_names())
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._field_names())

    def _field_names(self) -> tuple[str, ...]:
        # A generated model's __slots__ are its fields, in the spec's order.
        names: tuple[str, ...] = type(self).__slots__
        return names

    # Fields are mutable, so instances must not be hashable.
    __hash__ = None  # type: ignore[assignment]
