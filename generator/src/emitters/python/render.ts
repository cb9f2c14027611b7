import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

/**
 * Renders the templates of templates/python. Templates only print: no helpers are registered, and
 * `strict` makes a template that names a field the view model lacks fail instead of printing ''.
 * `noEscape`: this is Python, not HTML.
 */
export class Templates {
  private readonly env = Handlebars.create();
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();

  constructor(private readonly dir: string) {}

  render(name: string, view: object): string {
    let template = this.compiled.get(name);
    if (!template) {
      const source = readFileSync(join(this.dir, name), 'utf8');
      template = this.env.compile(source, { noEscape: true, strict: true });
      this.compiled.set(name, template);
    }
    try {
      return template(view);
    } catch (err) {
      throw new Error(`template python/${name}: ${(err as Error).message}`);
    }
  }
}
