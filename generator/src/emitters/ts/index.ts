import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Statements as StatementsType } from './statements.js';
import type { ApiIR } from '../../ir/index.js';
import type { Emitter, GeneratedFile, Prepared } from '../types.js';
import { startWireTypes } from './wire-types.js';

interface TsPrepared extends Prepared {
  wireTypes: Promise<string>;
}

const PACKAGE_DIR = 'packages/ts-sdk';
const OUT_DIR = `${PACKAGE_DIR}/src/generated`;

/** The TypeScript SDK: wire types by openapi-typescript, everything else built with ts-morph. */
export const tsEmitter: Emitter = {
  name: 'ts',
  roots: [OUT_DIR],
  // openapi-typescript reads the spec file itself, in a worker thread: start it right away so that
  // its (long) load overlaps spec loading, IR building and the ts-morph work.
  prepare(ctx): TsPrepared {
    const wire = startWireTypes(ctx.specFile);
    return { wireTypes: wire.text, cancel: wire.cancel };
  },
  async emit(ir, ctx, prepared) {
    const wire = (prepared as TsPrepared | undefined)?.wireTypes ?? startWireTypes(ctx.specFile).text;
    // ts-morph and openapi-typescript each load a TypeScript compiler: load them only when this
    // target runs, so that --help, a broken spec or another target stay fast.
    const [{ IndentationText, Project, QuoteKind, VariableDeclarationKind }, models, { writeSandboxClass }, { literal }, { Statements }] =
      await Promise.all([
        import('./morph.js'),
        import('./models.js'),
        import('./sandbox-class.js'),
        import('./type-expr.js'),
        import('./statements.js'),
      ]);
    const { writeChecks, writeDecoders, writeModels } = models;
    const writeMeta = (ir: ApiIR, file: StatementsType, version: string) => {
      for (const [name, value, doc] of metaConstants(ir, version)) {
        file.addVariableStatement({ isExported: true, declarationKind: VariableDeclarationKind.Const, declarations: [{ name, initializer: literal(value) }], docs: [doc] });
      }
    };
    const project = new Project({
      useInMemoryFileSystem: true,
      manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single, useTrailingCommas: true },
    });
    const files: GeneratedFile[] = [];
    const build = (name: string, write: (file: StatementsType) => void) => {
      const statements = new Statements();
      write(statements);
      const file = project.createSourceFile(name, { statements: statements.list }, { overwrite: true });
      files.push({ path: `${OUT_DIR}/${name}`, content: file.getFullText() });
    };
    build('meta.ts', (f) => writeMeta(ir, f, packageVersion(ctx.outDir)));
    build('models.ts', (f) => writeModels(ir, f));
    build('checks.ts', (f) => writeChecks(ir, f));
    build('decode.ts', (f) => writeDecoders(ir, f));
    build('sandbox.ts', (f) => writeSandboxClass(ir, f));
    files.push({ path: `${OUT_DIR}/wire.ts`, content: await wire });
    return files;
  },
};

function metaConstants(ir: ApiIR, version: string): [string, string, string][] {
  return [
    ['SDK_LANGUAGE', 'ts', 'The language tag sent in `User-Agent` and `X-Tensor-Box-Lang`.'],
    ['SDK_VERSION', version, 'This package\'s version (from its package.json).'],
    ['API_VERSION', ir.apiVersion, 'The version of the API description this SDK was generated from.'],
    ['DEFAULT_DOMAIN', ir.sdk.defaultDomain, 'The API\'s base URL when neither an option nor the environment gives one.'],
    ['ENV_DOMAIN', ir.sdk.env.domain, 'The environment variable that may give the domain.'],
    ['ENV_API_KEY', ir.sdk.env.apiKey, 'The environment variable that may give the API key.'],
    ['API_KEY_HEADER', ir.apiKeyHeader, 'The header that carries the API key.'],
  ];
}

/** The SDK's own version, so that the User-Agent says which release sent a request. */
function packageVersion(outDir: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(outDir, PACKAGE_DIR, 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
