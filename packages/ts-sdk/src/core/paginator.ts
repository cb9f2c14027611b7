import { APIConnectionError } from './errors.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | undefined;
}

/**
 * The result of a list call: `await` it for every item (all pages), or iterate it with
 * `for await` to fetch one page at a time. Nothing is fetched until one of these starts.
 */
export class Paginator<T> implements AsyncIterable<T>, PromiseLike<T[]> {
  readonly [Symbol.toStringTag] = 'Paginator';
  readonly #fetchPage: (cursor: string | undefined) => Promise<Page<T>>;

  constructor(fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
    this.#fetchPage = fetchPage;
  }

  /** Each page in turn, as the server returns them. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.#fetchPage(cursor);
      yield page;
      cursor = page.nextCursor;
      if (cursor !== undefined) {
        // A server that hands back a cursor twice would make this loop forever.
        if (seen.has(cursor)) throw new APIConnectionError(`the server returned the page cursor ${JSON.stringify(cursor)} twice`);
        seen.add(cursor);
      }
    } while (cursor !== undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Every item of every page. */
  async toArray(): Promise<T[]> {
    const all: T[] = [];
    for await (const page of this.pages()) all.push(...page.items);
    return all;
  }

  then<R1 = T[], R2 = never>(
    onFulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.toArray().then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T[] | R> {
    return this.toArray().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T[]> {
    return this.toArray().finally(onFinally);
  }
}
