import type { FaultSpec } from '../config/fault-flags.js';
import { describe } from '../errors.js';
import { note, type ProgressOptions } from '../render/progress.js';
import type { FaultRecord } from '../results/fault-record.js';
import { runtimeOf } from '../runtime/registry.js';
import type { InjectableAction } from '../runtime/runtime.js';
import { readState } from '../runtime/state.js';

/**
 * Injects the faults of `run --fault` on the run's clock: each at its time since the producer started (a
 * timer per fault, the time it really went out recorded next to the planned one), a pause ended by SIGCONT
 * after its duration, and every fault accounted for: injected, not injected (the process was already gone:
 * recorded with why, never silently skipped), or skipped when the run ended before its time.
 */
export class FaultInjector {
  private readonly records: FaultRecord[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending: Promise<void>[] = [];
  /** Pauses in effect: resumed at the latest when the injector stops, so nothing stays frozen. */
  private readonly paused = new Set<FaultRecord>();

  constructor(
    private readonly stateDir: string,
    private readonly faults: readonly FaultSpec[],
    private readonly progress: ProgressOptions,
  ) {}

  /** Schedules every fault against `startMs`, the run's time 0 (epoch ms). */
  start(startMs: number): void {
    for (const fault of this.faults) {
      const record: FaultRecord = {
        text: fault.text,
        target: fault.target,
        action: fault.action,
        plannedAtMs: fault.atMs,
        plannedAtUs: (startMs + fault.atMs) * 1000,
        injectedAtUs: null,
        pauseMs: fault.durationMs,
        resumedAtUs: null,
        outcome: 'skipped',
        detail: 'the run ended before its time came',
        recovery: {},
      };
      this.records.push(record);
      const delay = Math.max(0, startMs + fault.atMs - Date.now());
      this.timers.push(setTimeout(() => this.pending.push(this.inject(record, fault)), delay));
    }
  }

  /** Cancels faults not yet due, waits for those under way, resumes any pause; returns every fault's record. */
  async stop(): Promise<FaultRecord[]> {
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all(this.pending);
    for (const record of [...this.paused]) await this.resume(record);
    return this.records;
  }

  private async inject(record: FaultRecord, fault: FaultSpec): Promise<void> {
    const startedUs = Date.now() * 1000;
    const done = await this.act(fault.action, record);
    // A kill, stop or pause has surely happened once the runtime returns (a `docker exec` may take seconds on a
    // loaded machine): time it then, so no commit made before the signal landed can pass for the engine's first
    // one after the fault (that would report a downtime near 0). A restart starts hurting when it starts.
    record.injectedAtUs = fault.action === 'restart' ? startedUs : Date.now() * 1000;
    const tookMs = (record.injectedAtUs - startedUs) / 1000;
    if (tookMs >= 100) record.detail += ` (injecting took ${Math.round(tookMs)} ms; timed at its end)`;
    note(`Fault ${record.text}: ${done.detail}`, this.progress);
    if (fault.action !== 'pause' || done.outcome !== 'injected') return;
    this.paused.add(record);
    const timer = setTimeout(() => this.pending.push(this.resume(record)), fault.durationMs ?? 0);
    this.timers.push(timer);
  }

  private async resume(record: FaultRecord): Promise<void> {
    if (!this.paused.delete(record)) return;
    const resumed = await this.act('resume', record, false);
    record.resumedAtUs = Date.now() * 1000;
    record.detail += `; ${resumed.detail}`;
  }

  /** Does one action through the stack's runtime; a failure becomes the record's outcome, never a throw. */
  private async act(
    action: InjectableAction,
    record: FaultRecord,
    isInjection = true,
  ): Promise<{ outcome: FaultRecord['outcome']; detail: string }> {
    let result: { outcome: FaultRecord['outcome']; detail: string; pid?: number; container?: string };
    try {
      const state = readState(this.stateDir);
      const runtime = runtimeOf(this.stateDir);
      result =
        state && runtime
          ? await runtime.injectFault(state, record.target, action)
          : { outcome: 'not-injected', detail: 'the stack is gone' };
    } catch (error) {
      result = { outcome: 'not-injected', detail: `${action} failed: ${describe(error)}` };
    }
    if (isInjection) {
      record.outcome = result.outcome;
      record.detail = result.detail;
      if (result.pid !== undefined) record.pid = result.pid;
      if (result.container !== undefined) record.container = result.container;
    }
    return result;
  }
}
