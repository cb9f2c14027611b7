/**
 * Helpers for the generated decoders (wire JSON → the SDK's types). Decoding is lenient: a value
 * of an unexpected shape is passed through, never an exception, so a newer server cannot break
 * an older client.
 */

/** An ISO 8601 string → `Date`. */
export function decodeDate(value: string): Date {
  return typeof value === 'string' ? new Date(value) : (value as unknown as Date);
}

export function decodeMap<A, B>(value: Record<string, A>, decode: (v: A) => B): Record<string, B> {
  const out: Record<string, B> = {};
  for (const [k, v] of Object.entries(value ?? {})) out[k] = decode(v);
  return out;
}
