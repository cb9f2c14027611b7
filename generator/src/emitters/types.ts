import type { ApiIR } from '../ir/index.js';

/** One file an emitter produces: a path relative to the output root, and its text (no header). */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** What every emitter gets besides the IR. */
export interface EmitContext {
  /** The output root (the repository root by default). */
  outDir: string;
  /** The spec file, absolute. */
  specFile: string;
  /** The repository's templates/ folder. */
  templatesDir: string;
}

/** Stage 3: one emitter per target. It reads only the IR and returns files; the writer writes them. */
export interface Emitter {
  /** The `--target` name. */
  name: string;
  /** Folders (relative to the output root) whose generated files this emitter owns. */
  roots: string[];
  /**
   * Optional: starts slow, spec-independent work (loading a compiler, say) before the spec is
   * loaded, so that it overlaps loading and IR building. Whatever it returns is handed to `emit`;
   * `cancel` is called instead when the run stops before emitting (an invalid spec).
   */
  prepare?(ctx: EmitContext): Prepared;
  emit(ir: ApiIR, ctx: EmitContext, prepared?: Prepared): Promise<GeneratedFile[]>;
}

export interface Prepared {
  cancel(): void;
}
