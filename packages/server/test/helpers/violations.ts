/**
 * A `fetch` that notes every answer's Prism violations (the `sl-violations` header, or the
 * `validation` array of a problem+json body), so a run through `prism proxy` can require none.
 */
export interface Recorded {
  method: string;
  url: string;
  status: number;
  violations: unknown[];
  /** The answer carries the server's X-Request-Id (it was not made up by a proxy). */
  fromServer: boolean;
}

export function recordingFetch(records: Recorded[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const found: unknown[] = [];
    const header = res.headers.get('sl-violations');
    if (header) {
      try {
        found.push(...(JSON.parse(header) as unknown[]));
      } catch {
        found.push({ message: `unparsable sl-violations header: ${header}` });
      }
    }
    if ((res.headers.get('content-type') ?? '').includes('application/problem+json')) {
      const problem = (await res.clone().json().catch(() => ({}))) as { validation?: unknown[]; title?: string; detail?: string };
      found.push(...(Array.isArray(problem.validation) ? problem.validation : [{ message: `prism problem: ${problem.title ?? ''} ${problem.detail ?? ''}` }]));
    }
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    records.push({ method: init?.method ?? 'GET', url, status: res.status, violations: found, fromServer: res.headers.has('x-request-id') });
    return res;
  };
}
