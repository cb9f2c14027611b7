import { type MetricSample, renderMetricsFrame } from './chart.js';
import type { Style } from './color.js';
import { type Models, renderTable } from './format.js';
import type { CommandSpec } from './table.js';

/**
 * `--watch` / `--follow`: poll, print only what is new, until Ctrl-C (exit 0). With `--json`
 * each new item is one JSON line (NDJSON). A metrics model on a terminal is drawn as a live
 * chart; anything else prints one row per new item.
 */

const CHART_FIELDS = ['cpuUsedPct', 'memUsed', 'memTotal'];
/** Samples kept for the chart: more than any terminal is wide. */
const KEEP = 1000;

export interface LiveOptions {
  json: boolean;
  interval: number;
  out: Style;
}

export async function runLive(spec: CommandSpec, models: Models, fetchItems: (since?: Date) => Promise<Record<string, unknown>[]>, opts: LiveOptions): Promise<void> {
  const output = spec.output.kind === 'none' ? undefined : spec.output;
  const model = output ? models[output.model] : undefined;
  const chart = !opts.json && process.stdout.isTTY === true && CHART_FIELDS.every((f) => model?.fields.some((x) => x.name === f));
  const timeField = spec.live?.timeField;
  const fresh = newItems(timeField);

  let stopped = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const samples: MetricSample[] = [];
  let drawn = 0;
  if (chart) process.stdout.write('\x1b[?25l');
  try {
    let since: Date | undefined;
    while (!stopped) {
      const items = fresh(await fetchItems(since));
      if (timeField && items.length > 0) since = items[items.length - 1]![timeField] as Date;
      if (opts.json) {
        for (const item of items) process.stdout.write(`${JSON.stringify(item)}\n`);
      } else if (chart) {
        samples.push(...(items as unknown as MetricSample[]));
        samples.splice(0, Math.max(0, samples.length - KEEP));
        // A terminal that reports no size (0) gets the classic 80 × 24.
        const rows = process.stdout.rows || 24;
        const height = Math.max(3, Math.min(10, Math.floor((rows - 7) / 2)));
        const frame = renderMetricsFrame(samples, process.stdout.columns || 80, height, opts.out);
        // Back to the first line of the previous frame, clear below, draw the new one.
        process.stdout.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${frame.join('\n')}\n`);
        drawn = frame.length;
      } else if (items.length > 0 && output?.kind === 'table') {
        process.stdout.write(`${renderTable(models, output.model, output.columns, items, opts.out, false)}\n`);
      } else if (items.length > 0) {
        for (const item of items) process.stdout.write(`${JSON.stringify(item)}\n`);
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.interval);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (chart) process.stdout.write('\x1b[?25h');
  }
}

/**
 * A filter that passes each item once. With a time field, items older than the newest seen are
 * old and those at that same instant are compared whole (the server answers "at or after"
 * `since`), so memory stays bounded however long it runs.
 */
export function newItems(timeField: string | undefined): (items: Record<string, unknown>[]) => Record<string, unknown>[] {
  let newest = Number.NEGATIVE_INFINITY;
  let atNewest = new Set<string>();
  const seen = new Set<string>();
  return (items) =>
    items.filter((item) => {
      const key = JSON.stringify(item);
      if (!timeField) {
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }
      const value = item[timeField];
      const t = value instanceof Date ? value.getTime() : Number.NaN;
      if (Number.isNaN(t) || t < newest || (t === newest && atNewest.has(key))) return false;
      if (t > newest) {
        newest = t;
        atNewest = new Set();
      }
      atNewest.add(key);
      return true;
    });
}
