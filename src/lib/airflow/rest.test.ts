import { describe, expect, it } from 'vitest';
import { logLines } from './rest.js';

describe("Airflow's task log lines", () => {
  it('turns structured entries into timestamp, level and message, with the exception under them', () => {
    const lines = logLines([
      { timestamp: '2026-12-01T09:17:07Z', level: 'info', event: 'Worker startup parse complete' },
      {
        timestamp: '2026-12-01T09:17:08Z',
        level: 'error',
        event: 'Task failed with exception',
        error_detail: [{ exc_type: 'AirflowFailException', exc_value: 'regressed by 10.16%' }],
      },
    ]);
    expect(lines).toEqual([
      '2026-12-01T09:17:07Z INFO Worker startup parse complete',
      '2026-12-01T09:17:08Z ERROR Task failed with exception',
      '  AirflowFailException: regressed by 10.16%',
    ]);
  });

  it('splits a plain text log into lines and ignores what is neither', () => {
    expect(logLines('a\nb')).toEqual(['a', 'b']);
    expect(logLines(undefined)).toEqual([]);
  });
});
