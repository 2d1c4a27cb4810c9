/**
 * `common/bench`: what every package's `bench/` script uses. Speed goals live in benchmarks,
 * never in timed tests: contenders alternated in one run, medians, per-pair ratios.
 */
export * from './bench.ts';
export { processCpuMs, processMinorFaults } from './process-cpu.ts';
export { httpLoad, cpuOfPid, type HttpLoadOptions, type HttpLoadResult } from './http-load.ts';
