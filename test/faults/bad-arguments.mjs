// The bad-argument table, derived from the spec's IR so that it covers every SDK method: an empty
// ID, negative / fractional / absurdly large durations, out-of-range integers, a non-string map
// value, an unknown enum value, and each cross-field rule broken. Every case must be refused with
// InvalidArgumentError (CLI: exit 2) before any request reaches the server.
import { buildIR } from '@tensor-box/generator/ir';
import { loadSpec } from '@tensor-box/generator/load';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SPEC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'spec', 'openapi.yaml');

/** A valid value of a type, so that each case breaks exactly one argument. */
function valid(ir, type, constraints = {}) {
  switch (type.kind) {
    case 'duration':
      return 60_000;
    case 'integer':
      return constraints.minimum ?? 1;
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'string':
      return type.format === 'date-time' ? { $date: '2026-11-29T10:00:00.000Z' } : 'default';
    case 'array':
      return [valid(ir, type.items)];
    case 'map':
      return { key: 'value' };
    case 'enum':
      return ir.enums.find((e) => e.name === type.name).values[0].value;
    case 'model':
      return {};
  }
}

/** Invalid values of an argument, each with why it is invalid. */
function invalid(ir, arg) {
  const { type, constraints } = arg;
  if (type.kind === 'duration') {
    return [
      ['a negative duration', -1_000],
      ['a fractional duration', 1_500.5],
      ['an absurdly large duration', 864_000_000_000],
    ];
  }
  if (type.kind === 'integer') {
    const out = [];
    if (constraints.minimum !== undefined) out.push(['an integer below the minimum', constraints.minimum - 1]);
    if (constraints.maximum !== undefined) out.push(['an integer above the maximum', constraints.maximum + 1]);
    return out;
  }
  if (type.kind === 'string' && type.format !== 'date-time' && constraints.minLength) return [['an empty string', '']];
  if (type.kind === 'map' && type.values.kind === 'string') return [['a non-string map value', { key: 123 }]];
  if (type.kind === 'array' && type.items.kind === 'enum') return [['an unknown enum value in a list', ['hibernating']]];
  if (type.kind === 'enum') return [['an unknown enum value', 'explode']];
  if (type.kind === 'model') {
    const model = ir.models.find((m) => m.name === type.name);
    const out = [];
    for (const f of model.fields) {
      if (f.type.kind === 'enum') out.push([`an unknown ${f.name}`, { [f.name]: 'explode' }]);
    }
    for (const rule of model.rules) {
      // Satisfy `when`, then set each required field to another allowed value.
      const broken = { ...rule.when };
      for (const [field, wanted] of Object.entries(rule.require)) {
        const f = model.fields.find((x) => x.name === field);
        const values = f.type.kind === 'enum' ? ir.enums.find((e) => e.name === f.type.name).values.map((v) => v.value) : [];
        broken[field] = values.find((v) => v !== wanted) ?? `not-${wanted}`;
      }
      out.push([`a broken rule: ${rule.message}`, broken]);
    }
    return out;
  }
  return [];
}

export function badArgumentCases(spec = SPEC) {
  const ir = buildIR(loadSpec(spec), 'spec/openapi.yaml');
  const cases = [];
  for (const m of ir.sdk.methods) {
    const base = () => ({
      method: m.name,
      ...(m.idParam ? { id: 'sbx_fault' } : {}),
      args: m.positional.filter((a) => a.required && a.defaultValue === undefined).map((a) => valid(ir, a.type, a.constraints)),
      options: {},
    });
    if (m.idParam) {
      cases.push({ ...base(), id: '', why: 'an empty ID', argument: m.idParam.name });
      for (const p of m.predicates) cases.push({ ...base(), method: p.name, args: [], id: '', why: 'an empty ID', argument: m.idParam.name });
    }
    for (const arg of [...m.positional, ...m.options]) {
      for (const [why, value] of invalid(ir, arg)) {
        const c = base();
        const at = m.positional.indexOf(arg);
        if (at >= 0) {
          c.args = m.positional.slice(0, at + 1).map((a, i) => (i === at ? value : valid(ir, a.type, a.constraints)));
        } else c.options[arg.name] = value;
        cases.push({ ...c, why, argument: arg.name });
      }
    }
  }
  return cases.map((c) => ({ ...c, name: `${c.method}: ${c.why} (${c.argument})` }));
}
