import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/*
 * CPU time from /proc/<pid>/stat: utime + stime (fields 14 and 15) in clock
 * ticks. Counting CPU time rather than wall time keeps the per-notification
 * cost readable on a machine shared with other work.
 */

let ticksPerSecond: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`), read once. */
export function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

interface ProcStat {
  ppid: number;
  /** utime + stime of the process itself. */
  own: number;
  /** cutime + cstime: children it has reaped. */
  reaped: number;
}

function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing parenthesis.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(f[n - 3]);
  return { ppid: field(4), own: field(14) + field(15), reaped: field(16) + field(17) };
}

export function parentPid(pid: number): number {
  const s = procStat(pid);
  if (!s) throw new Error(`no /proc/${pid}/stat: the process is gone`);
  return s.ppid;
}

/** CPU ticks one process has used so far. */
export function processTicks(pid: number): number {
  const s = procStat(pid);
  if (!s) throw new Error(`no /proc/${pid}/stat: the process is gone`);
  return s.own;
}

/**
 * CPU ticks of a PostgreSQL instance: the postmaster, every live child
 * (backends, walwriter, checkpointer, autovacuum…), and the children it has
 * already reaped, so a backend that exits between two readings still counts.
 */
export function processTreeTicks(rootPid: number): number {
  const root = procStat(rootPid);
  if (!root) throw new Error(`no /proc/${rootPid}/stat: the process is gone`);
  let ticks = root.own + root.reaped;
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s && s.ppid === rootPid) ticks += s.own;
  }
  return ticks;
}
