import { describe, expect, it } from 'vitest';
import { escapeXml, lineChart, linearTicks, logTicks } from './chart.js';

describe('chart axes', () => {
  it('puts linear ticks on round values 1, 2 or 5 times a power of ten apart', () => {
    expect(linearTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(linearTicks(0, 0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(linearTicks(120, 980)).toEqual([200, 400, 600, 800]);
    expect(linearTicks(3, 3)).toEqual([3]);
  });

  it('puts log ticks on powers of ten, with 2 and 5 between them over a short range', () => {
    expect(logTicks(1, 10_000)).toEqual([1, 10, 100, 1000, 10_000]);
    expect(logTicks(3, 80)).toEqual([5, 10, 20, 50]);
    expect(logTicks(0, 10)).toEqual([]);
  });
});

describe('lineChart', () => {
  const base = { title: 'Latency <p99> & more', xLabel: 'x', yLabel: 'y' };

  it('draws one path per unbroken run of points, a dot for a lone point, and escapes text', () => {
    const svg = lineChart({
      ...base,
      series: [
        {
          name: 'spark',
          color: '#e25a1c',
          points: [
            [0, 1],
            [1, 2],
            [2, null],
            [3, 4],
            [4, null],
            [5, 2],
            [6, 3],
          ],
        },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)?.length).toBe(2);
    expect(svg.match(/<circle /g)?.length).toBe(1);
    expect(svg).toContain('Latency &#60;p99&#62; &#38; more');
    expect(svg).not.toContain('NaN');
  });

  it('says there is no data instead of drawing empty axes', () => {
    expect(lineChart({ ...base, series: [{ name: 'a', color: '#000', points: [[1, null]] }] })).toContain(
      'no data',
    );
  });

  it('leaves values at or below zero off a log axis and says how many', () => {
    const svg = lineChart({
      ...base,
      xLog: true,
      series: [
        {
          name: 'a',
          color: '#000',
          step: true,
          points: [
            [-0.3, 0.1],
            [1, 0.5],
            [100, 1],
          ],
        },
      ],
    });
    expect(svg).toContain('1 point at or below 0 not shown on the log axis');
    expect(svg).toMatch(/d="M[\d.]+,[\d.]+H[\d.]+V[\d.]+"/);
  });

  it('escapes every character that could break out of SVG or HTML', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
  it('shades a labelled x range, such as the warm-up excluded from the figures', () => {
    const svg = lineChart({
      ...base,
      shade: { from: 0, to: 5, label: 'warm-up' },
      series: [
        {
          name: 'a',
          color: '#000',
          points: [
            [0, 1],
            [10, 2],
          ],
        },
      ],
    });
    expect(svg).toMatch(/<rect x="[\d.]+" y="36" width="[\d.]+" height="[\d.]+" class="shade"\/>/);
    expect(svg).toContain('>warm-up</text>');
  });
});

describe('lineChart on a log y axis with events', () => {
  it('spreads milliseconds and seconds over decades, leaves out values at or below 0, and marks events', () => {
    const svg = lineChart({
      title: 'p99',
      xLabel: 's',
      yLabel: 'ms',
      yLog: true,
      events: [{ x: 2, label: 'flink:kill@2s' }],
      series: [
        {
          name: 'flink',
          color: '#b0307a',
          points: [
            [0, 10],
            [1, 0],
            [2, 100],
            [3, 10_000],
          ],
        },
      ],
    });
    expect(svg).toContain('>10,000<');
    expect(svg).toContain('>100<');
    expect(svg).toContain('1 point at or below 0 not shown on the log axis');
    expect(svg).toContain('class="event"');
    expect(svg).toContain('>flink:kill@2s</text>');
  });
});
