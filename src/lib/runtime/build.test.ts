import { describe, expect, it } from 'vitest';
import { progressLine } from './build.js';

describe('progressLine', () => {
  it('reports the module being built', () => {
    expect(
      progressLine('[INFO] Building crypto-bench Flink job 0.1.0-SNAPSHOT                     [3/6]'),
    ).toBe('building crypto-bench Flink job [3/6]');
  });

  it('reports downloads by file name', () => {
    expect(
      progressLine(
        'Downloading from central: https://repo/org/apache/spark/spark-core_2.13/4.1.3/spark-core_2.13-4.1.3.jar',
      ),
    ).toBe('downloading spark-core_2.13-4.1.3.jar');
  });

  it('ignores everything else', () => {
    expect(
      progressLine('[INFO] ------------------------------------------------------------------------'),
    ).toBeUndefined();
  });
});
