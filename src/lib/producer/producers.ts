/**
 * How many producer threads a run uses (`--producers`). Each producer thread walks the whole deterministic
 * synthetic source, makes only its share of the symbols' ticks and sends them (see `ProduceOptions.share`), so
 * the events, their seq numbers and partitions are those of one producer, whatever the count.
 */

/** One producer thread keeps up with about this many events/s with room to spare (the default adds one per). */
export const EVENTS_PER_SEC_PER_PRODUCER = 100_000;
/** Below this many events/s per producer, another thread only adds wake-ups: the rate cannot use it. */
export const MIN_EVENTS_PER_SEC_PER_PRODUCER = 1_000;

/** What the producer count depends on. */
export interface ProducerCountInput {
  /** Source kind; only `synthetic` splits over producers (live and replay sources are read once). */
  source: string;
  /** Open-loop rate of the synthetic source, events/s; null for other sources. */
  rateEventsPerSec: number | null;
  /** Symbols the source produces: each is sent by one producer, so more producers than symbols idle. */
  symbols: number;
  /** Cores of the machine: more threads than cores only compete with each other. */
  cores: number;
}

/**
 * The default `--producers`: one per {@link EVENTS_PER_SEC_PER_PRODUCER} of the rate, at most one per core and
 * one per symbol; one for every source other than synthetic.
 */
export function defaultProducers(input: ProducerCountInput): number {
  if (input.source !== 'synthetic' || input.rateEventsPerSec === null) return 1;
  const wanted = Math.ceil(input.rateEventsPerSec / EVENTS_PER_SEC_PER_PRODUCER);
  return Math.max(1, Math.min(wanted, input.cores, input.symbols));
}

/** Most producers the rate and the symbols can use (see {@link checkProducers}). */
export function maxUsefulProducers(input: ProducerCountInput): number {
  if (input.source !== 'synthetic' || input.rateEventsPerSec === null) return 1;
  const byRate = Math.floor(input.rateEventsPerSec / MIN_EVENTS_PER_SEC_PER_PRODUCER);
  return Math.max(1, Math.min(byRate, input.symbols));
}

/**
 * Checks `--producers N`: at least 1; above 1 only for the synthetic source; no more than the rate can use
 * (each producer at least {@link MIN_EVENTS_PER_SEC_PER_PRODUCER} events/s) nor than there are symbols. Returns
 * a message naming the flag and the fix, or undefined when the count is fine.
 */
export function checkProducers(producers: number, input: ProducerCountInput): string | undefined {
  if (!Number.isInteger(producers) || producers < 1) {
    return `--producers ${producers}: at least one producer sends the events; use 1 or more, or leave it out for the default`;
  }
  if (producers === 1) return undefined;
  if (input.source !== 'synthetic' || input.rateEventsPerSec === null) {
    return `--producers ${producers}: only the synthetic source splits over producers (a ${input.source} source is read once); leave --producers out`;
  }
  const max = maxUsefulProducers(input);
  if (producers <= max) return undefined;
  const rate = input.rateEventsPerSec;
  const why =
    max === input.symbols && input.symbols < Math.floor(rate / MIN_EVENTS_PER_SEC_PER_PRODUCER)
      ? `${input.symbols} symbols keep at most ${max} busy (each symbol is sent by one producer, to keep its order); add --symbols`
      : `at ${rate} events/s each would send ${Math.floor(rate / producers)}/s; the rate can use at most ${max} (one per ${MIN_EVENTS_PER_SEC_PER_PRODUCER} events/s)`;
  return `--producers ${producers}: ${why}, or use --producers ${max}`;
}
