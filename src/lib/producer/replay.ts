import { readFile } from 'node:fs/promises';
import { ConfigError, describe } from '../errors.js';
import { nowUs } from './clock.js';
import { copyStats, emptyStats, type SourceStats, type Tick, type TickSource } from './source.js';
import { parseHeader, parseTickLine, type TickFileHeader } from './tick-file.js';
import { sleepMs, yieldToEventLoop } from './timing.js';

/** Options of the replay source. */
export interface ReplayOptions {
  /** NDJSON file written by `crypto-bench record`. */
  file: string;
  /** Pace: 1 = the recorded gaps, N = N times faster, `Infinity` = as fast as possible. */
  speed: number;
  /** Largest batch yielded at once. Default 10,000 at a finite speed, 1,000 at `max`. */
  maxBatchEvents?: number;
}

/**
 * Parses `--speed`: a positive factor (`1`, `10`, `0.5`), or `max` / `0` for as fast as possible (returned as
 * `Infinity`). Returns a message saying what is wrong instead of throwing, so the flag parser can name the flag.
 */
export function parseSpeed(text: string): number | string {
  const lower = text.trim().toLowerCase();
  if (lower === 'max') return Number.POSITIVE_INFINITY;
  const trimmed = lower.replace(/x$/, '');
  if (trimmed === '0') return Number.POSITIVE_INFINITY;
  const speed = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(speed) || speed <= 0) {
    return `"${text}" is not a speed; use a factor such as 1, 10 or 0.5, or max for as fast as possible`;
  }
  return speed;
}

/** Ticks read at once at `--speed max`: about two of the producer's sends. */
const MAX_SPEED_BATCH_EVENTS = 1000;

/**
 * Reads and checks a whole recorded file, then returns a source that replays it.
 *
 * The file is validated up front, before anything is sent: a corrupt line found half-way through a run would
 * leave a partial workload in Kafka and a run whose counts mean nothing. Files are small enough for this
 * (a 10-minute WebSocket recording holds a few tens of thousands of ticks).
 */
export async function openReplay(options: ReplayOptions): Promise<ReplaySource> {
  const { header, ticks } = parseTickFile(options.file, await readTickFile(options.file));
  return new ReplaySource(header, ticks, options);
}

async function readTickFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${describe(error)})`;
    throw new ConfigError(`Replay file ${file} ${reason}`, {
      suggestions: ['Check the path, or record one with `crypto-bench record --out FILE`'],
    });
  }
}

/** Splits and validates a tick file's text; every problem names `file:line`. */
export function parseTickFile(file: string, text: string): { header: TickFileHeader; ticks: Tick[] } {
  const lines = text.split('\n');
  const corrupt = (lineNumber: number, reason: string) =>
    new ConfigError(`${file}:${lineNumber}: ${reason}`, {
      suggestions: [
        'Fix or delete that line (a recording cut short can end in a partial line), or record the file again',
      ],
    });
  const header = parseHeader((lines[0] ?? '').trim());
  if (typeof header === 'string') throw corrupt(1, header);
  const ticks: Tick[] = [];
  for (let index = 1; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    const tick = parseTickLine(line);
    if (typeof tick === 'string') throw corrupt(index + 1, tick);
    ticks.push(tick);
  }
  if (ticks.length === 0) {
    throw new ConfigError(`Replay file ${file} holds no ticks`, {
      suggestions: ['Record for longer with `crypto-bench record --duration 10m --out FILE`'],
    });
  }
  return { header, ticks };
}

/**
 * Replays recorded ticks in file order. At a finite speed, tick i is due at
 * `start + (eventTime_i − eventTime_0) / speed` (open loop, like the synthetic source) and that due time becomes
 * both its intended time and its event time, so the workload happens "now" with the recorded rhythm. At
 * `Infinity` there is no schedule: each batch is intended, and happens, when it is read.
 */
export class ReplaySource implements TickSource {
  /** Source kind. */
  readonly name = 'replay';
  /** Ticks follow an open-loop schedule, except at `max` speed where there is none. */
  readonly openLoop: boolean;
  /** Pairs named in the file's header. */
  readonly pairs: readonly string[];
  private readonly counters = emptyStats();

  /** A checked file's header and ticks; use {@link openReplay}. */
  constructor(
    readonly header: TickFileHeader,
    private readonly recorded: readonly Tick[],
    private readonly options: ReplayOptions,
  ) {
    this.pairs = header.pairs;
    this.openLoop = options.speed !== Number.POSITIVE_INFINITY;
  }

  /** Number of ticks in the file. */
  get tickCount(): number {
    return this.recorded.length;
  }

  /** Batches of ticks at the asked pace until the file ends or `signal` is aborted. */
  async *ticks(signal: AbortSignal): AsyncGenerator<Tick[]> {
    if (this.options.speed === Number.POSITIVE_INFINITY) {
      // Small batches: the producer reads the next one only when its queue has room, so a tick's stamp (the
      // moment its batch is read) stays within a few sends of the moment it is sent.
      const maxBatch = this.options.maxBatchEvents ?? MAX_SPEED_BATCH_EVENTS;
      for (let index = 0; index < this.recorded.length && !signal.aborted; index += maxBatch) {
        const atUs = nowUs();
        yield this.recorded.slice(index, index + maxBatch).map((tick) => retime(tick, atUs));
        await yieldToEventLoop();
      }
      return;
    }
    yield* this.paced(signal, this.options.maxBatchEvents ?? 10_000);
  }

  private async *paced(signal: AbortSignal, maxBatch: number): AsyncGenerator<Tick[]> {
    const startUs = nowUs();
    const firstEventUs = this.recorded[0]?.eventTimeUs ?? 0;
    const dueUs = (tick: Tick) =>
      Math.round(startUs + (tick.eventTimeUs - firstEventUs) / this.options.speed);
    let index = 0;
    while (index < this.recorded.length && !signal.aborted) {
      const now = nowUs();
      const next = this.recorded[index] as Tick;
      if (dueUs(next) > now) {
        await sleepMs((dueUs(next) - now) / 1000, signal);
        continue;
      }
      const batch: Tick[] = [];
      while (index < this.recorded.length && batch.length < maxBatch) {
        const tick = this.recorded[index] as Tick;
        const tickDueUs = dueUs(tick);
        if (tickDueUs > now) break;
        batch.push(retime(tick, tickDueUs));
        index += 1;
      }
      yield batch;
      if (batch.length === maxBatch) await yieldToEventLoop();
    }
  }

  /** Counters (all zero: a file cannot fail once checked). */
  stats(): SourceStats {
    return copyStats(this.counters);
  }
}

function retime(tick: Tick, atUs: number): Tick {
  return { symbol: tick.symbol, price: tick.price, size: tick.size, eventTimeUs: atUs, intendedAtUs: atUs };
}
