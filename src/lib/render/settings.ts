import type { JobSettings } from '../config/stack-config.js';
import { formatDurationMs } from '../config/units.js';

/** Spark's setting in words. */
export function sparkLabel(settings: JobSettings): string {
  return settings.sparkRealtime
    ? 'trigger realtime'
    : `trigger ${settings.sparkTriggerMs === 0 ? '0' : formatDurationMs(settings.sparkTriggerMs)}`;
}

/** Flink's settings in words. */
export function flinkLabel(settings: JobSettings): string {
  return `buffer ${formatDurationMs(settings.flinkBufferTimeoutMs)}, batch ${settings.flinkBatchSize}/${formatDurationMs(settings.flinkBatchIntervalMs)}`;
}
