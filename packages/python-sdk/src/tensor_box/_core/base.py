"""What every ``Sandbox`` / ``AsyncSandbox`` instance has besides its generated API methods, and the
descriptor that makes one name work both on the class (by ID) and on an instance."""

from __future__ import annotations

from types import MethodType
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generic, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import Concatenate, ParamSpec

    from .config import Connection

    C = TypeVar("C")
    P = ParamSpec("P")
    R = TypeVar("R")

    class DualMethod(Generic[C, P, R]):
        """``Sandbox.kill("sbx_…")`` calls ``on_class``; ``sandbox.kill()`` calls ``on_instance``
        with the instance first. Each form keeps its own signature for type checkers."""

        def __init__(self, on_class: C, on_instance: Callable[Concatenate[Any, P], R]) -> None: ...

        @overload
        def __get__(self, obj: None, owner: type[Any] | None = None) -> C: ...

        @overload
        def __get__(self, obj: object, owner: type[Any] | None = None) -> Callable[P, R]: ...

        def __get__(self, obj: object, owner: type[Any] | None = None) -> C | Callable[P, R]: ...

else:
    # At run time no ParamSpec is needed (it is not in 3.9's typing), only the dispatch.
    class DualMethod:
        __slots__ = ("__doc__", "_on_class", "_on_instance")

        def __init__(self, on_class, on_instance):
            self._on_class = on_class
            self._on_instance = on_instance
            self.__doc__ = on_class.__doc__

        def __set_name__(self, owner, name):
            # What help() shows: Sandbox.kill, not the generated function's private name.
            for fn in (self._on_class, self._on_instance):
                fn.__name__ = name
                fn.__qualname__ = f"{owner.__qualname__}.{name}"

        def __get__(self, obj, owner=None):
            if obj is None:
                return self._on_class
            return MethodType(self._on_instance, obj)


class _InstanceBase:
    __slots__ = ("_connection", "_id")

    _id_attribute: ClassVar[str] = "id"
    """The name of the ID's property in the generated class (for ``repr``)."""

    def __init__(self, instance_id: str, connection: Connection) -> None:
        """Instances come from ``create`` or ``connect``; this constructor is not part of the API."""
        self._id = instance_id
        self._connection = connection
        name = type(self).__name__
        connection.reconnect_hint = (
            f"this {name} ({instance_id}) was disconnected; use {name}.connect({instance_id!r}) to connect again"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._id_attribute}={self._id!r})"


class SandboxBase(_InstanceBase):
    """The handwritten part of ``Sandbox``."""

    __slots__ = ()

    def disconnect(self) -> None:
        """Ends this SDK's connection to the sandbox and leaves the sandbox running.

        Later calls on this instance raise ``APIUserAbortError``, and a call still retrying stops
        before its next attempt. ``connect(sandbox_id)`` makes a new connection.
        """
        self._connection.disconnected = True


class AsyncSandboxBase(_InstanceBase):
    """The handwritten part of ``AsyncSandbox``."""

    __slots__ = ()

    async def disconnect(self) -> None:
        """Ends this SDK's connection to the sandbox and leaves the sandbox running.

        Later calls on this instance raise ``APIUserAbortError``, and a call still retrying stops
        before its next attempt. ``connect(sandbox_id)`` makes a new connection.
        """
        self._connection.disconnected = True
