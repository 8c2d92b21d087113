// CPU time of this process's threads, from /proc (Linux): the event loop's own thread, and all of
// them (worker threads, V8's GC and compiler helpers, libuv's pool, the WAL checkpointer). CPU per
// unit of work varies less from run to run than throughput does on a shared machine.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessCpu {
  /** CPU ms of the main thread (the event loop). */
  eventLoopMs: number;
  /** CPU ms of every thread of the process. */
  allThreadsMs: number;
  /** CPU ms per thread id (as in /proc/self/task). */
  threads: Map<string, number>;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms so far; zeros where /proc is not there. */
export function readProcessCpu(): ProcessCpu {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return { eventLoopMs: 0, allThreadsMs: 0, threads: new Map() };
  }
  const cpu = { eventLoopMs: 0, allThreadsMs: 0, threads: new Map<string, number>() };
  for (const tid of tids) {
    let ms = 0;
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
    } catch {
      continue; // the thread ended meanwhile
    }
    cpu.allThreadsMs += ms;
    cpu.threads.set(tid, ms);
    if (Number(tid) === process.pid) cpu.eventLoopMs = ms;
  }
  return cpu;
}

/**
 * CPU between two readings, the threads named in `apart` (a load generator's) counted apart
 * (`apartMs`) instead of in `allThreadsMs`. Threads that ended in between are not counted, so take
 * both readings while the work's threads run.
 */
export function cpuBetween(before: ProcessCpu, after: ProcessCpu, apart: string[] = []): ProcessCpu & { apartMs: number } {
  let apartMs = 0;
  const threads = new Map([...after.threads].map(([tid, ms]) => [tid, ms - (before.threads.get(tid) ?? 0)]));
  for (const tid of apart) apartMs += threads.get(tid) ?? 0;
  return { eventLoopMs: after.eventLoopMs - before.eventLoopMs, allThreadsMs: after.allThreadsMs - before.allThreadsMs - apartMs, threads, apartMs };
}
