import type { Style } from './color.js';

/**
 * Terminal line charts for `metrics --watch`: CPU and memory over time, like the console's
 * monitoring tab. Lines are drawn on a braille canvas (each character cell holds 2 × 4 dots),
 * which gives four times the vertical resolution of block characters. Pure functions: the
 * caller decides where and when a frame is written.
 */

export interface MetricSample {
  timestamp: Date;
  cpuCount: number;
  cpuUsedPct: number;
  memUsed: number;
  memTotal: number;
}

/** Bit of each dot in a braille cell, by [row][column] (Unicode braille patterns, U+2800). */
const DOT_BITS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
];

/**
 * A line through `values` (0…max) on `width` × `height` cells; the newest value is at the right
 * edge, older ones scroll off the left. Returns `height` strings of `width` characters.
 */
export function plotLine(values: number[], max: number, width: number, height: number): string[] {
  const cols = width * 2;
  const rows = height * 4;
  const dots: boolean[][] = Array.from({ length: rows }, () => new Array<boolean>(cols).fill(false));
  const shown = values.slice(-cols);
  const offset = cols - shown.length;
  const yOf = (v: number) => {
    const ratio = max > 0 && Number.isFinite(v) ? Math.min(Math.max(v / max, 0), 1) : 0;
    return rows - 1 - Math.round(ratio * (rows - 1));
  };
  let prev: [number, number] | undefined;
  shown.forEach((v, i) => {
    const point: [number, number] = [offset + i, yOf(v)];
    if (prev) drawSegment(dots, prev, point);
    else dots[point[1]]![point[0]] = true;
    prev = point;
  });
  const lines: string[] = [];
  for (let cy = 0; cy < height; cy++) {
    let line = '';
    for (let cx = 0; cx < width; cx++) {
      let bits = 0;
      for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 2; dx++) if (dots[cy * 4 + dy]![cx * 2 + dx]) bits |= DOT_BITS[dy]![dx]!;
      line += String.fromCharCode(0x2800 + bits);
    }
    lines.push(line);
  }
  return lines;
}

/** Bresenham's line between two dots, both ends included. */
function drawSegment(dots: boolean[][], [x0, y0]: [number, number], [x1, y1]: [number, number]): void {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (let x = x0, y = y0; ; ) {
    dots[y]![x] = true;
    if (x === x1 && y === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** The y-axis labels of a chart: top, bottom, and the middle on charts of five rows or more. */
function axisMarks(max: number, height: number, format: (v: number) => string): Map<number, string> {
  const marks = new Map<number, string>([
    [0, format(max)],
    [height - 1, format(0)],
  ]);
  if (height >= 5) marks.set(Math.floor((height - 1) / 2), format(max / 2));
  return marks;
}

/** A chart with its y-axis; `labelWidth` is shared by stacked charts so their x-axes line up. */
function axisChart(values: number[], max: number, plotWidth: number, height: number, marks: Map<number, string>, labelWidth: number, paint: (t: string) => string, s: Style): string[] {
  return plotLine(values, max, plotWidth, height).map((row, i) => {
    const mark = marks.get(i);
    return `${s.dim(`${(mark ?? '').padStart(labelWidth)} ${mark === undefined ? '│' : '┤'}`)}${paint(row)}`;
  });
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export function formatBytes(n: number): string {
  if (n >= GIB) return `${(n / GIB).toFixed(1)} GiB`;
  if (n >= MIB) return `${Math.round(n / MIB)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${Math.round(n)} B`;
}

function formatPct(n: number): string {
  return `${Number.isInteger(n) ? n : n.toFixed(1)}%`;
}

function clock(date: Date): string {
  return date.toISOString().slice(11, 19);
}

/**
 * One frame: a CPU chart (0–100 %) above a memory chart (0–total), sharing a time axis.
 * `width` is the terminal's width, `height` the rows of each chart.
 */
export function renderMetricsFrame(samples: MetricSample[], width: number, height: number, s: Style): string[] {
  if (samples.length === 0) return [s.dim('Waiting for the first sample…')];
  const last = samples[samples.length - 1]!;
  const memMax = last.memTotal > 0 ? last.memTotal : Math.max(...samples.map((x) => x.memUsed), 1);
  const memPct = last.memTotal > 0 ? ` (${formatPct((last.memUsed / last.memTotal) * 100)})` : '';
  const cpuTitle = `${s.bold('CPU')}  ${formatPct(last.cpuUsedPct)} of ${last.cpuCount} vCPU`;
  const memTitle = `${s.bold('Memory')}  ${formatBytes(last.memUsed)} of ${formatBytes(memMax)}${memPct}`;
  const cpuMarks = axisMarks(100, height, (v) => `${Math.round(v)}%`);
  const memMarks = axisMarks(memMax, height, formatBytes);
  const labelWidth = Math.max(...[...cpuMarks.values(), ...memMarks.values()].map((l) => l.length));
  const plotWidth = Math.max(1, width - labelWidth - 2);
  const cpu = axisChart(samples.map((x) => x.cpuUsedPct), 100, plotWidth, height, cpuMarks, labelWidth, s.cyan, s);
  const mem = axisChart(samples.map((x) => x.memUsed), memMax, plotWidth, height, memMarks, labelWidth, s.magenta, s);

  // Under the plot: the oldest shown sample's time where the line starts, the newest at the
  // right edge; when the line is too short for both, the span on the right.
  const shown = Math.min(samples.length, plotWidth * 2);
  const from = clock(samples[samples.length - shown]!.timestamp);
  const to = `${clock(last.timestamp)} UTC`;
  const start = plotWidth - Math.ceil(shown / 2);
  const times =
    start + from.length + 1 + to.length <= plotWidth
      ? `${' '.repeat(start)}${from}${' '.repeat(plotWidth - start - from.length - to.length)}${to}`
      : `${from} – ${to}`.padStart(plotWidth);
  const axis = `${' '.repeat(labelWidth + 1)}└${'─'.repeat(plotWidth)}`;
  const timeLine = `${' '.repeat(labelWidth + 2)}${times}`;
  return [cpuTitle, ...cpu, '', memTitle, ...mem, s.dim(axis), s.dim(timeLine)];
}
