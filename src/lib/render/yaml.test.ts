import { describe, expect, it } from 'vitest';
import { yamlEntry, yamlScalar } from './yaml.js';

describe('yamlScalar', () => {
  it('leaves plain words, paths and durations plain', () => {
    expect(yamlScalar('kafka-start')).toBe('kafka-start');
    expect(yamlScalar('/opt/crypto-bench/jobs/jvm.options')).toBe('/opt/crypto-bench/jobs/jvm.options');
    expect(yamlScalar('512m')).toBe('512m');
    expect(yamlScalar(5432)).toBe('5432');
  });

  it('quotes what YAML would read as something else', () => {
    expect(yamlScalar('on')).toBe("'on'");
    expect(yamlScalar('true')).toBe("'true'");
    expect(yamlScalar('127.0.0.1:19092:9092')).toBe("'127.0.0.1:19092:9092'");
    expect(yamlScalar('-Xmx256m')).toBe('-Xmx256m');
    expect(yamlScalar("it's")).toBe("'it''s'");
  });
});

describe('yamlEntry', () => {
  it('writes short lists of scalars on one line and mappings as blocks', () => {
    expect(yamlEntry('service:', { command: ['flink-start', 'jobmanager'], init: true }, 0)).toEqual([
      'service:',
      '  command: [flink-start, jobmanager]',
      '  init: true',
    ]);
  });

  it('writes a multi-line string as a literal block', () => {
    expect(yamlEntry('script:', 'a\nb\n', 0)).toEqual(['script: |', '  a', '  b']);
  });
});
