// The completion scripts, asked of the real shells: each script is loaded and asked for the
// candidates at a few command lines.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/generated/commands.js';
import { run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tensor-box-completion-'));
const scripts: Record<string, string> = {};
beforeAll(async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await run(['completion', shell]);
    expect(r.code, r.stderr).toBe(0);
    scripts[shell] = join(dir, `tensor-box.${shell}`);
    writeFileSync(scripts[shell]!, r.stdout);
  }
});

// scripts/ensure-shells.sh installs zsh and fish before the tests; a missing shell is a failure.
it.each(['bash', 'zsh', 'fish'])('%s is installed', (shell) => {
  expect(spawnSync('sh', ['-c', `command -v ${shell}`]).status).toBe(0);
});

/** Command lines and what completing their last word must offer (exactly). */
const LINES: [string, string[]][] = [
  ['tensor-box s', ['sandbox', 'sbx']],
  ['tensor-box sandbox c', ['connect', 'create']],
  ['tensor-box sbx l', ['list', 'logs', 'ls']],
  ['tensor-box sandbox create --on-timeout ', ['kill', 'pause']],
  ['tensor-box --domain http://x sbx ls --state ', ['closed', 'paused', 'running']],
  ['tensor-box sandbox ls --st', ['--state']],
  ['tensor-box sandbox metrics sbx_1 --w', ['--watch']],
  ['tensor-box completion ', ['bash', 'fish', 'zsh']],
];

function words(line: string): string[] {
  const parts = line.split(' ');
  return parts;
}

describe('bash', () => {
  it('passes bash -n', () => {
    expect(spawnSync('bash', ['-n', scripts.bash!]).status).toBe(0);
  });
  it.each(LINES)('completes "%s"', (line, expected) => {
    const w = words(line);
    const script = `source '${scripts.bash}'; COMP_WORDS=(${w.map((x) => `'${x}'`).join(' ')}); COMP_CWORD=${w.length - 1}; _tensor_box_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const out = execFileSync('bash', ['-c', script]).toString().trim().split('\n').filter(Boolean).sort();
    expect(out).toEqual(expected);
  });
});

describe('zsh', () => {
  it('passes zsh -n', () => {
    expect(spawnSync('zsh', ['-n', scripts.zsh!]).status).toBe(0);
  });
  it.each(LINES)('completes "%s"', (line, expected) => {
    const w = words(line);
    // compadd and compdef are stubs: the function's choice of candidates is what is tested.
    const script = `compdef() { :; }; compadd() { shift; print -l -- "$@"; }; source '${scripts.zsh}'; words=(${w.map((x) => `'${x}'`).join(' ')}); CURRENT=${w.length}; _tensor_box`;
    const out = execFileSync('zsh', ['-f', '-c', script]).toString().trim().split('\n').filter(Boolean);
    const matching = out.filter((c) => c.startsWith(w[w.length - 1]!)).sort();
    expect(matching).toEqual(expected);
  });
});

describe('fish', () => {
  it('passes fish -n', () => {
    expect(spawnSync('fish', ['-n', scripts.fish!]).status).toBe(0);
  });
  it.each(LINES)('completes "%s"', (line, expected) => {
    const out = execFileSync('fish', ['--no-config', '-c', `source '${scripts.fish}'; complete -C '${line}'`])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!)
      .sort();
    expect(out).toEqual(expected);
  });
});

describe('every shell script', () => {
  it('names every command and alias of the table', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const text = (await run(['completion', shell])).stdout;
      for (const c of COMMANDS) for (const name of [c.name, ...c.aliases]) expect(text, `${shell}: ${name}`).toContain(name);
    }
  });
});
