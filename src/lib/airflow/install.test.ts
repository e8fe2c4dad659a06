import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../../test/support/scratch.js';
import { checkPythonVersion, constraintsFile, venvDir } from './install.js';

describe('the Airflow install', () => {
  it('accepts Python 3.10 and newer and refuses older or unreadable versions', () => {
    expect(checkPythonVersion('python3', '3.11.7')).toBeUndefined();
    expect(checkPythonVersion('python3', '3.10.0')).toBeUndefined();
    expect(checkPythonVersion('python3', '3.9.18')).toContain('needs Python 3.10 or newer');
    expect(checkPythonVersion('python', '2.7.18')).toContain('needs Python 3.10 or newer');
    expect(checkPythonVersion('python3', '')).toContain('printed no Python version');
  });

  it('keys the cached virtual environment by the constraints file and the Python minor version', () => {
    const dir = scratchDir('cb-constraints');
    const a = path.join(dir, 'a.txt');
    const b = path.join(dir, 'b.txt');
    writeFileSync(a, 'apache-airflow==3.3.2\n');
    writeFileSync(b, 'apache-airflow==3.3.2\nsix==1.17.0\n');
    expect(venvDir(a, '3.11.7', '/cache')).toBe(venvDir(a, '3.11.2', '/cache'));
    expect(venvDir(a, '3.11.7', '/cache')).not.toBe(venvDir(a, '3.12.1', '/cache'));
    expect(venvDir(a, '3.11.7', '/cache')).not.toBe(venvDir(b, '3.11.7', '/cache'));
    expect(venvDir(a, '3.11.7', '/cache')).toMatch(/^\/cache\/airflow-3\.3\.2-py3\.11-[0-9a-f]{12}$/);
  });

  it('pins Airflow itself in the committed constraints file', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(constraintsFile(), 'utf8')).toMatch(/^apache-airflow==3\.3\.2$/m);
  });
});
