import { describe, expect, it } from 'vitest';
import { mergeJobSettings, resolveStackConfig } from '../config/stack-config.js';
import { jobArgs, localPlacement } from './jobs.js';

describe('the baseline job arguments', () => {
  const config = resolveStackConfig({}, '/w');
  const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

  it('run one consumer thread by default', () => {
    expect(argAfter(jobArgs('baseline', config, localPlacement(config)), '--threads')).toBe('1');
  });

  it('run as many consumer threads as the baseline parallelism', () => {
    const scaled = {
      ...config,
      jobs: mergeJobSettings(config.jobs, { parallelism: { baseline: 3 } as never }),
    };
    expect(argAfter(jobArgs('baseline', scaled, localPlacement(scaled)), '--threads')).toBe('3');
  });
});
