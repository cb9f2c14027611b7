/**
 * Turns a sandbox's stdout/stderr files into log entries. Offsets count only bytes up to the last
 * complete line and are stored with the entries they produced, so a restart neither loses nor
 * repeats a line. Cutting at '\n' is safe for UTF-8: that byte never occurs inside a character.
 */
import { open } from 'node:fs/promises';

/** A line longer than this is cut into several entries. */
export const MAX_LINE_BYTES = 8192;
/** At most this much is read per file per poll, so one noisy sandbox cannot stall the others. */
const MAX_READ_BYTES = 1024 * 1024;

export interface Chunk {
  lines: string[];
  /** The new offset: just after the last byte turned into a line. */
  offset: number;
}

/**
 * New complete lines of `file` after `offset`. With `final`, a trailing partial line is taken
 * too (the process is gone, nothing will complete it).
 */
export async function readLines(file: string, offset: number, final: boolean): Promise<Chunk> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return { lines: [], offset };
  }
  try {
    const lines: string[] = [];
    let position = offset;
    for (;;) {
      const { size } = await handle.stat();
      if (size <= position) break;
      const length = Math.min(size - position, MAX_READ_BYTES);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      let start = 0;
      for (let i = 0; i < bytesRead; i++) {
        if (buffer[i] === 0x0a || i - start + 1 >= MAX_LINE_BYTES) {
          const end = buffer[i] === 0x0a ? i : i + 1;
          lines.push(buffer.toString('utf8', start, end).replace(/\r$/, ''));
          start = i + 1;
        }
      }
      if (start < bytesRead && final) {
        lines.push(buffer.toString('utf8', start, bytesRead));
        start = bytesRead;
      }
      position += start;
      if (!final || bytesRead < length || start === 0) break;
    }
    return { lines, offset: position };
  } finally {
    await handle.close();
  }
}
