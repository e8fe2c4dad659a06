import { describe, expect, it } from 'vitest';
import { findJava, parseJavaVersion } from './java.js';

describe('parseJavaVersion', () => {
  it('reads modern and legacy version strings', () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toEqual({
      major: 17,
      version: '17.0.15',
    });
    expect(parseJavaVersion('java version "1.8.0_402"')).toEqual({ major: 8, version: '1.8.0_402' });
    expect(parseJavaVersion('openjdk version "25" 2025-09-16')).toEqual({ major: 25, version: '25' });
  });

  it('returns nothing for output without a version', () => {
    expect(parseJavaVersion('command not found')).toBeUndefined();
  });
});

describe('findJava', () => {
  it('explains how to fix a JAVA_HOME that holds no java', async () => {
    await expect(findJava({ ...process.env, JAVA_HOME: '/nonexistent-jdk' })).rejects.toThrow(
      /JAVA_HOME is \/nonexistent-jdk, but .* does not run/,
    );
  });

  it('finds the JDK of this machine', async () => {
    const java = await findJava({ ...process.env, JAVA_HOME: '' });
    expect(java.major).toBeGreaterThanOrEqual(17);
  });
});
