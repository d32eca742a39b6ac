/**
 * Preloaded (`node --expose-gc --import bench/memory-probe.ts …`) into a child whose memory
 * is being explained: on SIGUSR2 it collects garbage and writes `process.memoryUsage()` as
 * JSON to the file named by BENCH_MEMORY_PROBE. Only the explaining runs load it; the
 * measured runs are the plain entry points.
 */
import { renameSync, writeFileSync } from 'node:fs';

const target = process.env.BENCH_MEMORY_PROBE;
if (target !== undefined) {
  process.on('SIGUSR2', () => {
    const before = process.memoryUsage();
    (globalThis as { gc?: () => void }).gc?.();
    // Renamed into place, so the reader never sees a half-written file.
    writeFileSync(`${target}.tmp`, JSON.stringify({ before, afterGc: process.memoryUsage() }));
    renameSync(`${target}.tmp`, target);
  });
}
