import { percentileCont, sortAscending } from './summary.js';

/**
 * Recovery of one engine from one fault (docs/measurement.md#faults-and-recovery), from its per-second series: how long it delivered
 * nothing new, how long until it was back to normal, how bad it got. Pure: no I/O, no clock.
 */

/** One second of one engine, aligned with the producer's seconds. */
export interface RecoverySecond {
  /** Start of the second, epoch µs. */
  startUs: number;
  /** Events the producer sent in that second; null when unknown (counted as 0). */
  producedEvents: number | null;
  /** Rows the engine committed in that second. */
  committedEvents: number;
  /** p99 of end-to-end latency of the rows committed in that second, µs; null when none was committed. */
  p99Us: number | null;
}

/** What {@link recoveryFigures} needs. */
export interface RecoveryInput {
  /** When the fault was injected, epoch µs. */
  faultUs: number;
  /** Per-second series of the whole run, in order, one second apart. */
  seconds: readonly RecoverySecond[];
  /**
   * Commit time of the first row produced at or after the fault, epoch µs (from PostgreSQL); null when no such
   * row was committed. Rows produced before the fault may still flow out of buffers just after it (a consumer
   * still flushes what it had fetched when the broker dies), which would make an outage of seconds look like
   * one of milliseconds; a row produced after the fault had to pass the whole pipeline after it.
   */
  firstCommitAfterFaultUs: number | null;
  /** Seconds before the fault whose p99 and backlog define "normal"; default 30. */
  baselineSeconds?: number;
  /**
   * Seconds that do not show "normal" and are left out of it: the warm-up (seconds starting before this, epoch
   * µs) and earlier incidents (`disturbedUs`, e.g. fault to recovery of an earlier fault of the run). A warm-up
   * second's p99 or an earlier outage's backlog would raise the level to recover to, and so report a recovery
   * sooner than it was. When nothing before the fault is left, every second before it counts, and a note says so.
   */
  normalFromUs?: number;
  /** Spans (epoch µs, end exclusive) left out of "normal"; see `normalFromUs`. */
  disturbedUs?: readonly { startUs: number; endUs: number }[];
  /** Seconds the engine must stay normal to count as recovered (null-p99 seconds do not break it); default 3. */
  stableSeconds?: number;
  /**
   * Where this fault's incident must have ended, epoch µs: the next fault that hits the engine; default the end
   * of the series. An outage that begins after a first recovery and before it is this fault's too.
   */
  horizonUs?: number;
  /** p99 counts as normal up to this multiple of the pre-fault level; default 2. */
  p99Factor?: number;
}

/** Recovery figures of one engine from one fault. */
export interface RecoveryFigures {
  /** Fault to the first commit of a row produced after it, µs; null when nothing produced after it was committed. */
  downtimeUs: number | null;
  /**
   * Fault to the start of the first second from which the engine stays normal (p99 within `p99Factor` × the
   * pre-fault level and backlog drained) for `stableSeconds`, after the last outage before the next fault, µs;
   * null when it did not recover in the run.
   */
  recoveryUs: number | null;
  /** Median of the per-second p99 over the seconds before the fault, µs; null when no second before it had commits. */
  preFaultP99Us: number | null;
  /** The p99 bound of "normal": p99Factor × preFaultP99Us, µs. */
  p99BoundUs: number | null;
  /** Highest per-second p99 from the fault to recovery (or the end of the run), µs; null when nothing committed. */
  peakP99Us: number | null;
  /** Largest backlog (produced − committed since the run started) from the fault on, events. */
  peakBacklogEvents: number;
  /** End of the incident: recovery, or the end of the series when it did not recover, epoch µs. */
  incidentEndUs: number;
  /** Why a figure is null, one sentence each; empty when all were measured. */
  notes: string[];
}

/**
 * Recovery figures: downtime = firstCommitAfterFault − fault. Backlog(t) = Σ produced − Σ committed over the
 * seconds up to t; it counts as drained when at most max(2 × the pre-fault median backlog, the events of one
 * second of the pre-fault median rate), since a healthy engine always has up to its latency's worth of events in
 * flight and the series has one-second resolution. Recovered at the first second s after the fault with
 * commits, p99(s) ≤ p99Factor × pre-fault median p99 and backlog drained, which stays so (seconds without
 * commits excepted, when the backlog is drained) for `stableSeconds` or to the end of the series. The search
 * starts at the first whole second after the fault that ends after the first commit after it, and recovery is
 * never before that commit (recoveryUs ≥ downtimeUs). "Pre-fault" is the last `baselineSeconds` seconds before
 * the fault's own, without the warm-up and earlier incidents (`normalFromUs`, `disturbedUs`).
 */
export function recoveryFigures(input: RecoveryInput): RecoveryFigures {
  const baselineSeconds = input.baselineSeconds ?? 30;
  const stableSeconds = input.stableSeconds ?? 3;
  const p99Factor = input.p99Factor ?? 2;
  const notes: string[] = [];
  const { seconds, faultUs } = input;
  const backlog: number[] = [];
  let produced = 0;
  let committed = 0;
  for (const s of seconds) {
    produced += s.producedEvents ?? 0;
    committed += s.committedEvents;
    backlog.push(produced - committed);
  }
  // The second the fault falls in is already disturbed: "before" is the seconds that ended by the fault.
  const faultIndex = seconds.findIndex((s) => s.startUs + 1_000_000 > faultUs);
  const firstAfter = faultIndex === -1 ? seconds.length : faultIndex;
  const undisturbed = (i: number) => {
    const s = seconds[i] as RecoverySecond;
    const end = s.startUs + 1_000_000;
    return (
      s.startUs >= (input.normalFromUs ?? -Infinity) &&
      !(input.disturbedUs ?? []).some((span) => s.startUs < span.endUs && end > span.startUs)
    );
  };
  const allBefore = [...Array(firstAfter).keys()];
  const quiet = allBefore.filter(undisturbed);
  if (quiet.length === 0 && allBefore.length > 0) {
    notes.push(
      'no undisturbed second before the fault: its normal level includes warm-up or an earlier incident',
    );
  }
  const normalSeconds = (quiet.length > 0 ? quiet : allBefore).slice(-baselineSeconds);
  const before = normalSeconds.map((i) => seconds[i] as RecoverySecond);
  const beforeBacklog = normalSeconds.map((i) => backlog[i] as number);
  const preFaultP99Us = median(before.map((s) => s.p99Us).filter((v): v is number => v !== null));
  const preFaultBacklog = median(beforeBacklog) ?? 0;
  const preFaultRate = median(before.map((s) => s.producedEvents ?? 0)) ?? 0;
  const drainedBound = Math.max(2 * preFaultBacklog, preFaultRate);
  const p99BoundUs = preFaultP99Us === null ? null : p99Factor * preFaultP99Us;
  if (preFaultP99Us === null)
    notes.push('no commits before the fault, so there is no normal level to recover to');

  const downtimeUs = input.firstCommitAfterFaultUs === null ? null : input.firstCommitAfterFaultUs - faultUs;
  if (downtimeUs === null) notes.push('nothing produced after the fault was committed');

  const normal = (i: number) => {
    const s = seconds[i] as RecoverySecond;
    const drained = (backlog[i] as number) <= drainedBound;
    if (s.p99Us === null) return drained ? 'neutral' : 'no';
    return drained && p99BoundUs !== null && s.p99Us <= p99BoundUs ? 'yes' : 'no';
  };
  // Recovery is looked for from the first whole second after the fault (its own second still holds commits
  // from before it) and not before the first commit after the fault: a downtime cannot count as recovered.
  const downUntil = input.firstCommitAfterFaultUs ?? Infinity;
  const searchFrom = seconds.findIndex((s, i) => i > firstAfter && s.startUs + 1_000_000 > downUntil);
  const firstStable = (from: number): number | null => {
    for (let i = from; i < seconds.length; i++) {
      if (normal(i) !== 'yes') continue;
      let holds = true;
      for (let j = i + 1; j < Math.min(seconds.length, i + stableSeconds); j++) {
        if (normal(j) === 'no') holds = false;
      }
      if (holds) return i;
    }
    return null;
  };
  const horizonUs = input.horizonUs ?? Infinity;
  const beyond = seconds.findIndex((s) => s.startUs >= horizonUs);
  const horizonIndex = beyond === -1 ? seconds.length : beyond;
  // The start of the first outage in [from, to): stableSeconds or more seconds in a row not normal, one of them
  // without commits; null when there is none.
  const outageFrom = (from: number, to: number): number | null => {
    let runStart = -1;
    let silent = false;
    for (let i = from; i < to; i++) {
      if (normal(i) !== 'no') {
        runStart = -1;
        silent = false;
        continue;
      }
      if (runStart === -1) runStart = i;
      if ((seconds[i] as RecoverySecond).committedEvents === 0) silent = true;
      if (silent && i - runStart + 1 >= stableSeconds) return runStart;
    }
    return null;
  };
  let recoveredIndex: number | null = null;
  if (p99BoundUs !== null && searchFrom !== -1) {
    recoveredIndex = firstStable(searchFrom);
    while (recoveredIndex !== null) {
      const relapse = outageFrom(recoveredIndex + 1, horizonIndex);
      if (relapse === null) break;
      const at = (((seconds[relapse] as RecoverySecond).startUs - faultUs) / 1e6).toFixed(0);
      const first = (((seconds[recoveredIndex] as RecoverySecond).startUs - faultUs) / 1e6).toFixed(0);
      notes.push(
        `the engine stopped delivering again ${at} s after the fault (it looked recovered at ${first} s), before any other fault hit it: recovery counts from the end of that outage`,
      );
      recoveredIndex = firstStable(relapse + 1);
    }
  }
  if (p99BoundUs !== null && recoveredIndex === null) {
    notes.push('the engine did not get back to normal before the run ended');
  }
  const last = seconds[seconds.length - 1];
  // A recovered second may start before the first commit after the fault that lies in it: the engine was not
  // back before that commit, so recovery is never shorter than the downtime.
  const incidentEndUs =
    recoveredIndex !== null
      ? Math.max(
          (seconds[recoveredIndex] as RecoverySecond).startUs,
          input.firstCommitAfterFaultUs ?? -Infinity,
        )
      : last
        ? last.startUs + 1_000_000
        : faultUs;
  const incident = seconds.slice(firstAfter, recoveredIndex === null ? seconds.length : recoveredIndex + 1);
  const peaks = incident.map((s) => s.p99Us).filter((v): v is number => v !== null);
  return {
    downtimeUs,
    recoveryUs: recoveredIndex === null ? null : Math.max(0, incidentEndUs - faultUs),
    preFaultP99Us,
    p99BoundUs,
    peakP99Us: peaks.length > 0 ? Math.max(...peaks) : null,
    peakBacklogEvents: Math.max(0, ...backlog.slice(firstAfter)),
    incidentEndUs,
    notes,
  };
}

/**
 * Events per second from a cumulative count reported now and then (`cumulative[i]`: the count last reported
 * during second i; undefined when nothing was reported in it): count(i) − count(last report before i). A second
 * without a report gets 0 and the next report carries its events, so the sum over any seconds up to a report is
 * exact; taking such seconds as unknown (and so as 0) would drop their events from the backlog for good.
 */
export function perSecondFromCumulative(
  cumulative: readonly (number | undefined)[],
  seconds: number,
): number[] {
  const out: number[] = [];
  let previous = 0;
  for (let i = 0; i < seconds; i++) {
    const now = cumulative[i];
    if (now === undefined) {
      out.push(0);
      continue;
    }
    out.push(now - previous);
    previous = now;
  }
  return out;
}

function median(values: readonly number[]): number | null {
  return percentileCont(sortAscending(values), 0.5);
}
