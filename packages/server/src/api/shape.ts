/**
 * Response bodies built from the IR's models: only the spec's fields, in the spec's order, dates
 * as RFC 3339 strings. A missing required field is a server bug and fails loudly (500) rather
 * than sending an answer that breaks the contract.
 */
import type { TypeRef } from '@tensor-box/generator/ir';
import type { Api } from './spec.js';

export function shape(api: Api, type: TypeRef, value: unknown, where = 'response'): unknown {
  switch (type.kind) {
    case 'model': {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of api.model(type.name).fields) {
        const v = source[f.name];
        if (v === undefined) {
          if (f.required) throw new Error(`${where}: ${type.name}.${f.name} is required by the spec but missing`);
          continue;
        }
        out[f.name] = shape(api, f.type, v, `${where}.${f.name}`);
      }
      return out;
    }
    case 'array':
      return (value as unknown[]).map((item, i) => shape(api, type.items, item, `${where}[${i}]`));
    case 'map':
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shape(api, type.values, v, `${where}.${k}`)]));
    case 'string':
      if (type.format === 'date-time') return new Date(value as number | string | Date).toISOString();
      return String(value);
    case 'integer':
    case 'duration':
      return Math.round(Number(value));
    case 'number':
      return Number(value);
    case 'boolean':
      return Boolean(value);
    case 'enum':
      return String(value);
  }
}
