import { toPointer } from '../load/index.js';
import type { BuildContext } from './context.js';
import { memberNames, typeNames } from './names.js';
import type { RawSchema } from './raw.js';
import type { Constraints, EnumModel, Field, Model, TypeRef } from './types.js';

const SCHEMA_PREFIX = '#/components/schemas/';

/** Models and enums from `components/schemas`, in spec order, and type references into them. */
export class SchemaIndex {
  readonly models: Model[] = [];
  readonly enums: EnumModel[] = [];
  private readonly byName = new Map<string, Model | EnumModel>();

  constructor(private readonly ctx: BuildContext) {
    const schemas = (ctx.spec.root.components as { schemas?: Record<string, RawSchema> } | undefined)?.schemas ?? {};
    // Two passes: register every name first, so fields can refer to any model or enum.
    for (const [name, schema] of Object.entries(schemas)) this.addComponent(name, schema);
    for (const [name, schema] of Object.entries(schemas)) {
      const model = this.model(name);
      if (model) this.fillFields(model, schema, toPointer(['components', 'schemas', name]));
    }
    this.checkGoNamesUnique();
  }

  model(name: string): Model | undefined {
    const found = this.byName.get(name);
    return found && 'fields' in found ? found : undefined;
  }

  enum(name: string): EnumModel | undefined {
    const found = this.byName.get(name);
    return found && 'values' in found ? found : undefined;
  }

  /**
   * The type of a schema found at `pointer`. Named things (objects with properties, enums)
   * must be components, so every language can give them a stable name.
   */
  typeOf(schema: RawSchema, pointer: string): TypeRef {
    if (schema.$ref !== undefined) {
      const name = schema.$ref.startsWith(SCHEMA_PREFIX) ? schema.$ref.slice(SCHEMA_PREFIX.length) : undefined;
      const target = name === undefined ? undefined : this.byName.get(name);
      if (name !== undefined && target) return 'values' in target ? { kind: 'enum', name } : { kind: 'model', name };
      if (name !== undefined) return this.typeOf(this.ctx.deref<RawSchema>(schema, pointer).value, `${SCHEMA_PREFIX}${name}`);
      this.ctx.report(pointer, `$ref "${schema.$ref}" must point into #/components/schemas`);
      return { kind: 'string' };
    }
    if (schema.enum) {
      this.ctx.report(pointer, 'inline enums are not supported: move the enum to #/components/schemas and $ref it');
      return { kind: 'string' };
    }
    switch (schema.type) {
      case 'string':
        return schema.format === 'date-time' ? { kind: 'string', format: 'date-time' } : { kind: 'string' };
      case 'integer':
        return schema['x-tensor-box-duration'] === 'ms' ? { kind: 'duration' } : { kind: 'integer' };
      case 'number':
        return { kind: 'number' };
      case 'boolean':
        return { kind: 'boolean' };
      case 'array':
        if (!schema.items) {
          this.ctx.report(pointer, 'an array schema needs "items"');
          return { kind: 'array', items: { kind: 'string' } };
        }
        return { kind: 'array', items: this.typeOf(schema.items, `${pointer}/items`) };
      case 'object':
        if (schema.properties) {
          this.ctx.report(pointer, 'inline object schemas are not supported: move it to #/components/schemas and $ref it');
          return { kind: 'string' };
        }
        if (!schema.additionalProperties) {
          this.ctx.report(pointer, 'a map schema needs "additionalProperties" (free-form objects are not supported)');
          return { kind: 'map', values: { kind: 'string' } };
        }
        return { kind: 'map', values: this.typeOf(schema.additionalProperties, `${pointer}/additionalProperties`) };
      default:
        this.ctx.report(pointer, 'the schema needs a "type" (or a $ref)');
        return { kind: 'string' };
    }
  }

  /** Marks a model, and every model reachable from it, as used in requests or responses. */
  markUsage(type: TypeRef | undefined, usage: 'input' | 'output'): void {
    this.visit(type, (model) => {
      if (model.usage[usage]) return false;
      model.usage[usage] = true;
      return true;
    });
  }

  /** Marks a model, and every model reachable from it, as part of the public surface. */
  markExposed(type: TypeRef | undefined): void {
    this.visit(type, (model) => {
      if (model.exposed) return false;
      model.exposed = true;
      return true;
    });
  }

  /** Calls `enter` on each model reachable from `type`; `enter` returns false to stop descending. */
  private visit(type: TypeRef | undefined, enter: (model: Model) => boolean): void {
    if (!type) return;
    if (type.kind === 'array') return this.visit(type.items, enter);
    if (type.kind === 'map') return this.visit(type.values, enter);
    if (type.kind !== 'model') return;
    const model = this.model(type.name);
    if (!model || !enter(model)) return;
    for (const field of model.fields) this.visit(field.type, enter);
  }

  private addComponent(name: string, schema: RawSchema): void {
    const names = typeNames(name, schema['x-tensor-box-go-name']);
    if (schema.enum) {
      const descriptions = schema['x-tensor-box-enum-descriptions'] ?? {};
      this.register(name, {
        name,
        names,
        description: schema.description,
        values: schema.enum.map((value) => ({ value, names: memberNames(value), description: descriptions[value] })),
        open: schema['x-tensor-box-open-enum'] ?? false,
      });
      return;
    }
    if (schema.type === 'object' && schema.properties) {
      this.register(name, {
        name,
        names,
        description: schema.description,
        fields: [],
        rules: schema['x-tensor-box-rules'] ?? [],
        cliColumns: schema['x-tensor-box-cli-columns'] ?? [],
        usage: { input: false, output: false },
        exposed: false,
      });
      return;
    }
    // Other component schemas (maps, aliases) are inlined where they are used.
  }

  private fillFields(model: Model, schema: RawSchema, pointer: string): void {
    const required = new Set(schema.required ?? []);
    for (const name of required) {
      if (!schema.properties?.[name]) this.ctx.report(`${pointer}/required`, `"${name}" is required but is not a property`);
    }
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const at = `${pointer}/properties/${name}`;
      const type = this.typeOf(prop, at);
      const field: Field = {
        name,
        names: memberNames(name, { duration: type.kind === 'duration' }),
        type,
        required: required.has(name),
        description: prop.description ?? this.describeRef(prop, at),
        constraints: constraintsOf(prop),
        defaultValue: scalarDefault(prop.default),
        secretValues: prop['x-tensor-box-secret-values'] ?? false,
      };
      model.fields.push(field);
    }
    for (const [i, rule] of model.rules.entries()) {
      for (const key of [...Object.keys(rule.when), ...Object.keys(rule.require)]) {
        if (!schema.properties?.[key]) this.ctx.report(`${pointer}/x-tensor-box-rules/${i}`, `rule names "${key}", which is not a property`);
      }
    }
    for (const column of model.cliColumns) {
      if (!schema.properties?.[column]) this.ctx.report(`${pointer}/x-tensor-box-cli-columns`, `column "${column}" is not a property`);
    }
  }

  /** A property that is only a `$ref` takes the description of what it points to. */
  private describeRef(prop: RawSchema, pointer: string): string | undefined {
    if (prop.$ref === undefined) return undefined;
    return this.ctx.deref<RawSchema>(prop, pointer).value.description;
  }

  private register(name: string, item: Model | EnumModel): void {
    this.byName.set(name, item);
    if ('fields' in item) this.models.push(item);
    else this.enums.push(item);
  }

  /** Go names may be overridden; two types must never end up with one Go name. */
  private checkGoNamesUnique(): void {
    const seen = new Map<string, string>();
    for (const item of [...this.models, ...this.enums]) {
      const other = seen.get(item.names.go);
      if (other) {
        this.ctx.report(
          toPointer(['components', 'schemas', item.name]),
          `its Go name "${item.names.go}" is already used by ${other}; set a different x-tensor-box-go-name`,
        );
      }
      seen.set(item.names.go, item.name);
    }
  }
}

export function constraintsOf(schema: RawSchema): Constraints {
  const c: Constraints = {};
  if (schema.minLength !== undefined) c.minLength = schema.minLength;
  if (schema.maxLength !== undefined) c.maxLength = schema.maxLength;
  if (schema.minimum !== undefined) c.minimum = schema.minimum;
  if (schema.maximum !== undefined) c.maximum = schema.maximum;
  return c;
}

export function scalarDefault(value: unknown): string | number | boolean | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}
