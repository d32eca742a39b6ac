/**
 * Preloaded (`node --expose-gc --import bench/memory-probe.ts …`) into a child whose memory
 * is being explained: on SIGUSR2 it collects garbage and writes `process.memoryUsage()` as
 * JSON, with the young generation's size, to the file named by BENCH_MEMORY_PROBE. Only the
 * explaining runs load it; the measured runs are exactly what `npm start` runs.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const target = process.env.BENCH_MEMORY_PROBE;
if (target !== undefined) {
  process.on('SIGUSR2', () => {
    const before = process.memoryUsage();
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
    (globalThis as { gc?: () => void }).gc?.();
    // Renamed into place, so the reader never sees a half-written file.
    writeFileSync(`${target}.tmp`, JSON.stringify({ before, afterGc: process.memoryUsage(), newSpace }));
    renameSync(`${target}.tmp`, target);
  });
}
