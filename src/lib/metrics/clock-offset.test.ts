import { describe, expect, it } from 'vitest';
import {
  clockUncertaintyShare,
  combineClockEstimates,
  estimateClockOffset,
  type ClockEstimate,
  type ClockSample,
} from './clock-offset.js';

describe('estimateClockOffset', () => {
  it('takes the round trip with the smallest RTT even when it is not the first', () => {
    const samples: ClockSample[] = [
      // RTT 1000 µs, midpoint 1_000_500: offset +400.
      { sentUs: 1_000_000, serverUs: 1_000_900, receivedUs: 1_001_000 },
      // RTT 200 µs, midpoint 2_000_100: offset +30 ± 100.
      { sentUs: 2_000_000, serverUs: 2_000_130, receivedUs: 2_000_200 },
      // RTT 600 µs, midpoint 3_000_300: offset −250.
      { sentUs: 3_000_000, serverUs: 3_000_050, receivedUs: 3_000_600 },
    ];
    expect(estimateClockOffset(samples)).toEqual({
      offsetUs: 30,
      uncertaintyUs: 100,
      atUs: 2_000_100,
      samples: 3,
    });
  });

  it('keeps the true offset within ± the uncertainty when the delay is all on one side', () => {
    // The server is 5 ms ahead. The query takes 900 µs to arrive and the answer 100 µs to come back.
    const asymmetric = estimateClockOffset([
      { sentUs: 10_000_000, serverUs: 10_000_900 + 5_000, receivedUs: 10_001_000 },
    ]) as ClockEstimate;
    expect(asymmetric).toMatchObject({ offsetUs: 5_400, uncertaintyUs: 500 });
    expect(Math.abs(asymmetric.offsetUs - 5_000)).toBeLessThanOrEqual(asymmetric.uncertaintyUs);
    // The extreme: every microsecond of the round trip on the way there; the bound still holds, exactly.
    const extreme = estimateClockOffset([
      { sentUs: 10_000_000, serverUs: 10_001_000 + 5_000, receivedUs: 10_001_000 },
    ]) as ClockEstimate;
    expect(extreme).toMatchObject({ offsetUs: 5_500, uncertaintyUs: 500 });
    expect(Math.abs(extreme.offsetUs - 5_000)).toBeLessThanOrEqual(extreme.uncertaintyUs);
  });

  it('takes the first of equally short round trips', () => {
    const estimate = estimateClockOffset([
      { sentUs: 0, serverUs: 70, receivedUs: 100 },
      { sentUs: 1_000, serverUs: 1_010, receivedUs: 1_100 },
    ]);
    expect(estimate).toMatchObject({ offsetUs: 20, uncertaintyUs: 50, atUs: 50 });
  });

  it('ignores a round trip that ends before it starts, and gives null when nothing is left', () => {
    expect(
      estimateClockOffset([
        { sentUs: 500, serverUs: 0, receivedUs: 400 },
        { sentUs: 1_000, serverUs: 1_300, receivedUs: 1_400 },
      ]),
    ).toMatchObject({ offsetUs: 100, uncertaintyUs: 200, samples: 1 });
    expect(estimateClockOffset([{ sentUs: 500, serverUs: 0, receivedUs: 400 }])).toBeNull();
    expect(estimateClockOffset([])).toBeNull();
  });
});

const estimate = (offsetUs: number, uncertaintyUs: number, atUs: number): ClockEstimate => ({
  offsetUs,
  uncertaintyUs,
  atUs,
  samples: 20,
});

describe('combineClockEstimates', () => {
  it('applies nothing on one host and records what was measured there', () => {
    const clock = combineClockEstimates({
      start: estimate(20, 50, 1_000_000),
      end: estimate(-10, 40, 61_000_000),
      oneHost: true,
      samples: 20,
    });
    expect(clock).toEqual({
      startOffsetUs: 20,
      startUncertaintyUs: 50,
      endOffsetUs: -10,
      endUncertaintyUs: 40,
      // −30 µs over 60 s.
      driftPpm: -0.5,
      oneHost: true,
      appliedOffsetUs: 0,
      appliedUncertaintyUs: 0,
      samples: 20,
      problems: [],
    });
  });

  it('applies the mean of start and end across hosts, widened by half the drift between them', () => {
    const clock = combineClockEstimates({
      start: estimate(12_000, 300, 1_000_000),
      end: estimate(12_600, 200, 121_000_000),
      oneHost: false,
      samples: 20,
    });
    // Mean 12 300; the larger uncertainty 300 + half the 600 µs drift.
    expect(clock).toMatchObject({ appliedOffsetUs: 12_300, appliedUncertaintyUs: 600, driftPpm: 5 });
  });

  it('applies the one estimate it has, rounded to whole µs with the rounding in the uncertainty', () => {
    const clock = combineClockEstimates({
      start: estimate(100.5, 10, 0),
      end: null,
      oneHost: false,
      samples: 20,
      problems: ['the end estimate failed: connection refused'],
    });
    expect(clock).toMatchObject({
      appliedOffsetUs: 101,
      appliedUncertaintyUs: 10.5,
      endOffsetUs: null,
      driftPpm: null,
      problems: ['the end estimate failed: connection refused'],
    });
  });

  it('applies nothing with an unknown uncertainty when two hosts gave no estimate', () => {
    const clock = combineClockEstimates({ start: null, end: null, oneHost: false, samples: 20 });
    expect(clock).toMatchObject({ appliedOffsetUs: 0, appliedUncertaintyUs: null });
  });
});

describe('clockUncertaintyShare', () => {
  const acrossHosts = combineClockEstimates({
    start: estimate(12_000, 300, 0),
    end: estimate(12_600, 200, 120_000_000),
    oneHost: false,
    samples: 20,
  });

  it('gives the share of the p50 when the uncertainty is more than 5% of it', () => {
    expect(clockUncertaintyShare(acrossHosts, 10_000)).toBeCloseTo(0.06, 10);
  });

  it('gives null when the uncertainty is 5% of the p50 or less, or there is no p50', () => {
    expect(clockUncertaintyShare(acrossHosts, 12_000)).toBeNull();
    expect(clockUncertaintyShare(acrossHosts, 20_000)).toBeNull();
    expect(clockUncertaintyShare(acrossHosts, null)).toBeNull();
  });

  it('never notes one host, and always notes an unknown offset across hosts', () => {
    const oneHost = combineClockEstimates({
      start: estimate(3, 400, 0),
      end: null,
      oneHost: true,
      samples: 20,
    });
    expect(clockUncertaintyShare(oneHost, 1_000)).toBeNull();
    const unknown = combineClockEstimates({ start: null, end: null, oneHost: false, samples: 20 });
    expect(clockUncertaintyShare(unknown, 1_000_000)).toBe(Number.POSITIVE_INFINITY);
  });
});
