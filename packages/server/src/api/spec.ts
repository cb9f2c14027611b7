/**
 * The API this server implements, read from spec/openapi.yaml through the generator's loader
 * and IR at start-up: routes, parameter and body rules and response shapes all come from here,
 * so the server cannot drift from the spec the SDKs are generated from.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpec } from '@tensor-box/generator/load';
import { buildIR, type ApiIR, type EnumModel, type Model, type Operation } from '@tensor-box/generator/ir';

export interface Api {
  ir: ApiIR;
  specFile: string;
  operation(operationId: string): Operation;
  model(name: string): Model;
  enumModel(name: string): EnumModel;
}

/** The monorepo's spec: `<repo>/spec/openapi.yaml`, three levels above `dist/api/`. */
export function defaultSpecFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', '..', 'spec', 'openapi.yaml');
}

export function loadApi(specFile = defaultSpecFile()): Api {
  if (!existsSync(specFile)) throw new Error(`the API spec ${specFile} does not exist (pass --spec FILE)`);
  const ir = buildIR(loadSpec(specFile), join('spec', 'openapi.yaml'));
  const operations = new Map(ir.operations.map((o) => [o.operationId, o]));
  const models = new Map(ir.models.map((m) => [m.name, m]));
  const enums = new Map(ir.enums.map((e) => [e.name, e]));
  const need = <T>(map: Map<string, T>, name: string, what: string): T => {
    const found = map.get(name);
    if (!found) throw new Error(`the spec ${specFile} has no ${what} ${name}`);
    return found;
  };
  return {
    ir,
    specFile,
    operation: (id) => need(operations, id, 'operation'),
    model: (name) => need(models, name, 'schema'),
    enumModel: (name) => need(enums, name, 'enum'),
  };
}
