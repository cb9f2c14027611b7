// The chart renderer of `metrics --watch`, on fixed series.
import { describe, expect, it } from 'vitest';
import { type MetricSample, plotLine, renderMetricsFrame } from '../src/chart.js';
import { style } from '../src/color.js';

const MIB = 1024 * 1024;
const T0 = Date.parse('2026-11-29T10:00:00Z');

function series(cpu: number[], memMiB: (i: number) => number): MetricSample[] {
  return cpu.map((c, i) => ({ timestamp: new Date(T0 + i * 5000), cpuCount: 2, cpuUsedPct: c, memUsed: memMiB(i) * MIB, memTotal: 2048 * MIB }));
}

describe('plotLine', () => {
  it('draws a rise from 0 to max in one cell as the braille dots of the line', () => {
    // 2 × 4 dots: (0,3) (0,2) on the left column, (1,1) (1,0) on the right: bits 0x40|0x04|0x10|0x08.
    expect(plotLine([0, 100], 100, 1, 1)).toEqual([String.fromCharCode(0x2800 + 0x5c)]);
  });

  it('draws a constant half-way series as a flat line, newest at the right edge', () => {
    // 4 values on 8 dot columns: the left two cells are empty; row 1 of 4 is round(1.5) from the bottom.
    expect(plotLine([50, 50, 50, 50], 100, 4, 1)).toEqual(['⠀⠀⠒⠒']);
  });

  it('keeps only the newest values that fit and clamps values outside 0…max', () => {
    const lines = plotLine([100, 100, 100, 100, -20, 150], 100, 1, 1);
    // The last two values only: -20 → bottom row (0x40), 150 → top row (0x08), joined.
    expect(lines).toEqual([String.fromCharCode(0x2800 + (0x40 | 0x04 | 0x10 | 0x08))]);
  });
});

describe('renderMetricsFrame', () => {
  it('renders a fixed series as the expected frame', () => {
    const samples = series([10, 20, 35, 50, 80, 95, 60, 40, 30, 25, 20, 15], (i) => 256 + i * 64);
    expect(renderMetricsFrame(samples, 40, 4, style(false))).toEqual([
      'CPU  15% of 2 vCPU',
      '   100% ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣰⠀⠀⠀',
      '        │⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⢠⠃⡇⠀⠀',
      '        │⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⡎⠀⠘⢄⠀',
      '     0% ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠊⠀⠀⠀⠀⠑',
      '',
      'Memory  960 MiB of 2.0 GiB (46.9%)',
      '2.0 GiB ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀',
      '        │⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀',
      '        │⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⠤⠒⠉',
      '    0 B ┤⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠒⠉⠀⠀⠀⠀',
      '        └───────────────────────────────',
      '                 10:00:00 – 10:00:55 UTC',
    ]);
  });

  it('labels the middle row on taller charts and puts both times under a long line', () => {
    const samples = series(Array.from({ length: 70 }, (_, i) => 50), () => 1024);
    const frame = renderMetricsFrame(samples, 50, 5, style(false));
    expect(frame[3]).toMatch(/^ {4}50% ┤⠀+⠒+$/);
    expect(frame[10]).toMatch(/^1\.0 GiB ┤⠀+⠒+$/);
    expect(frame[frame.length - 1]).toBe(`${' '.repeat(15)}10:00:00${' '.repeat(15)}10:05:45 UTC`);
  });

  it('colours the lines only when asked', () => {
    const samples = series([10, 20], () => 512);
    expect(renderMetricsFrame(samples, 40, 3, style(false)).join('\n')).not.toContain('\x1b[');
    const coloured = renderMetricsFrame(samples, 40, 3, style(true)).join('\n');
    expect(coloured).toContain('\x1b[36m'); // CPU
    expect(coloured).toContain('\x1b[35m'); // memory
  });

  it('says it is waiting before the first sample', () => {
    expect(renderMetricsFrame([], 40, 3, style(false))).toEqual(['Waiting for the first sample…']);
  });
});
