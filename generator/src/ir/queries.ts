import type { ApiIR, EnumModel, Model, TypeRef } from './types.js';

/** Lookups every emitter needs; they live with the IR so that no emitter re-derives them. */

export function findModel(ir: ApiIR, name: string): Model {
  const model = ir.models.find((m) => m.name === name);
  if (!model) throw new Error(`IR has no model ${name}`);
  return model;
}

export function findEnum(ir: ApiIR, name: string): EnumModel {
  const found = ir.enums.find((e) => e.name === name);
  if (!found) throw new Error(`IR has no enum ${name}`);
  return found;
}

/** The model or enum at the bottom of arrays and maps (`Foo[]` → `Foo`). */
export function innermost(type: TypeRef): TypeRef {
  let t = type;
  while (t.kind === 'array' || t.kind === 'map') t = t.kind === 'array' ? t.items : t.values;
  return t;
}

/**
 * The models users pass in (arguments), each after the models its fields use, so that emitted
 * checkers can be defined in order.
 */
export function inputModelsInDependencyOrder(ir: ApiIR): Model[] {
  const ordered: Model[] = [];
  const done = new Set<string>();
  const visit = (model: Model) => {
    if (done.has(model.name)) return;
    done.add(model.name);
    for (const f of model.fields) {
      const t = innermost(f.type);
      if (t.kind === 'model') visit(findModel(ir, t.name));
    }
    ordered.push(model);
  };
  ir.models.filter((m) => m.usage.input && m.exposed).forEach(visit);
  return ordered;
}
