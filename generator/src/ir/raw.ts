/**
 * The raw spec objects as the loader has validated them (see load/openapi-shape.ts). Only the
 * fields the IR builders read are listed.
 */
export interface RawSchema {
  $ref?: string;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  format?: string;
  description?: string;
  enum?: string[];
  items?: RawSchema;
  properties?: Record<string, RawSchema>;
  required?: string[];
  additionalProperties?: RawSchema;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  'x-tensor-box-open-enum'?: boolean;
  'x-tensor-box-duration'?: 'ms';
  'x-tensor-box-go-name'?: string;
  'x-tensor-box-secret-values'?: boolean;
  'x-tensor-box-cli-columns'?: string[];
  'x-tensor-box-enum-descriptions'?: Record<string, string>;
  'x-tensor-box-rules'?: { when: Record<string, string | number | boolean>; require: Record<string, string | number | boolean>; message: string }[];
}

export interface RawParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description?: string;
  required?: boolean;
  style?: 'form' | 'simple';
  explode?: boolean;
  schema: RawSchema;
  'x-tensor-box-encoding'?: 'form-urlencoded-map';
}

export interface RawMedia {
  schema?: RawSchema;
}

export interface RawResponse {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, RawMedia>;
}

export interface RawSdkExtension {
  method: string;
  binding: 'factory' | 'instance' | 'static';
  positional?: string[];
  rename?: Record<string, string>;
  optionGroup?: string;
  pagination?: { cursorParam: string; limitParam: string; itemsField: string; nextCursorField: string };
  predicates?: { method: string; description: string; field: string; equals: string; falseOnStatus?: number[] }[];
}

export interface RawCliExtension {
  command: string;
  aliases?: string[];
  args?: { name: string; from: string; optional?: boolean; variadic?: boolean; description?: string }[];
  flags?: { name: string; from: string; description?: string }[];
  progress?: string;
  live?: { flag: string; description: string };
  examples?: string[];
}

export interface RawOperation {
  operationId: string;
  tags?: string[];
  summary: string;
  description?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  'x-tensor-box-sdk': RawSdkExtension;
  'x-tensor-box-cli'?: RawCliExtension;
  'x-tensor-box-idempotency': { retrySafe: boolean; keyHeader?: string };
}

export interface RawTag {
  name: string;
  description?: string;
  'x-tensor-box-cli-group'?: { name: string; aliases?: string[]; description: string };
}
