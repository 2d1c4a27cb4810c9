import { readFileSync } from 'node:fs';

/** USER_HZ: Linux reports /proc CPU times in ticks of 1/100 s. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) process `pid` has used so far, in ms, from `/proc/<pid>/stat`
 * (Linux; 10 ms resolution). Take it before and after a load to get a server's CPU per
 * operation: on a shared machine that is steadier than its rate, which mostly measures how
 * much CPU the load generator got.
 */
export function processCpuMs(pid: number): number {
  // Fields after "pid (comm) ": state is [0], utime [11], stime [12] (proc(5) fields 14, 15).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Minor page faults process `pid` has taken so far (`minflt`, proc(5) field 10 of
 * `/proc/<pid>/stat`; Linux): memory the kernel had to map in. A server that frees and re-faults
 * its read buffers shows it here long before it shows in CPU time.
 */
export function processMinorFaults(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "pid (comm) ": state is [0], minflt [7].
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
}
