import { describe, expect, it } from 'vitest';
import { endedJobReason } from './job-health.js';

describe('endedJobReason', () => {
  it('says a Flink process whose only job FAILED no longer runs it', () => {
    expect(endedJobReason([{ id: 'a1', status: 'FAILED' }])).toBe(
      'its process was alive but its job had ended (a1 FAILED)',
    );
  });

  it('leaves a job alone while it runs, restarts by its own strategy, or is being created', () => {
    for (const status of ['RUNNING', 'RESTARTING', 'CREATED', 'INITIALIZING', 'FAILING', 'RECONCILING'])
      expect(endedJobReason([{ id: 'a1', status }]), status).toBeNull();
    expect(endedJobReason([])).toBeNull();
  });

  it('judges by the job that runs when an earlier one of the same cluster ended', () => {
    expect(
      endedJobReason([
        { id: 'old', status: 'CANCELED' },
        { id: 'new', status: 'RUNNING' },
      ]),
    ).toBeNull();
  });
});
