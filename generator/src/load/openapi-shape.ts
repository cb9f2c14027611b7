import type { Shape } from './shape.js';

/**
 * The part of OpenAPI 3.0 / 3.1 the generator supports, plus the `x-tensor-box-*` extensions
 * (documented in docs/spec-extensions.md). Anything outside it is a located error, so a spec
 * never silently produces a wrong SDK.
 */

const str: Shape = { t: 'string' };
const bool: Shape = { t: 'boolean' };
const int: Shape = { t: 'integer' };
const num: Shape = { t: 'number' };
const any: Shape = { t: 'any' };
const strings: Shape = { t: 'array', items: str };
const camelName: Shape = { t: 'string', pattern: /^[a-z][A-Za-z0-9]*$/, patternHint: 'a lowerCamelCase name' };
const kebabName: Shape = { t: 'string', pattern: /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, patternHint: 'a kebab-case name' };
const dottedPath: Shape = {
  t: 'string',
  pattern: /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)?$/,
  patternHint: 'an argument name, or object.field',
};

const unsupportedComposition = 'is not supported by the generator: describe the type with properties, or split the operation';

/** A schema object; recursive through `items`, `properties` and `additionalProperties`. */
export const schemaShape: Shape = { t: 'object', props: {}, extensions: true };
const schemaRef: Shape = { t: 'ref', shape: schemaShape };
Object.assign(schemaShape, {
  props: {
    type: { t: 'string', oneOf: ['string', 'integer', 'number', 'boolean', 'array', 'object'] },
    format: str,
    description: str,
    title: str,
    enum: { t: 'array', items: str, minItems: 1 },
    items: schemaRef,
    properties: { t: 'map', values: schemaRef },
    required: strings,
    additionalProperties: schemaRef,
    default: any,
    example: any,
    minimum: num,
    maximum: num,
    minLength: int,
    maxLength: int,
    minItems: int,
    maxItems: int,
    pattern: str,
    readOnly: bool,
    writeOnly: bool,
    deprecated: bool,
    'x-tensor-box-open-enum': bool,
    'x-tensor-box-duration': { t: 'string', oneOf: ['ms'] },
    'x-tensor-box-go-name': { t: 'string', pattern: /^[A-Z][A-Za-z0-9]*$/, patternHint: 'an exported Go name' },
    'x-tensor-box-secret-values': bool,
    'x-tensor-box-cli-columns': strings,
    'x-tensor-box-enum-descriptions': { t: 'map', values: str },
    'x-tensor-box-rules': {
      t: 'array',
      items: {
        t: 'object',
        required: ['when', 'require', 'message'],
        props: { when: { t: 'map', values: { t: 'scalar' } }, require: { t: 'map', values: { t: 'scalar' } }, message: str },
      },
    },
  },
  unsupported: {
    oneOf: `oneOf ${unsupportedComposition}`,
    anyOf: `anyOf ${unsupportedComposition}`,
    allOf: `allOf ${unsupportedComposition}`,
    not: `not ${unsupportedComposition}`,
    discriminator: `discriminator ${unsupportedComposition}`,
    nullable: 'nullable is not supported by the generator: make the property optional instead',
  },
  ignored: ['exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'uniqueItems', 'externalDocs'],
});

const exampleShape: Shape = { t: 'object', props: { summary: str, description: str, value: any }, extensions: true };
const mediaShape: Shape = {
  t: 'object',
  props: { schema: schemaRef, example: any, examples: { t: 'map', values: { t: 'ref', shape: exampleShape } } },
  extensions: true,
};
const jsonContent: Shape = {
  t: 'map',
  values: mediaShape,
  keyPattern: /^application\/(problem\+)?json$/,
  keyHint: 'application/json (other media types are not supported by the generator)',
};

const headerShape: Shape = {
  t: 'object',
  props: { description: str, required: bool, schema: schemaRef, example: any },
  extensions: true,
};

export const parameterShape: Shape = {
  t: 'object',
  required: ['name', 'in', 'schema'],
  props: {
    name: str,
    in: { t: 'string', oneOf: ['path', 'query', 'header'] },
    description: str,
    required: bool,
    deprecated: bool,
    style: { t: 'string', oneOf: ['form', 'simple'] },
    explode: bool,
    schema: schemaRef,
    example: any,
    examples: { t: 'map', values: { t: 'ref', shape: exampleShape } },
    'x-tensor-box-encoding': { t: 'string', oneOf: ['form-urlencoded-map'] },
  },
  unsupported: { content: 'parameters with "content" are not supported by the generator; use "schema"' },
  extensions: true,
};
const parameterRef: Shape = { t: 'ref', shape: parameterShape };

const responseShape: Shape = {
  t: 'object',
  required: ['description'],
  props: {
    description: str,
    headers: { t: 'map', values: { t: 'ref', shape: headerShape } },
    content: jsonContent,
  },
  extensions: true,
};

const cliArgShape: Shape = {
  t: 'object',
  required: ['name', 'from'],
  props: { name: kebabName, from: dottedPath, optional: bool, variadic: bool, description: str },
};
const cliFlagShape: Shape = {
  t: 'object',
  required: ['name', 'from'],
  props: { name: kebabName, from: dottedPath, description: str },
};

export const sdkExtensionShape: Shape = {
  t: 'object',
  required: ['method', 'binding'],
  props: {
    method: camelName,
    binding: { t: 'string', oneOf: ['factory', 'instance', 'static'] },
    positional: { t: 'array', items: camelName },
    rename: { t: 'map', values: camelName },
    optionGroup: camelName,
    pagination: {
      t: 'object',
      required: ['cursorParam', 'limitParam', 'itemsField', 'nextCursorField'],
      props: { cursorParam: str, limitParam: str, itemsField: str, nextCursorField: str },
    },
    predicates: {
      t: 'array',
      items: {
        t: 'object',
        required: ['method', 'description', 'field', 'equals'],
        props: {
          method: camelName,
          description: str,
          field: str,
          equals: str,
          falseOnStatus: { t: 'array', items: int },
        },
      },
    },
  },
};

export const cliExtensionShape: Shape = {
  t: 'object',
  required: ['command'],
  props: {
    command: kebabName,
    aliases: { t: 'array', items: kebabName },
    args: { t: 'array', items: cliArgShape },
    flags: { t: 'array', items: cliFlagShape },
    progress: str,
    live: { t: 'object', required: ['flag', 'description'], props: { flag: kebabName, description: str } },
    examples: strings,
  },
};

const operationShape: Shape = {
  t: 'object',
  required: ['operationId', 'summary', 'responses', 'x-tensor-box-sdk', 'x-tensor-box-idempotency'],
  props: {
    operationId: { t: 'string', pattern: /^[a-z][A-Za-z0-9]*$/, patternHint: 'a lowerCamelCase operationId' },
    tags: strings,
    summary: str,
    description: str,
    deprecated: bool,
    parameters: { t: 'array', items: parameterRef },
    requestBody: {
      t: 'ref',
      shape: { t: 'object', required: ['content'], props: { description: str, required: bool, content: jsonContent }, extensions: true },
    },
    responses: {
      t: 'map',
      values: { t: 'ref', shape: responseShape },
      keyPattern: /^[1-5]\d\d$/,
      keyHint: 'an HTTP status code (ranges such as 4XX and "default" are not supported by the generator)',
    },
    security: { t: 'array', items: any },
    'x-tensor-box-sdk': sdkExtensionShape,
    'x-tensor-box-cli': cliExtensionShape,
    'x-tensor-box-idempotency': {
      t: 'object',
      required: ['retrySafe'],
      props: { retrySafe: bool, keyHeader: str },
    },
  },
  unsupported: { callbacks: 'callbacks are not supported by the generator' },
  extensions: true,
};

const pathItemShape: Shape = {
  t: 'object',
  props: {
    summary: str,
    description: str,
    parameters: { t: 'array', items: parameterRef },
    get: operationShape,
    post: operationShape,
    put: operationShape,
    patch: operationShape,
    delete: operationShape,
  },
  unsupported: {
    head: 'HEAD operations are not supported by the generator',
    options: 'OPTIONS operations are not supported by the generator',
    trace: 'TRACE operations are not supported by the generator',
    $ref: 'path item $refs are not supported by the generator',
  },
  extensions: true,
};

export const documentShape: Shape = {
  t: 'object',
  required: ['openapi', 'info', 'paths', 'servers', 'x-tensor-box-sdk'],
  props: {
    openapi: { t: 'string', pattern: /^3\.(0\.\d+|1\.\d+)$/, patternHint: 'an OpenAPI version 3.0.x or 3.1.x' },
    jsonSchemaDialect: str,
    info: {
      t: 'object',
      required: ['title', 'version'],
      props: { title: str, version: str, description: str, summary: str, license: any, contact: any, termsOfService: str },
      extensions: true,
    },
    servers: {
      t: 'array',
      minItems: 1,
      items: { t: 'object', required: ['url'], props: { url: str, description: str, variables: any }, extensions: true },
    },
    security: { t: 'array', items: any },
    tags: {
      t: 'array',
      items: {
        t: 'object',
        required: ['name'],
        props: {
          name: str,
          description: str,
          externalDocs: any,
          'x-tensor-box-cli-group': {
            t: 'object',
            required: ['name', 'description'],
            props: { name: kebabName, aliases: { t: 'array', items: kebabName }, description: str },
          },
        },
        extensions: true,
      },
    },
    paths: { t: 'map', values: pathItemShape, keyPattern: /^\//, keyHint: 'a path starting with /' },
    components: {
      t: 'object',
      props: {
        schemas: { t: 'map', values: schemaShape, keyPattern: /^[A-Z][A-Za-z0-9]*$/, keyHint: 'a PascalCase schema name' },
        parameters: { t: 'map', values: parameterShape },
        responses: { t: 'map', values: responseShape },
        headers: { t: 'map', values: headerShape },
        examples: { t: 'map', values: exampleShape },
        requestBodies: any,
        securitySchemes: any,
      },
      extensions: true,
    },
    externalDocs: any,
    webhooks: { t: 'map', values: any },
    'x-tensor-box-sdk': {
      t: 'object',
      required: ['className', 'description', 'idParameter', 'env'],
      props: {
        className: { t: 'string', pattern: /^[A-Z][A-Za-z0-9]*$/, patternHint: 'a PascalCase class name' },
        description: str,
        idParameter: camelName,
        env: { t: 'object', required: ['domain', 'apiKey'], props: { domain: str, apiKey: str } },
      },
    },
  },
  extensions: true,
};
