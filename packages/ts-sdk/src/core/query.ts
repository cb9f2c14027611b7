/**
 * URL building, with one canonical encoding shared by every tensor-box SDK: UTF-8, and every
 * byte outside RFC 3986's unreserved set (A–Z a–z 0–9 - . _ ~) percent-encoded. The same input
 * therefore gives the same bytes on the wire in TypeScript, Python and Go.
 */

export type QueryStyle = 'form' | 'form-explode' | 'form-urlencoded-map';

export interface QueryParam {
  name: string;
  style: QueryStyle;
  value: unknown;
}

export function encodeStrict(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `/sandboxes/{sandboxId}` with each parameter encoded as one path segment. */
export function buildPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeStrict(params[name] ?? ''));
}

/** `?a=1&state=running&state=paused`, or '' when nothing is set. Order is the spec's. */
export function buildQuery(params: QueryParam[]): string {
  const pairs: string[] = [];
  for (const { name, style, value } of params) {
    if (value === undefined) continue;
    const key = encodeStrict(name);
    if (style === 'form-explode') {
      for (const item of value as unknown[]) pairs.push(`${key}=${encodeStrict(scalar(item))}`);
    } else if (style === 'form-urlencoded-map') {
      const entries = Object.entries(value as Record<string, string>);
      if (entries.length === 0) continue;
      const inner = entries.map(([k, v]) => `${encodeStrict(k)}=${encodeStrict(v)}`).join('&');
      pairs.push(`${key}=${encodeStrict(inner)}`);
    } else {
      pairs.push(`${key}=${encodeStrict(scalar(value))}`);
    }
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

function scalar(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
