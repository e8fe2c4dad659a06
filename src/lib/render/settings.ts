import { DEFAULTS } from '../config/defaults.js';
import type { JobSettings } from '../config/stack-config.js';
import { formatDurationMs } from '../config/units.js';

/** Spark's setting in words; delivery and state backend only when not the defaults. */
export function sparkLabel(settings: JobSettings): string {
  const trigger = settings.sparkRealtime
    ? 'trigger realtime'
    : `trigger ${settings.sparkTriggerMs === 0 ? '0' : formatDurationMs(settings.sparkTriggerMs)}`;
  return [trigger, ...guaranteeWords(settings, true)].join(', ');
}

/** Flink's settings in words; checkpoint interval, delivery and state backend only when not the defaults. */
export function flinkLabel(settings: JobSettings): string {
  const words = [
    `buffer ${formatDurationMs(settings.flinkBufferTimeoutMs)}`,
    `batch ${settings.flinkBatchSize}/${formatDurationMs(settings.flinkBatchIntervalMs)}`,
  ];
  if (settings.flinkCheckpointIntervalMs !== DEFAULTS.flinkCheckpointIntervalMs)
    words.push(`checkpoint ${formatDurationMs(settings.flinkCheckpointIntervalMs)}`);
  return [...words, ...guaranteeWords(settings, true)].join(', ');
}

/** The baseline's settings in words. */
export function baselineLabel(settings: JobSettings): string {
  return [`batch ${settings.baselineBatchSize}`, ...guaranteeWords(settings, false)].join(', ');
}

/** "exactly-once" and "rocksdb" when set (absent in settings from before they existed: the defaults). */
function guaranteeWords(settings: JobSettings, hasState: boolean): string[] {
  const words: string[] = [];
  if ((settings.delivery ?? DEFAULTS.delivery) !== DEFAULTS.delivery) words.push(settings.delivery);
  if (hasState && (settings.stateBackend ?? DEFAULTS.stateBackend) !== DEFAULTS.stateBackend)
    words.push(settings.stateBackend);
  return words;
}
