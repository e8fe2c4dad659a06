/**
 * The offset between PostgreSQL's clock and the producer host's (docs/measurement.md#clocks-across-hosts).
 * Latency is `commit − produced_at`: PostgreSQL's commit clock minus the producer host's clock. When the two are
 * different machines, their clocks differ by an offset θ = server − host, and every latency is off by θ. It is
 * estimated as NTP does (Mills, RFC 5905 §8 and §10, "clock filter": the sample with the least round-trip delay
 * is the most accurate): round trips of `SELECT clock_timestamp()`, each giving
 *
 *   offset = server_time − (t_send + t_receive) / 2,   uncertainty = (t_receive − t_send) / 2.
 *
 * The server read its clock at some host instant t ∈ [t_send, t_receive], so |t − midpoint| ≤ RTT/2: the true
 * offset lies within offset ± uncertainty however asymmetric the two directions were. The smallest RTT gives the
 * tightest bound. Pure: no I/O, no clock.
 */

/** One round trip: when the query left and its answer arrived on the host's clock, and the server's reading. */
export interface ClockSample {
  /** Host clock just before the query was sent, epoch µs. */
  sentUs: number;
  /** PostgreSQL's `clock_timestamp()` while it ran the query, epoch µs. */
  serverUs: number;
  /** Host clock just after the answer arrived, epoch µs. */
  receivedUs: number;
}

/** One estimate of server − host from a burst of round trips. */
export interface ClockEstimate {
  /** PostgreSQL's clock minus the host's, µs (positive: the server's clock is ahead). */
  offsetUs: number;
  /** Half the round trip of the sample used, µs: the true offset lies within offsetUs ± this. */
  uncertaintyUs: number;
  /** Host time of that sample's midpoint, epoch µs (when the estimate holds). */
  atUs: number;
  /** Round trips the estimate chose from (valid ones). */
  samples: number;
}

/**
 * The minimum-RTT estimate of a burst: the sample with the smallest `receivedUs − sentUs` (the first of equal
 * ones). Samples with a negative round trip (impossible on a monotonic host clock) are ignored. Null when no
 * sample is left.
 */
export function estimateClockOffset(samples: readonly ClockSample[]): ClockEstimate | null {
  const valid = samples.filter((s) => s.receivedUs - s.sentUs >= 0);
  let best: ClockSample | undefined;
  for (const sample of valid) {
    if (!best || sample.receivedUs - sample.sentUs < best.receivedUs - best.sentUs) best = sample;
  }
  if (!best) return null;
  const atUs = (best.sentUs + best.receivedUs) / 2;
  return {
    offsetUs: best.serverUs - atUs,
    uncertaintyUs: (best.receivedUs - best.sentUs) / 2,
    atUs,
    samples: valid.length,
  };
}

/**
 * The clock of a run as `run.json` records it (`RunRecord.clock`): the estimates at its start and end and the
 * offset applied to its commit times.
 */
export interface ClockRecord {
  /** PostgreSQL's clock minus the producer host's before producing began, µs; null when it could not be read. */
  startOffsetUs: number | null;
  /** Half the round trip of that estimate, µs: the true offset lay within startOffsetUs ± this. */
  startUncertaintyUs: number | null;
  /** The same after the last engine drained, µs; null when it could not be read. */
  endOffsetUs: number | null;
  /** Half the round trip of the end estimate, µs. */
  endUncertaintyUs: number | null;
  /** How fast the offset changed from start to end, µs per second of host time (= ppm); null without both. */
  driftPpm: number | null;
  /**
   * PostgreSQL shares the producer host's clock (local and docker runtimes, or a PostgreSQL on a loopback or
   * own address of this host): nothing is applied, the estimates only confirm the offset is ~0.
   */
  oneHost: boolean;
  /**
   * Offset subtracted from every commit time before any latency is computed, µs, so that
   * latency = commit − offset − produced_at: 0 on one host, else the mean of the start and end estimates.
   */
  appliedOffsetUs: number;
  /**
   * Bound on how far appliedOffsetUs may be from the true offset for any row of the run, µs: the larger
   * estimate uncertainty plus half the drift between start and end (plus rounding). 0 on one host; null when
   * no estimate could be taken on two hosts (latencies then carry an unknown offset).
   */
  appliedUncertaintyUs: number | null;
  /** Round trips asked per estimate. */
  samples: number;
  /** Why an estimate is missing, one sentence each; empty when both were taken. */
  problems: string[];
}

/** What {@link combineClockEstimates} combines. */
export interface ClockEstimates {
  /** The estimate before producing; null when it failed. */
  start: ClockEstimate | null;
  /** The estimate after draining; null when it failed. */
  end: ClockEstimate | null;
  /** PostgreSQL runs on the producer's host (see {@link ClockRecord.oneHost}). */
  oneHost: boolean;
  /** Round trips asked per estimate. */
  samples: number;
  /** Why an estimate is missing. */
  problems?: string[];
}

/**
 * The offset a run applies: none on one host (one clock, so the true offset is exactly 0 and applying a
 * measured one would only add the estimate's own error); otherwise the mean of the start and end estimates,
 * which is the offset halfway through a linear drift, with uncertainty max(u_start, u_end) + |θ_end − θ_start| / 2
 * (no row's true offset is further from the mean than half the drift) plus the rounding to whole µs. With one
 * estimate, that one; with none, 0 with an unknown (null) uncertainty.
 */
export function combineClockEstimates(given: ClockEstimates): ClockRecord {
  const { start, end, oneHost, samples } = given;
  const driftPpm =
    start && end && end.atUs > start.atUs
      ? (end.offsetUs - start.offsetUs) / ((end.atUs - start.atUs) / 1e6)
      : null;
  let appliedOffsetUs = 0;
  let appliedUncertaintyUs: number | null = oneHost ? 0 : null;
  if (!oneHost) {
    const used = [start, end].filter((e): e is ClockEstimate => e !== null);
    if (used.length > 0) {
      const mean = used.reduce((sum, e) => sum + e.offsetUs, 0) / used.length;
      const spread = Math.max(...used.map((e) => e.offsetUs)) - Math.min(...used.map((e) => e.offsetUs));
      appliedOffsetUs = Math.round(mean);
      appliedUncertaintyUs =
        Math.max(...used.map((e) => e.uncertaintyUs)) + spread / 2 + Math.abs(appliedOffsetUs - mean);
    }
  }
  return {
    startOffsetUs: start?.offsetUs ?? null,
    startUncertaintyUs: start?.uncertaintyUs ?? null,
    endOffsetUs: end?.offsetUs ?? null,
    endUncertaintyUs: end?.uncertaintyUs ?? null,
    driftPpm,
    oneHost,
    appliedOffsetUs,
    appliedUncertaintyUs,
    samples,
    problems: given.problems ?? [],
  };
}

/** Share of an engine's p50 above which the clock's uncertainty is noted next to its figures. */
export const CLOCK_NOTE_SHARE = 0.05;

/**
 * The share of an engine's end-to-end p50 that the applied offset's uncertainty is, when it is more than
 * {@link CLOCK_NOTE_SHARE} (the figure cannot be trusted to better than that); null when it is not, on one host,
 * or without a p50. An unknown uncertainty on two hosts counts as infinite.
 */
export function clockUncertaintyShare(clock: ClockRecord, p50Us: number | null): number | null {
  if (clock.oneHost || p50Us === null) return null;
  if (clock.appliedUncertaintyUs === null) return Number.POSITIVE_INFINITY;
  const share = clock.appliedUncertaintyUs / Math.max(Math.abs(p50Us), 1);
  return share > CLOCK_NOTE_SHARE ? share : null;
}
