/** Routes built from the IR's operations: `/sandboxes/{sandboxId}/pause` → a matcher per method. */
import type { Operation } from '@tensor-box/generator/ir';

export interface Route {
  op: Operation;
  pattern: RegExp;
  names: string[];
}

export type Match =
  | { kind: 'found'; op: Operation; pathParams: Record<string, string> }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

export function buildRoutes(operations: Operation[]): Route[] {
  return operations.map((op) => {
    const names: string[] = [];
    const source = op.path
      .split('/')
      .map((segment) => {
        const param = /^\{([^}]+)\}$/.exec(segment);
        if (param) {
          names.push(param[1]!);
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { op, pattern: new RegExp(`^${source}/?$`), names };
  });
}

/** Matches a raw (still percent-encoded) path; each parameter is one segment, decoded once. */
export function match(routes: Route[], method: string, rawPath: string): Match {
  const allowed: string[] = [];
  for (const route of routes) {
    const m = route.pattern.exec(rawPath);
    if (!m) continue;
    if (route.op.httpMethod !== method) {
      allowed.push(route.op.httpMethod);
      continue;
    }
    const pathParams: Record<string, string> = {};
    for (const [i, name] of route.names.entries()) {
      const raw = m[i + 1]!;
      let value: string;
      try {
        value = decodeURIComponent(raw);
      } catch {
        value = raw; // not valid percent-encoding: no ID can look like this, so it will not be found
      }
      pathParams[name] = value;
    }
    return { kind: 'found', op: route.op, pathParams };
  }
  return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
}
