"""Lazy iteration over a list's pages: nothing is fetched until iteration starts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Generic, TypeVar

from .errors import APIConnectionError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Iterator

T = TypeVar("T")

__all__ = ["AsyncPaginator", "Page", "Paginator"]


class Page(Generic[T]):
    """One page of a list, as the server returned it."""

    __slots__ = ("items", "next_cursor")

    items: list[T]
    next_cursor: str | None
    """The cursor of the next page; ``None`` on the last page."""

    def __init__(self, items: list[T], next_cursor: str | None) -> None:
        self.items = items
        self.next_cursor = next_cursor

    def __repr__(self) -> str:
        return f"Page(items={self.items!r}, next_cursor={self.next_cursor!r})"


class _CursorGuard:
    """A server that hands back a cursor twice would make a list loop forever; stop it instead."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def next(self, page: Page[T]) -> str | None:
        cursor = page.next_cursor
        if cursor is not None:
            if cursor in self._seen:
                raise APIConnectionError(
                    f"the server returned the page cursor {cursor!r} twice; stopped instead of looping"
                )
            self._seen.add(cursor)
        return cursor


class Paginator(Generic[T]):
    """The lazy form of a list: iterate it for the items (pages are fetched as needed), or call
    ``pages()`` for the pages themselves. Each iteration starts again from the first page."""

    __slots__ = ("_fetch_page",)

    def __init__(self, fetch_page: Callable[[str | None], Page[T]]) -> None:
        self._fetch_page = fetch_page

    def pages(self) -> Iterator[Page[T]]:
        """Each page in turn, as the server returns them."""
        guard = _CursorGuard()
        cursor: str | None = None
        while True:
            page = self._fetch_page(cursor)
            yield page
            cursor = guard.next(page)
            if cursor is None:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def to_list(self) -> list[T]:
        """Every item of every page."""
        return [item for page in self.pages() for item in page.items]


class AsyncPaginator(Generic[T]):
    """The lazy form of a list in async code: ``async for`` over it for the items, or over
    ``pages()`` for the pages. Each iteration starts again from the first page."""

    __slots__ = ("_fetch_page",)

    def __init__(self, fetch_page: Callable[[str | None], Awaitable[Page[T]]]) -> None:
        self._fetch_page = fetch_page

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Each page in turn, as the server returns them."""
        guard = _CursorGuard()
        cursor: str | None = None
        while True:
            page = await self._fetch_page(cursor)
            yield page
            cursor = guard.next(page)
            if cursor is None:
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def to_list(self) -> list[T]:
        """Every item of every page."""
        return [item async for page in self.pages() for item in page.items]
