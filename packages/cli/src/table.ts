/**
 * The shape of the command table that the generator writes to `generated/commands.ts` (see
 * generator/src/emitters/cli/table.ts, which builds it from the spec). The runtime reads only this.
 */

export type Scalar = string | number | boolean;

/** How one command-line value is read and checked. */
export type ValueKind =
  | { kind: 'string'; minLength?: number; maxLength?: number }
  | { kind: 'integer'; min?: number; max?: number; unit?: string }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: string[] }
  /** A point in time: an RFC 3339 timestamp or a time ago (`10m`), read into a `Date`. */
  | { kind: 'date' }
  /** `--flag a --flag b`. */
  | { kind: 'list'; items: ValueKind }
  /** `--flag K=V`, repeatable; `secret` values never appear in a message. */
  | { kind: 'keyValue'; secret?: boolean };

export interface ArgSpec {
  name: string;
  description: string;
  /** Dotted path of the SDK argument it fills (`sandboxId`, `timeoutMs`). */
  target: string;
  value: ValueKind;
  required: boolean;
  variadic: boolean;
}

export interface FlagSpec {
  /** Long name without dashes. */
  name: string;
  description: string;
  /** Dotted path of the SDK argument it fills (`lifecycle.onTimeout`). */
  target: string;
  value: ValueKind;
}

/** When every `when` target has its value, each `require` target must have its value too. */
export interface RuleSpec {
  when: Record<string, Scalar>;
  require: Record<string, Scalar>;
  message: string;
}

export type FieldType = 'string' | 'date' | 'integer' | 'number' | 'boolean' | 'map' | { model: string } | { list: FieldType };

export interface ModelSpec {
  fields: { name: string; type: FieldType }[];
}

export interface CommandSpec {
  group: string;
  name: string;
  aliases: string[];
  summary: string;
  description: string;
  /** The SDK's static method (`Sandbox.<method>`). */
  method: string;
  /** What the method gives back: nothing, a `Sandbox`, a value, or a paginated list. */
  returns: 'void' | 'instance' | 'value' | 'list';
  /** The target that is the method's first argument, the sandbox ID. */
  idTarget?: string;
  /** SDK positional arguments after the ID, in order. */
  positional: string[];
  /** Options nested under a group in the TS SDK (`state` → `query`). */
  groups: Record<string, string>;
  args: ArgSpec[];
  flags: FlagSpec[];
  rules: RuleSpec[];
  /** Defaults of the targets the rules read. */
  defaults: Record<string, Scalar>;
  examples: string[];
  /** Spinner text, on a terminal. */
  progress?: string;
  /** A flag that keeps polling; `since`/`timeField` let a poll ask only for new items. */
  live?: { flag: string; description: string; since?: string; timeField?: string };
  output: { kind: 'none' } | { kind: 'record'; model: string } | { kind: 'table'; model: string; columns: string[] };
}

export interface GroupSpec {
  name: string;
  aliases: string[];
  description: string;
}

export interface ProgramSpec {
  title: string;
  env: { domain: string; apiKey: string };
  defaultDomain: string;
  idParam: string;
}
