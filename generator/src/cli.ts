#!/usr/bin/env node
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SpecError } from './load/index.js';
import { generate, UsageError } from './pipeline.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const HELP = `Usage: tensor-box-generate [options]

Generates the tensor-box SDKs and CLI command table from an OpenAPI spec.

Options:
  --spec FILE      the spec (default: spec/openapi.yaml)
  --out DIR        the output root (default: the repository root)
  --target NAME    only this target; repeatable or comma-separated (default: all)
  --check          write nothing; exit 1 and list every file that differs
  -h, --help       this help
`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        spec: { type: 'string', default: relative(process.cwd(), join(REPO_ROOT, 'spec', 'openapi.yaml')) },
        out: { type: 'string', default: REPO_ROOT },
        target: { type: 'string', multiple: true, default: [] },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`tensor-box-generate: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const started = Date.now();
  try {
    const { plan, files } = await generate({
      specFile: values.spec,
      outDir: values.out,
      templatesDir: join(REPO_ROOT, 'templates'),
      targets: values.target.flatMap((t) => t.split(',')).filter((t) => t !== ''),
      check: values.check,
    });
    const drift = plan.changed.length + plan.stale.length;
    if (values.check) {
      if (drift === 0) {
        process.stdout.write(`generated code is up to date (${files} files)\n`);
        return 0;
      }
      const lines = [
        ...plan.changed.map((c) => `  ${c.isNew ? 'missing' : 'differs'}  ${c.path}`),
        ...plan.stale.map((p) => `  stale    ${p}`),
      ];
      process.stderr.write(`${drift} generated file(s) do not match the spec:\n${lines.join('\n')}\nRun \`npm run generate\` and commit the result.\n`);
      return 1;
    }
    process.stdout.write(
      `generated ${files} files: ${plan.changed.length} written, ${plan.stale.length} removed, ${plan.unchanged} unchanged (${Date.now() - started} ms)\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof SpecError) {
      process.stderr.write(`the spec has ${err.problems.length} problem(s); nothing was written:\n${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`tensor-box-generate: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`tensor-box-generate: ${(err as Error).message}\nNothing was written.\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
