/**
 * CPU time per process over a workload, read from /proc/<pid>/stat (utime + stime), so a run
 * says where the two cores went: gateway, coordinators, storage nodes, Redis, PostgreSQL or the
 * load generator itself. Linux only; elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc times; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

export interface MeteredProcess {
  name: string;
  pids: () => number[];
}

export interface CpuUsage {
  name: string;
  cpuSeconds: number;
}

export class CpuMeter {
  private baseline = new Map<string, number>();

  constructor(private readonly processes: MeteredProcess[]) {}

  start(): void {
    this.baseline = new Map(this.processes.map((p) => [p.name, cpuSecondsOf(p.pids())]));
  }

  /** CPU seconds each process used since `start()`. */
  read(): CpuUsage[] {
    return this.processes.map((p) => ({
      name: p.name,
      cpuSeconds: Math.max(0, cpuSecondsOf(p.pids()) - (this.baseline.get(p.name) ?? 0)),
    }));
  }
}

function cpuSecondsOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += ticksOf(pid);
  return ticks / TICKS_PER_SECOND;
}

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Pids whose command line contains `needle` (e.g. every PostgreSQL backend). */
export function pidsMatching(needle: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return pids;
}
