/** Named figures of one engine in one run (e.g. `latency_e2e_p99_us`), null where not measured. */
export type Figures = Readonly<Record<string, number | null>>;

/** How one figure changed between two runs. */
export interface Change {
  /** Value in the earlier run. */
  before: number | null;
  /** Value in the later run. */
  after: number | null;
  /** after − before, in the figure's unit; null when either is missing. */
  absolute: number | null;
  /** (after − before) / |before| · 100; null when either is missing or before is 0. */
  percent: number | null;
}

/**
 * numerator / denominator, as in "spark / flink p99: 31.2x". Null when either is missing or not finite,
 * when the denominator is ≤ 0 (no meaningful multiple of zero or of a negative latency) or when the
 * numerator is negative.
 */
export function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null) return null;
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator)) return null;
  if (denominator <= 0 || numerator < 0) return null;
  return numerator / denominator;
}

/** Change of a figure from `before` to `after`: absolute = after − before, percent = absolute / |before| · 100. */
export function change(before: number | null, after: number | null): Change {
  const absolute = before === null || after === null ? null : after - before;
  const percent = absolute === null || before === 0 ? null : (absolute / Math.abs(before as number)) * 100;
  return { before, after, absolute, percent };
}

/**
 * What an engine adds over the floor (docs/measurement.md#floor-and-engine-overhead: engine overhead = engine latency − baseline latency),
 * in the figure's unit; null when either is missing.
 */
export function overheadOverFloor(engineValue: number | null, floorValue: number | null): number | null {
  return engineValue === null || floorValue === null ? null : engineValue - floorValue;
}

/** An engine's figure below the floor's: the floor engine was not the floor in that run. */
export interface BelowFloor {
  /** The engine that beat the floor. */
  engine: string;
  /** The figure, e.g. `latency_e2e_p50_us`. */
  figure: string;
  /** The engine's value. */
  engineValue: number;
  /** The floor engine's value. */
  floorValue: number;
  /** {@link overheadOverFloor}: engine − floor, negative here. */
  overhead: number;
}

/**
 * Every (engine, figure) whose {@link overheadOverFloor} is negative: a latency an engine reached below the
 * floor engine's (docs/floor.md). The floor engine itself and missing figures are skipped.
 */
export function belowFloor(
  figuresByEngine: Readonly<Record<string, Figures>>,
  floorEngine: string,
  figureNames: readonly string[],
): BelowFloor[] {
  const floor = figuresByEngine[floorEngine];
  if (!floor) return [];
  return Object.entries(figuresByEngine).flatMap(([engine, figures]) =>
    engine === floorEngine
      ? []
      : figureNames.flatMap((figure) => {
          const engineValue = figures[figure] ?? null;
          const floorValue = floor[figure] ?? null;
          const overhead = overheadOverFloor(engineValue, floorValue);
          return overhead === null || overhead >= 0
            ? []
            : [
                {
                  engine,
                  figure,
                  engineValue: engineValue as number,
                  floorValue: floorValue as number,
                  overhead,
                },
              ];
        }),
  );
}

/** {@link ratio} a / b of every figure named in either set (a figure missing on one side gives null). */
export function ratioFigures(a: Figures, b: Figures): Record<string, number | null> {
  return Object.fromEntries(figureNames(a, b).map((name) => [name, ratio(a[name] ?? null, b[name] ?? null)]));
}

/** {@link change} of every figure named in either set, from `before` to `after`. */
export function changeFigures(before: Figures, after: Figures): Record<string, Change> {
  return Object.fromEntries(
    figureNames(before, after).map((name) => [name, change(before[name] ?? null, after[name] ?? null)]),
  );
}

function figureNames(a: Figures, b: Figures): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}
