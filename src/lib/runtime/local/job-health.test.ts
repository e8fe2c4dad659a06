import { describe, expect, it } from 'vitest';
import { deadMiniClusterReason } from './job-health.js';

const oneTaskManager = { taskmanagers: 1 };

describe('deadMiniClusterReason', () => {
  it('says a Flink process whose only job FAILED no longer runs it', () => {
    expect(deadMiniClusterReason(oneTaskManager, [{ id: 'a1', status: 'FAILED' }])).toBe(
      'its process was alive but its job had ended (a1 FAILED)',
    );
  });

  it('says a MiniCluster that lost its TaskManager cannot run its job, although the job still says RUNNING', () => {
    expect(deadMiniClusterReason({ taskmanagers: 0 }, [{ id: 'a1', status: 'RUNNING' }])).toContain(
      'had lost its TaskManager',
    );
  });

  it('leaves a job alone while it runs, restarts by its own strategy, or is being created', () => {
    for (const status of ['RUNNING', 'RESTARTING', 'CREATED', 'INITIALIZING', 'FAILING', 'RECONCILING'])
      expect(deadMiniClusterReason(oneTaskManager, [{ id: 'a1', status }]), status).toBeNull();
  });

  it('judges nothing before the job is submitted, when the TaskManager may not have registered yet', () => {
    expect(deadMiniClusterReason({ taskmanagers: 0 }, [])).toBeNull();
  });

  it('judges by the job that runs when an earlier one of the same cluster ended', () => {
    const jobs = [
      { id: 'old', status: 'CANCELED' },
      { id: 'new', status: 'RUNNING' },
    ];
    expect(deadMiniClusterReason(oneTaskManager, jobs)).toBeNull();
  });
});
