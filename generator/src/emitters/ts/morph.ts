import { createRequire } from 'node:module';

/**
 * ts-morph, loaded through `require`: it is a CommonJS package, and an ES `import` of it makes
 * Node scan its large bundle for named exports first, a cost paid on every generator run.
 */
const morph = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');

export const { IndentationText, Project, QuoteKind, Scope, StructureKind, VariableDeclarationKind } = morph;
