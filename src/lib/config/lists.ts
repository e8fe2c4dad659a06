import { ENGINES, SERVICES, type Engine, type ServiceName } from './defaults.js';
import { parseDurationMs, parseList } from './units.js';

/** A Spark trigger: an interval in ms (0 = as fast as possible), or Spark's Real-Time Mode. */
export type SparkTrigger = number | 'realtime';

/** Parses `0,1s,5s,realtime` into triggers; a message naming the bad item otherwise. */
export function parseTriggerList(text: string): SparkTrigger[] | string {
  return mapItems<SparkTrigger>(text, (item) => {
    if (item.toLowerCase() === 'realtime') return { value: 'realtime' };
    return ok(parseDurationMs(item));
  });
}

/** Parses `0,10ms,100ms` into milliseconds; bare numbers are read in `bareUnit`. */
export function parseDurationList(text: string, bareUnit: 'ms' | 's' = 'ms'): number[] | string {
  return mapItems(text, (item) => ok(parseDurationMs(item, bareUnit)));
}

/** Parses a list of named choices, e.g. `at-least-once,exactly-once`; a message naming the bad item otherwise. */
export function parseOptionList<T extends string>(text: string, options: readonly T[]): T[] | string {
  return mapItems<T>(text, (item) =>
    (options as readonly string[]).includes(item)
      ? { value: item as T }
      : `"${item}" is not one of ${options.join(', ')}`,
  );
}

/** Parses `1000,10000,50000` (or `10k,50k`) into positive integers. */
export function parseCountList(text: string): number[] | string {
  return mapItems<number>(text, (item) => {
    const match = /^(\d+(?:\.\d+)?)(k|m)?$/i.exec(item);
    if (!match) return `"${item}" is not a whole number; write 1000, 10k or 1m`;
    const scale = { k: 1000, m: 1_000_000 }[(match[2] ?? '').toLowerCase()] ?? 1;
    const value = Number(match[1]) * scale;
    if (!Number.isInteger(value) || value < 1) return `"${item}" must be a whole number of at least 1`;
    return { value };
  });
}

/** CPU limits per service, in cores (`--cpus spark=1,flink=1`). */
export type CpuLimits = Partial<Record<ServiceName, number>>;

/**
 * Parses `spark=1,flink=1.5` into cores per service (any of postgres, kafka, spark, flink, baseline); a message
 * naming the bad item otherwise. Docker takes CPU limits in steps of 0.01 core.
 */
export function parseCpuLimits(text: string): CpuLimits | string {
  const items = parseList(text);
  if (typeof items === 'string') return items;
  const limits: CpuLimits = {};
  for (const item of items) {
    const match = /^([a-z]+)=(\d+(?:\.\d+)?)$/.exec(item);
    if (!match) return `"${item}" is not SERVICE=CORES, e.g. spark=1`;
    const [, name, value] = match as unknown as [string, string, string];
    if (!(SERVICES as readonly string[]).includes(name))
      return `"${name}" is not a service; choose from ${SERVICES.join(', ')}`;
    const cores = Number(value);
    if (cores < 0.01 || Math.abs(Math.round(cores * 100) - cores * 100) > 1e-9)
      return `"${item}": give at least 0.01 cores, in steps of 0.01`;
    if (limits[name as ServiceName] !== undefined) return `"${name}" is given twice`;
    limits[name as ServiceName] = cores;
  }
  return limits;
}

/** Parallelism per engine: Flink job parallelism, Spark executors, baseline consumer threads. */
export type Parallelism = Record<Engine, number>;

/**
 * `spark=2,flink=2,baseline=2`: engines not named keep their current parallelism; each value a whole number
 * from 1 to 256.
 */
export function parseParallelism(text: string): Partial<Parallelism> | string {
  const items = parseList(text);
  if (typeof items === 'string') return items;
  const parsed: Partial<Parallelism> = {};
  for (const item of items) {
    const match = /^([a-z]+)=(-?\d+)$/.exec(item);
    if (!match) return `"${item}" is not ENGINE=N, e.g. flink=2`;
    const [, name, value] = match as unknown as [string, string, string];
    if (!(ENGINES as readonly string[]).includes(name))
      return `"${name}" is not an engine; choose from ${ENGINES.join(', ')}`;
    const n = Number(value);
    if (n < 1 || n > 256) return `"${item}": parallelism is a whole number from 1 to 256`;
    if (parsed[name as Engine] !== undefined) return `"${name}" is given twice`;
    parsed[name as Engine] = n;
  }
  return parsed;
}

/** One `--parallelism` list of `sweep`: for every engine (`1,2,4`), or for one (`flink=1,2,4`). */
export interface ParallelismList {
  /** The engine the list is for; undefined = every engine. */
  engine?: Engine;
  /** Parallelism at each point, in order. */
  values: number[];
}

/**
 * Parses one `--parallelism` value of `sweep`: `1,2,4` (every engine at 1, then 2, then 4) or `flink=1,2,4`
 * (that engine only); each value a whole number from 1 to 256. `flink=1,flink=2` is refused with the form to
 * use, so that no list can be read two ways.
 */
export function parseParallelismList(text: string): ParallelismList | string {
  const named = /^([a-z]+)=(.*)$/.exec(text.trim());
  const engine = named?.[1];
  if (engine !== undefined && !(ENGINES as readonly string[]).includes(engine))
    return `"${engine}" is not an engine; choose from ${ENGINES.join(', ')}`;
  const list = named ? (named[2] as string) : text;
  if (/[a-z]+=/.test(list))
    return `"${text}" names an engine inside the list; give each engine its own list: --parallelism ${engine ?? 'flink'}=1,2,4 (or 1,2,4 for every engine)`;
  const values = mapItems<number>(list, (item) => {
    if (!/^-?\d+$/.test(item)) return `"${item}" is not a whole number`;
    const n = Number(item);
    if (n < 1 || n > 256) return `"${item}": parallelism is a whole number from 1 to 256`;
    return { value: n };
  });
  if (typeof values === 'string') return values;
  return engine === undefined ? { values } : { engine: engine as Engine, values };
}

/**
 * The parallelism of every point of a sweep, from the `--parallelism` lists given: one list for every engine,
 * or one list per engine, whose values advance together (point k takes each engine's k-th value, a shorter
 * list keeping its last one; engines without a list keep the stack's). A message naming the conflict
 * otherwise: a list for every engine with lists per engine, or one engine given twice.
 */
export function parallelismPoints(lists: readonly ParallelismList[]): Partial<Parallelism>[] | string {
  if (lists.length === 0) return [];
  const shared = lists.filter((list) => list.engine === undefined);
  if (shared.length > 0 && lists.length > 1)
    return 'give either one list for every engine (--parallelism 1,2,4) or one list per engine (--parallelism flink=1,2 --parallelism baseline=1,2), not both';
  const seen = new Set<Engine>();
  for (const list of lists) {
    if (list.engine === undefined) continue;
    if (seen.has(list.engine)) return `"${list.engine}" is given twice`;
    seen.add(list.engine);
  }
  const steps = Math.max(...lists.map((list) => list.values.length));
  return Array.from({ length: steps }, (_, k) => {
    const point: Partial<Parallelism> = {};
    for (const list of lists) {
      const value = list.values[Math.min(k, list.values.length - 1)] as number;
      for (const engine of list.engine === undefined ? ENGINES : [list.engine]) point[engine] = value;
    }
    return point;
  });
}

/**
 * A parsed value, or the message saying what is wrong with it; the value is wrapped, so that one that is itself
 * a string (`realtime`) is never taken for a message.
 */
export type Item<T> = { value: T } | string;

function ok<T>(parsed: T | string): Item<T> {
  return typeof parsed === 'string' ? parsed : { value: parsed };
}

function mapItems<T>(text: string, parse: (item: string) => Item<T>): T[] | string {
  const items = parseList(text);
  if (typeof items === 'string') return items;
  const values: T[] = [];
  for (const item of items) {
    const parsed = parse(item);
    if (typeof parsed === 'string') return parsed;
    values.push(parsed.value);
  }
  if (new Set(values).size !== values.length) return `"${text}" lists a value twice`;
  return values;
}
