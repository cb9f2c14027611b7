import { type Import, importLines } from './code.js';

/** ruff's isort sections, in order. */
export type Section = 'future' | 'stdlib' | 'thirdParty' | 'local';

const SECTION_ORDER: Section[] = ['future', 'stdlib', 'thirdParty', 'local'];

/** Collects the imports of one module (or of its `if TYPE_CHECKING:` block) by section. */
export class Imports {
  private readonly bySection = new Map<Section, Import[]>();

  add(section: Section, module: string, ...names: string[]): this {
    const list = this.bySection.get(section) ?? [];
    list.push({ module, names });
    this.bySection.set(section, list);
    return this;
  }

  /** `import module` (names empty) or `import module as alias`. */
  addModule(section: Section, module: string, alias?: string): this {
    const list = this.bySection.get(section) ?? [];
    list.push({ module, names: [], alias });
    this.bySection.set(section, list);
    return this;
  }

  get empty(): boolean {
    return this.bySection.size === 0;
  }

  /** The import lines, sections separated by one blank line. */
  render(indent = ''): string {
    return SECTION_ORDER.filter((s) => this.bySection.has(s))
      .map((s) => importLines(this.bySection.get(s)!, indent).join('\n'))
      .join('\n\n');
  }
}

/**
 * A module's whole import block: the runtime imports, then an `if TYPE_CHECKING:` block for the
 * names only annotations use (so that importing the module stays cheap).
 */
export function importBlock(runtime: Imports, typeOnly: Imports): string {
  const parts = [runtime.render()];
  if (!typeOnly.empty) parts.push(`if TYPE_CHECKING:\n${typeOnly.render('    ')}`);
  return parts.filter((p) => p !== '').join('\n\n');
}
