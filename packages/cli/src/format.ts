import type { Style } from './color.js';
import type { FieldType, ModelSpec } from './table.js';

/**
 * How results print: JSON for machines, a key-value view or a table for people. The model
 * descriptions in the command table say which fields exist and which are dates.
 */

export type Models = Record<string, ModelSpec>;

/** Machine output: dates as ISO 8601 with milliseconds, exactly as the SDK's values serialise. */
export function toJson(value: unknown, pretty = true): string {
  return JSON.stringify(value, null, pretty ? 2 : undefined);
}

/**
 * A wire record (as the server sent it) in the shape the SDK decodes to: known fields only,
 * dates as `Date`. Used where the SDK hands back an instance rather than the record itself.
 */
export function decodeRecord(models: Models, model: string, wire: unknown): unknown {
  const spec = models[model];
  if (!spec || wire === null || typeof wire !== 'object') return wire;
  const source = wire as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of spec.fields) {
    if (source[field.name] !== undefined) out[field.name] = decodeValue(models, field.type, source[field.name]);
  }
  return out;
}

function decodeValue(models: Models, type: FieldType, value: unknown): unknown {
  if (type === 'date' && typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  if (typeof type === 'object' && 'model' in type) return decodeRecord(models, type.model, value);
  if (typeof type === 'object' && 'list' in type && Array.isArray(value)) return value.map((v) => decodeValue(models, type.list, v));
  return value;
}

const ACRONYMS = new Set(['id', 'cpu', 'mb', 'gb', 'url', 'api', 'pct']);

/** `sandboxId` → `Sandbox ID`, `memoryMB` → `Memory MB`. */
export function label(field: string): string {
  const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').split(' ');
  return words
    .map((w, i) => {
      const lower = w.toLowerCase();
      if (ACRONYMS.has(lower)) return lower === 'pct' ? '%' : lower.toUpperCase();
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}

/** One value as text for people. */
export function cell(models: Models, type: FieldType | undefined, value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (type === 'map' || (typeof type === 'object' && 'model' in type)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '-';
    const fieldTypes = typeof type === 'object' && 'model' in type ? models[type.model]?.fields : undefined;
    return entries
      .map(([k, v]) => `${k}=${quoteIfNeeded(cell(models, fieldTypes?.find((f) => f.name === k)?.type, v))}`)
      .join(' ');
  }
  if (Array.isArray(value)) return value.map((v) => cell(models, typeof type === 'object' && 'list' in type ? type.list : undefined, v)).join(', ');
  return String(value);
}

function quoteIfNeeded(text: string): string {
  return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

/** The key-value view of one record. */
export function renderRecord(models: Models, model: string, record: Record<string, unknown>, s: Style): string {
  const fields = models[model]?.fields ?? Object.keys(record).map((name) => ({ name, type: 'string' as FieldType }));
  const labels = fields.map((f) => label(f.name));
  const width = Math.max(...labels.map((l) => l.length));
  return fields.map((f, i) => `${s.dim(labels[i]!.padEnd(width))}  ${cell(models, f.type, record[f.name])}`).join('\n');
}

/** Rows of cells aligned in columns; the last column is not padded. */
export function renderTable(models: Models, model: string, columns: string[], rows: Record<string, unknown>[], s: Style, header = true): string {
  const fields = models[model]?.fields ?? [];
  const typeOf = (c: string) => fields.find((f) => f.name === c)?.type;
  const head = columns.map((c) => label(c).toUpperCase());
  const body = rows.map((row) => columns.map((c) => cell(models, typeOf(c), row[c])));
  const widths = columns.map((_, i) => Math.max(header ? head[i]!.length : 0, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((text, i) => (i === cells.length - 1 ? text : text.padEnd(widths[i]!))).join('  ');
  const lines = body.map(line);
  if (header) lines.unshift(s.bold(line(head)));
  return lines.join('\n');
}
