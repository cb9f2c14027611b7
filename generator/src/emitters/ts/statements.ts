import {
  type ClassDeclarationStructure,
  type FunctionDeclarationStructure,
  type ImportDeclarationStructure,
  type InterfaceDeclarationStructure,
  type OptionalKind,
  type StatementStructures,
  type TypeAliasDeclarationStructure,
  type VariableStatementStructure,
  type WriterFunction,
} from 'ts-morph';
import { StructureKind } from './morph.js';

/**
 * Collects a file's top-level statements as ts-morph structures. The file is then printed in one
 * go (`project.createSourceFile(name, { statements })`), which is much faster than adding
 * statements one by one to a live syntax tree.
 */
export class Statements {
  readonly #list: (StatementStructures | WriterFunction)[] = [];

  /** The statements with a blank line between them (imports stay together). */
  get list(): (StatementStructures | WriterFunction)[] {
    const out: (StatementStructures | WriterFunction)[] = [];
    this.#list.forEach((s, i) => {
      const previous = this.#list[i - 1];
      const isImport = (x: unknown) => (x as { kind?: unknown } | undefined)?.kind === StructureKind.ImportDeclaration;
      const bothImports = isImport(previous) && isImport(s);
      if (previous && !bothImports) out.push((w) => w.blankLineIfLastNot());
      out.push(s);
    });
    return out;
  }

  addImportDeclaration(s: OptionalKind<ImportDeclarationStructure>): void {
    this.#list.push({ kind: StructureKind.ImportDeclaration, ...s });
  }

  addImportDeclarations(list: OptionalKind<ImportDeclarationStructure>[]): void {
    list.forEach((s) => this.addImportDeclaration(s));
  }

  addTypeAlias(s: OptionalKind<TypeAliasDeclarationStructure>): void {
    this.#list.push({ kind: StructureKind.TypeAlias, ...s });
  }

  addInterface(s: OptionalKind<InterfaceDeclarationStructure>): void {
    this.#list.push({ kind: StructureKind.Interface, ...s });
  }

  addVariableStatement(s: OptionalKind<VariableStatementStructure>): void {
    this.#list.push({ kind: StructureKind.VariableStatement, ...s });
  }

  addFunction(s: OptionalKind<FunctionDeclarationStructure>): void {
    this.#list.push({ kind: StructureKind.Function, ...s });
  }

  /** A statement printed by hand, for layouts the structure printer does not keep. */
  addWriter(write: WriterFunction): void {
    this.#list.push(write);
  }

  addClass(s: OptionalKind<ClassDeclarationStructure>): void {
    this.#list.push({ kind: StructureKind.Class, ...s });
  }
}
