/**
 * The intermediate representation (IR): everything an emitter needs, decided once, in a
 * language-neutral form. Emitters read only this; none of them looks at the raw spec.
 *
 * Names: `name` fields are neutral lowerCamelCase words as written in the spec
 * (`timeoutMs`, `getInfo`). Each language's spelling is in a `names` record filled in by
 * `ir/names.ts`, so that every emitter agrees on one spelling per language.
 */

/** One spelling per target language. */
export interface LangNames {
  /** lowerCamelCase, as in TypeScript (`getInfo`, `timeoutMs`). */
  ts: string;
  /** snake_case (`get_info`, `timeout_ms`). */
  py: string;
  /** Go exported name (`GetInfo`, `Timeout` for a duration). */
  go: string;
}

/** The type of a value, as the SDK user sees it. */
export type TypeRef =
  | { kind: 'string'; format?: 'date-time' }
  | { kind: 'integer' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  /** An integer number of milliseconds on the wire; Go shows it as `time.Duration`. */
  | { kind: 'duration' }
  | { kind: 'array'; items: TypeRef }
  /** A string-keyed map (`additionalProperties`). */
  | { kind: 'map'; values: TypeRef }
  | { kind: 'model'; name: string }
  | { kind: 'enum'; name: string };

/** Checks the SDKs make before sending a value (from the schema's keywords). */
export interface Constraints {
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

export interface Field {
  /** The JSON property name (also the neutral name). */
  name: string;
  names: LangNames;
  type: TypeRef;
  required: boolean;
  description?: string;
  constraints: Constraints;
  /** The schema's `default`, shown in docs and used by the SDKs for optional positionals. */
  defaultValue?: string | number | boolean;
  /** Values of this field are secrets (never logged): `x-tensor-box-secret-values`. */
  secretValues: boolean;
}

/** A cross-field rule: when every `when` field has its value, each `require` field must too. */
export interface ModelRule {
  when: Record<string, string | number | boolean>;
  require: Record<string, string | number | boolean>;
  message: string;
}

export interface Model {
  /** The component name (`SandboxInfo`). */
  name: string;
  /** Per-language type name (Go may differ: `Info`). */
  names: LangNames;
  description?: string;
  fields: Field[];
  rules: ModelRule[];
  /** Columns the CLI shows in a table of these (`x-tensor-box-cli-columns`). */
  cliColumns: string[];
  /** Used in a response (decoded from the wire) and/or a request (checked, encoded). */
  usage: { input: boolean; output: boolean };
  /** Part of the public SDK surface (an argument or a result), not only a wire envelope. */
  exposed: boolean;
}

export interface EnumValue {
  value: string;
  names: LangNames;
  description?: string;
}

export interface EnumModel {
  name: string;
  names: LangNames;
  description?: string;
  values: EnumValue[];
  /** Open enums accept unknown values from the server (`x-tensor-box-open-enum`). */
  open: boolean;
}

/**
 * How a parameter goes on the wire.
 * - `simple`: a path segment, percent-encoded.
 * - `form`: `name=value`.
 * - `form-explode`: an array as `name=a&name=b`.
 * - `form-urlencoded-map`: a string map written as `k=v&k2=v2` (x-www-form-urlencoded),
 *   then sent as the single value of `name`.
 * - `header`: a request header.
 */
export type Serialization = 'simple' | 'form' | 'form-explode' | 'form-urlencoded-map' | 'header';

export interface Param {
  /** Name on the wire (`Idempotency-Key`, `sandboxId`). */
  wireName: string;
  /** Neutral lowerCamelCase name (`idempotencyKey`). */
  name: string;
  names: LangNames;
  location: 'path' | 'query' | 'header';
  serialization: Serialization;
  required: boolean;
  type: TypeRef;
  constraints: Constraints;
  description?: string;
  defaultValue?: string | number | boolean;
}

export interface RequestBody {
  model: string;
  required: boolean;
}

export interface ErrorResponse {
  status: number;
  description: string;
  /** Response headers the server declares (`Retry-After`). */
  headers: string[];
}

export interface Operation {
  operationId: string;
  httpMethod: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path template, `{name}` for path parameters. */
  path: string;
  tags: string[];
  summary: string;
  description: string;
  params: Param[];
  body?: RequestBody;
  /** The success status and what it returns (`undefined`: no content). */
  success: { status: number; type?: TypeRef };
  errors: ErrorResponse[];
  /** Safe to retry (`x-tensor-box-idempotency.retrySafe`). */
  retrySafe: boolean;
  /** Header carrying an idempotency key the SDK generates once per call. */
  idempotencyKeyHeader?: string;
}

/**
 * How an SDK method is attached to the class users hold.
 * - `factory`: a static method whose result becomes a new instance (create, connect).
 * - `instance`: bound to the instance's ID, with a static by-ID twin (`Sandbox.kill(id)`).
 * - `static`: a static method only (list).
 */
export type Binding = 'factory' | 'instance' | 'static';

/** One argument of an SDK method: where it comes from and where it goes. */
export interface SdkArg {
  /** Neutral name of the argument (`template`, `timeoutMs`). */
  name: string;
  names: LangNames;
  type: TypeRef;
  required: boolean;
  description?: string;
  constraints: Constraints;
  defaultValue?: string | number | boolean;
  /** Where the value goes: a parameter or a top-level body field. */
  target: { in: 'param'; param: string } | { in: 'body'; field: string };
  /** Optional-argument group the TS surface nests it under (`query` for list filters). */
  group?: string;
  /** Values are secrets (never logged). */
  secretValues: boolean;
}

export interface Pagination {
  cursorParam: string;
  limitParam: string;
  itemsField: string;
  nextCursorField: string;
  /** The item type (a model name). */
  itemModel: string;
}

/** A boolean method derived from another: `isRunning` is `getInfo().state === 'running'`. */
export interface Predicate {
  name: string;
  names: LangNames;
  description: string;
  field: string;
  equals: string;
  /** Statuses that mean `false` instead of an error (404: an unknown sandbox is not running). */
  falseOnStatus: number[];
}

export interface SdkMethod {
  /** Neutral name (`getInfo`). */
  name: string;
  names: LangNames;
  /** Go name of the by-ID twin (`GetInfoByID`); only for `instance` bindings. */
  goByIdName?: string;
  binding: Binding;
  operation: Operation;
  /** The path parameter bound to the instance's ID (instance and factory bindings). */
  idParam?: Param;
  /** Positional arguments after the ID, in order. */
  positional: SdkArg[];
  /** Named options, in spec order. */
  options: SdkArg[];
  /** What users get back. */
  returns:
    | { kind: 'void' }
    | { kind: 'instance' }
    | { kind: 'value'; type: TypeRef }
    | { kind: 'list'; pagination: Pagination };
  predicates: Predicate[];
  summary: string;
  description: string;
  /** Type name of the method's named options (`CreateOptions`), one spelling for every language. */
  optionsTypeName: string;
  /** Type name of the options group, when there is one (`ListQuery`). */
  groupTypeName?: string;
}

export interface SdkSurface {
  /** The class users hold (`Sandbox`). */
  className: string;
  /** Its doc comment. */
  classDescription: string;
  /** The path parameter that identifies an instance (`sandboxId`). */
  idParamName: string;
  env: { domain: string; apiKey: string };
  defaultDomain: string;
  methods: SdkMethod[];
}

/** How a CLI value is read from the command line. */
export type CliValueKind =
  | { kind: 'string' }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: string[] }
  /** A point in time (`{ type: string, format: date-time }`): the SDK takes a `Date`. */
  | { kind: 'date' }
  /** `--flag a --flag b`; each item parsed by `items`. */
  | { kind: 'list'; items: CliValueKind }
  /** `--flag K=V` repeated. */
  | { kind: 'keyValue' };

export interface CliArgument {
  name: string;
  description: string;
  /** Dotted path of the SDK argument it fills (`sandboxId`, `lifecycle.onTimeout`). */
  target: string;
  value: CliValueKind;
  required: boolean;
  variadic: boolean;
}

export interface CliFlag {
  /** Long name without dashes (`timeout-ms`). */
  name: string;
  description: string;
  target: string;
  value: CliValueKind;
}

export interface CliCommand {
  group: string;
  groupAliases: string[];
  groupDescription: string;
  name: string;
  aliases: string[];
  summary: string;
  description: string;
  /** The SDK method it calls (neutral name). */
  method: string;
  binding: Binding;
  args: CliArgument[];
  flags: CliFlag[];
  examples: string[];
  /** Text of a progress spinner (shown on a TTY only). */
  progress?: string;
  /** A flag that keeps polling (`--watch`, `--follow`). */
  live?: { flag: string; description: string };
  /** How the result prints for people. */
  output:
    | { kind: 'none' }
    | { kind: 'record'; model: string }
    | { kind: 'table'; model: string; columns: string[] };
}

export interface ApiIR {
  title: string;
  apiVersion: string;
  description: string;
  /** The spec file, relative to the output root (for generated-file headers). */
  specPath: string;
  apiKeyHeader: string;
  models: Model[];
  enums: EnumModel[];
  operations: Operation[];
  sdk: SdkSurface;
  cli: CliCommand[];
}
