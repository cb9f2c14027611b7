import type { LoadedSpec } from '../load/index.js';
import { buildCli } from './cli.js';
import { BuildContext } from './context.js';
import { buildOperations } from './operations.js';
import { SchemaIndex } from './schemas.js';
import { buildSdk } from './sdk.js';
import type { ApiIR } from './types.js';

/**
 * Stage 2 of the pipeline: turn a validated spec into the IR. Throws a `SpecError` with every
 * semantic problem found (an unknown field in an extension, a duplicate name, …).
 */
export function buildIR(spec: LoadedSpec, specPath: string): ApiIR {
  const ctx = new BuildContext(spec);
  const schemas = new SchemaIndex(ctx);
  const sources = buildOperations(ctx, schemas);
  const sdk = buildSdk(ctx, schemas, sources);
  const cli = buildCli(ctx, schemas, sources, sdk.methods);
  ctx.throwIfProblems();

  const info = spec.root.info as { title: string; version: string; description?: string };
  const schemes = (spec.root.components as { securitySchemes?: Record<string, { type?: string; in?: string; name?: string }> } | undefined)
    ?.securitySchemes;
  const apiKeyScheme = Object.values(schemes ?? {}).find((s) => s.type === 'apiKey' && s.in === 'header');
  return {
    title: info.title,
    apiVersion: info.version,
    description: (info.description ?? '').trim(),
    specPath,
    apiKeyHeader: apiKeyScheme?.name ?? 'X-API-Key',
    models: schemas.models,
    enums: schemas.enums,
    operations: sources.map((s) => s.operation),
    sdk,
    cli,
  };
}
