import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/support/scratch.js';
import { checkOutputDir, checkOutputFile } from './output-paths.js';

const scratch = () => scratchDir('cb-output-paths');

describe('checkOutputDir', () => {
  it('accepts a directory that exists, or that can be made below one', () => {
    const dir = scratch();
    expect(() => checkOutputDir('--results-dir', dir)).not.toThrow();
    expect(() => checkOutputDir('--results-dir', path.join(dir, 'a', 'b'))).not.toThrow();
  });

  it('refuses a directory below a regular file, naming the flag and the file', () => {
    const file = path.join(scratch(), 'notes.txt');
    writeFileSync(file, 'x');
    expect(() => checkOutputDir('--results-dir', path.join(file, 'results'))).toThrow(
      `--results-dir ${path.join(file, 'results')}: ${file} is a file, so no directory can be made there`,
    );
  });

  it('refuses a regular file given as a directory', () => {
    const file = path.join(scratch(), 'notes.txt');
    writeFileSync(file, 'x');
    expect(() => checkOutputDir('--results-dir', file)).toThrow(`${file} is a file, not a directory`);
  });
});

describe('checkOutputFile', () => {
  it('accepts a new file in a directory that exists or can be made', () => {
    const dir = scratch();
    expect(() => checkOutputFile('--out', path.join(dir, 'x', 'figures.csv'))).not.toThrow();
  });

  it('refuses a directory, and a file below a regular file', () => {
    const dir = scratch();
    expect(() => checkOutputFile('--output', dir)).toThrow(`--output ${dir} is a directory`);
    const file = path.join(dir, 'plain');
    writeFileSync(file, 'x');
    expect(() => checkOutputFile('--output', path.join(file, 'report.html'))).toThrow(
      `${file} is a file, so no file can be made below it`,
    );
  });

  it('refuses an existing file only when it must not be overwritten', () => {
    const dir = scratch();
    mkdirSync(path.join(dir, 'sub'));
    const file = path.join(dir, 'sub', 'ticks.ndjson');
    writeFileSync(file, 'x');
    expect(() => checkOutputFile('--out', file)).not.toThrow();
    expect(() => checkOutputFile('--out', file, { overwrite: false })).toThrow(
      `--out ${file} already exists and will not be overwritten`,
    );
  });
});
