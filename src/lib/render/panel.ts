import type { EngineLive } from '../bench/monitor.js';
import type { ProducerProgress } from '../producer/producer.js';

/** Everything the live panel shows. */
export interface PanelState {
  /** Run id. */
  runId: string;
  /** Planned duration, ms (null for an open-ended live source). */
  durationMs: number | null;
  /** Rate asked for, events/s (null for live sources). */
  offeredRateEventsPerSec: number | null;
  /** Producer progress. */
  producer: ProducerProgress | null;
  /** Per engine. */
  engines: Record<string, EngineLive>;
  /** Phase: producing, draining, collecting. */
  phase: string;
}

const ms = (us: number | null): string => (us === null ? '-' : `${(us / 1000).toFixed(1)} ms`);

/** The panel as text: producer line, then one line per engine. */
export function renderPanel(state: PanelState): string {
  const p = state.producer;
  const elapsed = p ? `${(p.elapsedMs / 1000).toFixed(0)}s` : '0s';
  const of = state.durationMs === null ? '' : ` / ${(state.durationMs / 1000).toFixed(0)}s`;
  const offered = state.offeredRateEventsPerSec === null ? 'live' : `${state.offeredRateEventsPerSec}/s`;
  const lines = [
    `run ${state.runId}  ${state.phase}  ${elapsed}${of}`,
    `producer  offered ${offered}  actual ${p ? Math.round(p.currentRateEventsPerSec) : 0}/s  sent ${p?.sent ?? 0}  failed ${p?.failed ?? 0}  schedule lag p99 ${ms(p?.scheduleLagP99Us ?? null)}`,
  ];
  for (const [engine, live] of Object.entries(state.engines)) {
    lines.push(
      `${engine.padEnd(9)} committed ${String(live.committedRows).padStart(9)}  p50 ${ms(live.p50Us).padStart(10)}  p99 ${ms(live.p99Us).padStart(10)}  freshness ${ms(live.freshnessUs)}`,
    );
  }
  return lines.join('\n');
}

/** Redraws the panel in place on a terminal (stderr); silent when stderr is not a terminal or under --json. */
export class LivePanel {
  private drawnLines = 0;
  private readonly enabled: boolean;

  constructor(
    json: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = !json && Boolean(stream.isTTY);
  }

  /** Draws the state, replacing the previous drawing. */
  draw(state: PanelState): void {
    if (!this.enabled) return;
    const text = renderPanel(state);
    const clear = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\x1b[J` : '';
    this.stream.write(`${clear}${text}\n`);
    this.drawnLines = text.split('\n').length;
  }
}
