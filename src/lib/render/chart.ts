/**
 * Line charts as self-contained SVG strings, for the HTML report: no script, no external file, so a report
 * opens anywhere and can be attached to an issue as it is. Pure functions of their input.
 */

/** One line of a chart. */
export interface Series {
  /** Legend text. */
  name: string;
  /** Points in data units, in drawing order; null y values break the line. */
  points: readonly (readonly [number, number | null])[];
  /** Stroke colour (CSS). */
  color: string;
  /** Dashed stroke (e.g. the offered rate beside committed rates). */
  dashed?: boolean;
  /** Draw as a step function (a CDF), not straight segments. */
  step?: boolean;
  /** Mark every point with a dot (few points, e.g. a sweep's). */
  markers?: boolean;
}

/** What to draw. */
export interface ChartSpec {
  /** Title above the plot. */
  title: string;
  /** Axis labels. */
  xLabel: string;
  yLabel: string;
  /** Lines. */
  series: readonly Series[];
  /** Logarithmic x axis (values ≤ 0 are left out and counted in the caption). */
  xLog?: boolean;
  /** Tick label formats; default: the number with up to 3 significant digits. */
  formatX?: (value: number) => string;
  formatY?: (value: number) => string;
  /** Fixed y range, e.g. [0, 1] for a CDF; default from the data, starting at 0 when all values are ≥ 0. */
  yRange?: readonly [number, number];
  /** An x range to shade grey with a label, e.g. the warm-up excluded from the figures. */
  shade?: { from: number; to: number; label: string };
  /** Logarithmic y axis (values ≤ 0 are left out and counted in the caption), e.g. latencies of ms and s. */
  yLog?: boolean;
  /** Vertical lines at these x values with a label, e.g. the faults injected during a run. */
  events?: readonly { x: number; label: string }[];
}

const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { left: 84, right: 16, top: 36, bottom: 64 };

/** Escapes text for SVG and HTML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) covering [min, max]. */
export function linearTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

/** Powers of ten within [min, max] (both > 0), with 2 and 5 between them when the range spans few decades. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0)) return [];
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  const multipliers = high - low <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = low; e <= high; e++) {
    for (const m of multipliers) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min && v <= max) ticks.push(v);
    }
  }
  return ticks;
}

function defaultFormat(value: number): string {
  return Number(value.toPrecision(3)).toLocaleString('en-US');
}

/** The chart as an `<svg>` element; a chart with no drawable point says so instead of drawing empty axes. */
export function lineChart(spec: ChartSpec): string {
  const formatX = spec.formatX ?? defaultFormat;
  const formatY = spec.formatY ?? defaultFormat;
  let hidden = 0;
  const series = spec.series.map((s) => ({
    ...s,
    points: s.points.filter(([x, y]) => {
      const keep = Number.isFinite(x) && (!spec.xLog || x > 0) && (!spec.yLog || y === null || y > 0);
      if (!keep && y !== null) hidden++;
      return keep;
    }),
  }));
  const drawn = series.flatMap((s) => s.points.filter((p): p is [number, number] => p[1] !== null));
  const title = `<text x="${MARGIN.left}" y="20" class="title">${escapeXml(spec.title)}</text>`;
  if (drawn.length === 0) {
    return svg(`${title}<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no data</text>`);
  }
  const xs = drawn.map(([x]) => x);
  const ys = drawn.map(([, y]) => y);
  const [xMin, xMax] = widen(Math.min(...xs), Math.max(...xs));
  const [yMin, yMax] =
    spec.yRange ??
    (spec.yLog ? widen(Math.min(...ys), Math.max(...ys)) : widen(Math.min(0, ...ys), Math.max(...ys)));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) =>
    MARGIN.left +
    (spec.xLog
      ? ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * plotW
      : ((x - xMin) / (xMax - xMin)) * plotW);
  const sy = (y: number) =>
    MARGIN.top +
    plotH -
    (spec.yLog
      ? (Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))
      : (y - yMin) / (yMax - yMin)) *
      plotH;
  const xTicks = spec.xLog ? logTicks(xMin, xMax) : linearTicks(xMin, xMax);
  const yTicks = spec.yLog ? logTicks(yMin, yMax) : linearTicks(yMin, yMax);
  const parts: string[] = [title];
  if (spec.shade && spec.shade.to > spec.shade.from) {
    const from = sx(Math.max(spec.shade.from, xMin));
    const to = sx(Math.min(spec.shade.to, xMax));
    if (to > from) {
      parts.push(
        `<rect x="${f(from)}" y="${MARGIN.top}" width="${f(to - from)}" height="${plotH}" class="shade"/>`,
        `<text x="${f(from + 4)}" y="${MARGIN.top + 12}" class="note">${escapeXml(spec.shade.label)}</text>`,
      );
    }
  }
  for (const event of spec.events ?? []) {
    if (event.x < xMin || event.x > xMax) continue;
    const x = f(sx(event.x));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" class="event"/>`,
      `<text x="${x}" y="${MARGIN.top - 4}" text-anchor="middle" class="note">${escapeXml(event.label)}</text>`,
    );
  }
  for (const t of yTicks) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(sy(t))}" y2="${f(sy(t))}" class="grid"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(sy(t) + 4)}" text-anchor="end">${escapeXml(formatY(t))}</text>`,
    );
  }
  for (const t of xTicks) {
    parts.push(
      `<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" class="grid"/>`,
      `<text x="${f(sx(t))}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${escapeXml(formatX(t))}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" class="frame"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 28}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  for (const s of series) {
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    for (const run of unbrokenRuns(s.points)) {
      const [[x0, y0]] = run as [[number, number]];
      // A point with no neighbour (e.g. one micro-batch between idle seconds) is drawn as a dot.
      if (run.length === 1) {
        parts.push(`<circle cx="${f(sx(x0))}" cy="${f(sy(y0))}" r="2.5" fill="${escapeXml(s.color)}"/>`);
        continue;
      }
      const to = run
        .slice(1)
        .map(([x, y]) => (s.step ? `H${f(sx(x))}V${f(sy(y))}` : `L${f(sx(x))},${f(sy(y))}`));
      const d = `M${f(sx(x0))},${f(sy(y0))}${to.join('')}`;
      parts.push(`<path d="${d}" stroke="${escapeXml(s.color)}"${dash} class="line"/>`);
    }
  }
  for (const s of series.filter((one) => one.markers)) {
    for (const [x, y] of s.points) {
      if (y !== null)
        parts.push(`<circle cx="${f(sx(x))}" cy="${f(sy(y))}" r="3" fill="${escapeXml(s.color)}"/>`);
    }
  }
  let legendX = MARGIN.left;
  for (const s of series) {
    const y = HEIGHT - 8;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<line x1="${legendX}" x2="${legendX + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${escapeXml(s.color)}"${dash} class="line"/>`,
      `<text x="${legendX + 22}" y="${y}">${escapeXml(s.name)}</text>`,
    );
    legendX += 30 + s.name.length * 7;
  }
  if (hidden > 0) {
    parts.push(
      `<text x="${WIDTH - MARGIN.right}" y="20" text-anchor="end" class="note">${hidden} point${hidden === 1 ? '' : 's'} at or below 0 not shown on the log axis</text>`,
    );
  }
  return svg(parts.join(''));
}

/** A range with room: equal ends are pulled apart so nothing divides by zero. */
function widen(min: number, max: number): [number, number] {
  if (max > min) return [min, max];
  return min === 0 ? [0, 1] : [min * 0.9, max * 1.1];
}

/** The runs of points between nulls (a null y breaks the line), each non-empty. */
function unbrokenRuns(points: readonly (readonly [number, number | null])[]): [number, number][][] {
  const runs: [number, number][][] = [[]];
  for (const [x, y] of points) {
    if (y !== null) (runs[runs.length - 1] as [number, number][]).push([x, y]);
    else if ((runs[runs.length - 1] as [number, number][]).length > 0) runs.push([]);
  }
  return runs.filter((run) => run.length > 0);
}

function f(value: number): string {
  return value.toFixed(1);
}

function svg(body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" class="chart" role="img">${body}</svg>`;
}
