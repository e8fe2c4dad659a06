import { describe, expect, it } from 'vitest';
import { perSecondFromCumulative, recoveryFigures, type RecoverySecond } from './recovery.js';

const S = 1_000_000;
const T0 = 1_700_000_000 * S;

/**
 * A hand-made run: 100 events/s produced every second; `committed[i]` and `p99Ms[i]` per second (null p99 when
 * nothing was committed).
 */
function series(committed: number[], p99Ms: (number | null)[]): RecoverySecond[] {
  return committed.map((c, i) => ({
    startUs: T0 + i * S,
    producedEvents: 100,
    committedEvents: c,
    p99Us: p99Ms[i] === null || p99Ms[i] === undefined ? null : (p99Ms[i] as number) * 1000,
  }));
}

describe('recoveryFigures', () => {
  // 10 normal seconds (p99 50 ms), the job killed at 10.0 s, nothing for 4 s, catch-up at 14–15 s, normal from 16 s.
  const committed = [...Array(10).fill(100), 0, 0, 0, 0, 300, 200, 100, 100, 100, 100];
  const p99 = [...Array(10).fill(50), null, null, null, null, 4000, 900, 60, 55, 50, 50];

  it('measures downtime from the fault to the first commit of a row produced after it', () => {
    const figures = recoveryFigures({
      faultUs: T0 + 10 * S,
      seconds: series(committed, p99),
      firstCommitAfterFaultUs: T0 + 14 * S + 250_000,
    });
    expect(figures.downtimeUs).toBe(4_250_000);
  });

  it('recovers at the first second with p99 within 2x the pre-fault level and the backlog drained', () => {
    const figures = recoveryFigures({
      faultUs: T0 + 10 * S,
      seconds: series(committed, p99),
      firstCommitAfterFaultUs: T0 + 14 * S + 250_000,
    });
    expect(figures.preFaultP99Us).toBe(50_000);
    expect(figures.p99BoundUs).toBe(100_000);
    // Second 15: p99 900 ms > 100 ms; second 16: 60 ms and the backlog back to 0 → recovered 6 s after the fault.
    expect(figures.recoveryUs).toBe(6 * S);
    expect(figures.peakP99Us).toBe(4_000_000);
    // Backlog after second 13: 400 produced, none committed.
    expect(figures.peakBacklogEvents).toBe(400);
    expect(figures.notes).toEqual([]);
  });

  describe('an effect that comes late (a JobManager killed: the tasks run on until the TaskManagers notice)', () => {
    // Normal to 10 s, the fault at 10.0 s, still delivering to 15 s, nothing from 15 to 19 s, catch-up, normal from 20 s.
    const late = [...Array(15).fill(100), 0, 0, 0, 0, 500, 100, 100, 100, 100, 100];
    const lateP99 = [...Array(15).fill(50), null, null, null, null, 5000, 60, 50, 50, 50, 50];

    it("counts an outage after a first recovery and before the next fault as the fault's, saying so", () => {
      const figures = recoveryFigures({
        faultUs: T0 + 10 * S,
        seconds: series(late, lateP99),
        firstCommitAfterFaultUs: T0 + 10 * S + 400_000,
      });
      expect(figures.downtimeUs).toBe(400_000);
      // Looked recovered at 11 s; nothing from 15 s (a second's events still count as drained, so the outage
      // shows from 16 s); normal and drained again from 20 s.
      expect(figures.recoveryUs).toBe(10 * S);
      expect(figures.peakP99Us).toBe(5_000_000);
      expect(figures.notes).toEqual([
        'the engine stopped delivering again 6 s after the fault (it looked recovered at 1 s), before any other fault hit it: recovery counts from the end of that outage',
      ]);
    });

    it('leaves an outage that begins after the next fault to that fault', () => {
      const figures = recoveryFigures({
        faultUs: T0 + 10 * S,
        seconds: series(late, lateP99),
        firstCommitAfterFaultUs: T0 + 10 * S + 400_000,
        horizonUs: T0 + 14 * S,
      });
      expect(figures.recoveryUs).toBe(1 * S);
      expect(figures.notes).toEqual([]);
    });

    it('does not take a while of high latency with commits every second for an outage', () => {
      const slow = [...Array(30).fill(100)];
      const slowP99 = [...Array(15).fill(50), 400, 400, 400, 400, 400, ...Array(10).fill(50)];
      const figures = recoveryFigures({
        faultUs: T0 + 10 * S,
        seconds: series(slow, slowP99),
        firstCommitAfterFaultUs: T0 + 10 * S + 400_000,
      });
      expect(figures.recoveryUs).toBe(1 * S);
    });
  });

  it('does not count a low p99 as recovered while the backlog is still there', () => {
    // The engine commits at the offered rate with a low p99 but never catches up the 400 it missed.
    const stuck = [...Array(10).fill(100), 0, 0, 0, 0, 100, 100, 100, 100, 100, 100];
    const low = [...Array(10).fill(50), null, null, null, null, 50, 50, 50, 50, 50, 50];
    const figures = recoveryFigures({
      faultUs: T0 + 10 * S,
      seconds: series(stuck, low),
      firstCommitAfterFaultUs: T0 + 14 * S,
    });
    expect(figures.recoveryUs).toBeNull();
    expect(figures.notes).toContain('the engine did not get back to normal before the run ended');
    expect(figures.incidentEndUs).toBe(T0 + 20 * S);
  });

  it('does not count one good second as recovered when the next is bad again', () => {
    const flap = [...Array(10).fill(100), 0, 0, 400, 100, 100, 100, 100, 100];
    const p = [...Array(10).fill(50), null, null, 60, 900, 50, 50, 50, 50];
    const figures = recoveryFigures({
      faultUs: T0 + 10 * S + 500_000,
      seconds: series(flap, p),
      firstCommitAfterFaultUs: T0 + 12 * S,
    });
    // Second 12 is good, 13 is not; from 14 on it holds for 3 seconds.
    expect(figures.recoveryUs).toBe(3_500_000);
  });

  it('lets seconds without commits pass once the backlog is drained (Spark between micro-batches)', () => {
    const batches = [...Array(10).fill(100), 0, 0, 400, 0, 200, 0, 200, 0];
    const p = [...Array(10).fill(900), null, null, 2500, null, 1000, null, 1000, null];
    const figures = recoveryFigures({
      faultUs: T0 + 10 * S,
      seconds: series(batches, p),
      firstCommitAfterFaultUs: T0 + 12 * S + 100_000,
    });
    expect(figures.recoveryUs).toBe(4 * S);
  });

  it('says so when nothing before the fault gives a normal level, or nothing after it was committed', () => {
    const figures = recoveryFigures({
      faultUs: T0,
      seconds: series([0, 0, 0], [null, null, null]),
      firstCommitAfterFaultUs: null,
    });
    expect(figures.downtimeUs).toBeNull();
    expect(figures.recoveryUs).toBeNull();
    expect(figures.preFaultP99Us).toBeNull();
    expect(figures.notes).toEqual([
      'no commits before the fault, so there is no normal level to recover to',
      'nothing produced after the fault was committed',
    ]);
  });

  it('handles an empty series', () => {
    const figures = recoveryFigures({ faultUs: T0, seconds: [], firstCommitAfterFaultUs: null });
    expect(figures.peakP99Us).toBeNull();
    expect(figures.peakBacklogEvents).toBe(0);
    expect(figures.incidentEndUs).toBe(T0);
  });

  it("does not count the fault's own second, which still holds commits from before the fault, as recovered", () => {
    const quick = [...Array(10).fill(100), 60, 0, 240, 100, 100, 100];
    const p = [...Array(10).fill(50), 50, null, 1500, 50, 50, 50];
    const figures = recoveryFigures({
      faultUs: T0 + 10 * S + 600_000,
      seconds: series(quick, p),
      firstCommitAfterFaultUs: T0 + 12 * S + 200_000,
    });
    expect(figures.recoveryUs).toBe(2_400_000);
  });

  it('does not count seconds before the first commit after the fault as recovered', () => {
    const figures = recoveryFigures({
      faultUs: T0 + 10 * S,
      seconds: series([...Array(13).fill(100)], [...Array(13).fill(50)]),
      firstCommitAfterFaultUs: null,
    });
    expect(figures.recoveryUs).toBeNull();
  });

  it('never reports a recovery sooner than the first commit after the fault (a slow engine whose bound is seconds)', () => {
    // Spark-like: p99 5 s before the fault at 10.0 s; the restarted job's first commit at 11.9 s falls in a
    // second that is normal by its p99 (3 s) and backlog; the engine was not back before 11.9 s.
    const figures = recoveryFigures({
      faultUs: T0 + 10 * S,
      seconds: series(
        [...Array(10).fill(100), 0, 200, 100, 100],
        [...Array(10).fill(5000), null, 3000, 5000, 5000],
      ),
      firstCommitAfterFaultUs: T0 + 11 * S + 900_000,
    });
    expect(figures.downtimeUs).toBe(1_900_000);
    expect(figures.recoveryUs).toBe(1_900_000);
    expect(figures.incidentEndUs).toBe(T0 + 11 * S + 900_000);
  });

  it('leaves the warm-up out of the normal level, which would otherwise let a slow recovery pass as normal', () => {
    // 5 warm-up seconds at p99 2 s, then 5 at 50 ms; after the fault the engine settles at 150 ms: 3x normal.
    const committed = [...Array(10).fill(100), 0, 200, ...Array(8).fill(100)];
    const p = [...Array(5).fill(2000), ...Array(5).fill(50), null, 400, ...Array(8).fill(150)];
    const input = {
      faultUs: T0 + 10 * S,
      seconds: series(committed, p),
      firstCommitAfterFaultUs: T0 + 11 * S,
    };
    // Without the warm-up left out, the median of 2 s and 50 ms seconds makes 150 ms look normal.
    expect(recoveryFigures(input).recoveryUs).toBe(1 * S);
    const figures = recoveryFigures({ ...input, normalFromUs: T0 + 5 * S });
    expect(figures.preFaultP99Us).toBe(50_000);
    expect(figures.recoveryUs).toBeNull();
  });

  it("leaves an earlier fault's incident out of a later fault's normal level, and says so when nothing else is left", () => {
    // A first incident from 3 s to 9 s at p99 3 s; the second fault at 12 s; after it the engine sits at 400 ms.
    const committed = [...Array(20).fill(100)];
    const p = [
      50, 50, 50, 3000, 3000, 3000, 3000, 3000, 3000, 50, 50, 50, 400, 400, 400, 400, 400, 400, 400, 400,
    ];
    const input = {
      faultUs: T0 + 12 * S,
      seconds: series(committed, p),
      firstCommitAfterFaultUs: T0 + 12 * S,
    };
    expect(recoveryFigures(input).recoveryUs).not.toBeNull();
    const figures = recoveryFigures({ ...input, disturbedUs: [{ startUs: T0 + 3 * S, endUs: T0 + 9 * S }] });
    expect(figures.preFaultP99Us).toBe(50_000);
    expect(figures.recoveryUs).toBeNull();
    const nothingLeft = recoveryFigures({ ...input, disturbedUs: [{ startUs: T0, endUs: T0 + 12 * S }] });
    expect(nothingLeft.notes).toContain(
      'no undisturbed second before the fault: its normal level includes warm-up or an earlier incident',
    );
  });
});

describe('perSecondFromCumulative', () => {
  it('carries the events of seconds without a report into the next report, so none is lost from a sum', () => {
    // Reports at 300, 600, (none in second 2), 1200, (none in 4 and 5).
    expect(perSecondFromCumulative([300, 600, undefined, 1200], 6)).toEqual([300, 300, 0, 600, 0, 0]);
    expect(perSecondFromCumulative([], 2)).toEqual([0, 0]);
  });
});
