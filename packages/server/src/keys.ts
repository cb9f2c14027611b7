/**
 * API keys. The server keeps only their SHA-256 (a sandbox's owner is the hash of its key), so
 * neither the database nor any log holds a key. With no key given, a dev key is generated on
 * first start, printed once, and saved (mode 0600) in the data folder for later starts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEYS_ENV = 'TENSOR_BOX_SERVER_API_KEYS';

export function ownerOf(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface Keys {
  /** Hashes of the accepted keys. */
  owners: Set<string>;
  /** Set when no key was given: where the dev key lives, and the key itself if it was just created. */
  dev?: { file: string; createdKey?: string };
}

/** Splits a list of keys (comma, space or newline separated) and checks each. */
export function parseKeys(text: string, from: string): string[] {
  const keys = text.split(/[\s,]+/).filter((k) => k !== '');
  for (const [i, key] of keys.entries()) {
    // Say which one is wrong by position, never by value.
    if (key.length < 8) throw new Error(`${from}: API key #${i + 1} is shorter than 8 characters`);
    if (!/^[\x21-\x7e]+$/.test(key)) throw new Error(`${from}: API key #${i + 1} must be printable ASCII without spaces`);
  }
  return keys;
}

export function resolveKeys(dataDir: string, given: string[]): Keys {
  if (given.length > 0) return { owners: new Set(given.map(ownerOf)) };
  const file = join(dataDir, 'dev-api-key');
  if (existsSync(file)) {
    const [key] = parseKeys(readFileSync(file, 'utf8'), file);
    if (!key) throw new Error(`${file} holds no API key; delete it to get a new one`);
    return { owners: new Set([ownerOf(key)]), dev: { file } };
  }
  const key = `tbx_dev_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { owners: new Set([ownerOf(key)]), dev: { file, createdKey: key } };
}
