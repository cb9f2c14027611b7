/**
 * Starting a sandbox's process group. The process is spawned detached, so it leads a new session
 * and process group (PGID = its PID): one signal to `-PGID` reaches every process of the sandbox,
 * and the group outlives a crash of the server, which adopts it again on restart. Its output goes
 * to files rather than pipes for the same reason: a pipe to a dead server would kill it (SIGPIPE).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { readStatSync } from './proc.js';
import type { Template } from './templates.js';

export const SANDBOX_ID_ENV = 'TENSOR_BOX_SANDBOX_ID';
export const TEMPLATE_ID_ENV = 'TENSOR_BOX_TEMPLATE_ID';

export interface SandboxPaths {
  /** `<data>/sandboxes/<id>`: everything of the sandbox; removed on kill. */
  root: string;
  /** The working folder (cwd and HOME of the process). */
  home: string;
  stdout: string;
  stderr: string;
}

export function sandboxPaths(dataDir: string, id: string): SandboxPaths {
  const root = join(dataDir, 'sandboxes', id);
  return { root, home: join(root, 'home'), stdout: join(root, 'stdout.log'), stderr: join(root, 'stderr.log') };
}

export interface Launched {
  child: ChildProcess;
  pid: number;
  startTime: string;
  /** Resolves with how the leader ended. */
  exited: Promise<string>;
  /** CPUs it may run on, when fewer than the machine's. */
  cpus?: string;
}

const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));
const CPU_TOTAL = availableParallelism();
let nextCpu = 0;

/** `cpuCount` CPUs for CPU affinity, rotating so sandboxes spread over the machine. */
function pickCpus(count: number): string | undefined {
  if (!TASKSET || count >= CPU_TOTAL) return undefined;
  const cpus = Array.from({ length: count }, (_, i) => (nextCpu + i) % CPU_TOTAL);
  nextCpu = (nextCpu + count) % CPU_TOTAL;
  return cpus.join(',');
}

/**
 * The limits an unprivileged process can set on itself, applied by the shell before it runs the
 * template (ulimit sets soft and hard limits, so the sandbox cannot raise them again):
 * address space = memoryMB (dash: KiB), largest file = diskGB (dash: 512-byte blocks).
 */
function launcherScript(template: Template, cpus: string | undefined): string {
  const memKiB = template.memoryMB * 1024;
  const fileBlocks = template.diskGB * 1024 * 1024 * 2;
  const affinity = cpus ? `${TASKSET} -c ${cpus} ` : '';
  return `ulimit -v ${memKiB} 2>/dev/null; ulimit -f ${fileBlocks} 2>/dev/null; exec ${affinity}/bin/sh -c "$1"`;
}

export function describeLimits(template: Template, cpus: string | undefined): string {
  return `${template.cpuCount} vCPU${cpus ? ` (CPUs ${cpus})` : ''}, address space ${template.memoryMB} MiB, files up to ${template.diskGB} GiB`;
}

const O_CLOEXEC = 0o2000000;
/** Read once: inherited descriptors exist from the start, and all Node opens later is close-on-exec. */
let inherited: number[] | undefined;

/**
 * Descriptors of this process that a child would inherit: those without close-on-exec, which
 * Node never opens itself, so they came from whoever started the server (a pipe of a CI runner,
 * say). A sandbox holding one open could keep that runner waiting for an end of file.
 */
function inheritableFds(): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    if (fd < 3) continue;
    try {
      const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      if (flags !== undefined && (parseInt(flags, 8) & O_CLOEXEC) === 0) found.push(fd);
    } catch {
      // closed meanwhile (the directory listing's own descriptor, for one)
    }
  }
  return found;
}

export function launch(id: string, template: Template, paths: SandboxPaths, envs: Record<string, string>): Promise<Launched> {
  const cpus = pickCpus(template.cpuCount);
  const env: Record<string, string> = {
    // A fresh environment: nothing of the server's (its API keys above all) leaks into a sandbox.
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    SHELL: '/bin/sh',
    HOME: paths.home,
    PWD: paths.home,
    ...envs,
    [SANDBOX_ID_ENV]: id,
    [TEMPLATE_ID_ENV]: template.id,
  };
  const out = openSync(paths.stdout, 'a');
  const err = openSync(paths.stderr, 'a');
  const stdio: StdioOptions = ['ignore', out, err];
  // Node cannot close a descriptor in the child, but it can put /dev/null in its place.
  const leaks = (inherited ??= inheritableFds());
  const devNull = leaks.length > 0 ? openSync('/dev/null', 'r') : undefined;
  for (const fd of leaks) {
    while (stdio.length < fd) stdio.push('ignore');
    stdio[fd] = devNull!;
  }
  return new Promise((resolve, reject) => {
    // The child has its own copies of the descriptors once spawned (or failed).
    const closeFds = () => {
      closeSync(out);
      closeSync(err);
      if (devNull !== undefined) closeSync(devNull);
    };
    let child: ChildProcess;
    try {
      child = spawn('/bin/sh', ['-c', launcherScript(template, cpus), `tensor-box-${id}`, template.command], {
        cwd: paths.home,
        env,
        detached: true,
        stdio,
      });
    } catch (e) {
      closeFds();
      reject(e);
      return;
    }
    const exited = new Promise<string>((res) => {
      child.once('exit', (code, signal) => res(signal ? `killed by ${signal}` : `exited with code ${code}`));
    });
    child.once('error', (e) => {
      closeFds();
      reject(e);
    });
    child.once('spawn', () => {
      closeFds();
      child.unref();
      const pid = child.pid!;
      const stat = readStatSync(pid);
      resolve({ child, pid, startTime: stat?.startTime ?? '', exited, cpus });
    });
  });
}

/** Sends a signal to a whole process group; false if the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
