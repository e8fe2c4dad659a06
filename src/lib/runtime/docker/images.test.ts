import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashCacheFile, inputsHash, type ImageRecipe } from './images.js';

const BASE = 'crypto-bench/debian:bookworm';

const recipe: ImageRecipe = {
  repository: 'crypto-bench/test',
  dockerfile: 'test.Dockerfile',
  inputs: ['test.Dockerfile', 'bin', 'target/lib'],
};

describe('the tag of an image', () => {
  let root: string;
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };
  const touch = (file: string, date: string) =>
    utimesSync(path.join(root, file), new Date(date), new Date(date));
  const hash = () => inputsHash(recipe, BASE, root);

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cb-images-'));
    write('test.Dockerfile', 'FROM scratch\n');
    write('bin/start', '#!/bin/sh\n');
    write('target/lib/a.jar', 'jar a');
    write('target/lib/b.jar', 'jar b');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is the same call after call for the same inputs', async () => {
    const first = await hash();
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(await hash()).toBe(first);
  });

  it('stays the same when a file is rewritten with the same content and a new modification time', async () => {
    const before = await hash();
    write('target/lib/a.jar', 'jar a');
    touch('target/lib/a.jar', '2030-01-01');
    expect(await hash()).toBe(before);
  });

  it('changes when a file changes content', async () => {
    const before = await hash();
    write('target/lib/b.jar', 'jar c');
    touch('target/lib/b.jar', '2030-01-01');
    expect(await hash()).not.toBe(before);
  });

  it('does not read again a file whose size and modification time are unchanged', async () => {
    touch('target/lib/b.jar', '2026-01-01');
    const before = await hash();
    write('target/lib/b.jar', 'jar c');
    touch('target/lib/b.jar', '2026-01-01');
    expect(await hash()).toBe(before);
  });

  it.each(['{"target/lib/b.jar": ', 'null'])(
    'reads every file again when its cache of file hashes is damaged: %j',
    async (damaged) => {
      touch('target/lib/b.jar', '2026-01-01');
      const before = await hash();
      write('target/lib/b.jar', 'jar c');
      touch('target/lib/b.jar', '2026-01-01');
      writeFileSync(hashCacheFile(root), damaged);
      expect(await hash()).not.toBe(before);
    },
  );

  it('changes when a file is renamed, added or made executable', async () => {
    const seen = new Set([await hash()]);
    renameSync(path.join(root, 'target/lib/b.jar'), path.join(root, 'target/lib/c.jar'));
    seen.add(await hash());
    write('target/lib/d.jar', '');
    seen.add(await hash());
    chmodSync(path.join(root, 'bin/start'), 0o755);
    seen.add(await hash());
    expect(seen.size).toBe(4);
  });

  it('changes with the base image', async () => {
    expect(await inputsHash(recipe, 'eclipse-temurin:17-jre', root)).not.toBe(await hash());
  });

  it('cannot be computed when an input is missing, and says to build the Java jobs', async () => {
    rmSync(path.join(root, 'target'), { recursive: true });
    await expect(hash()).rejects.toThrow(/target\/lib is missing.*crypto-bench\/test/);
  });
});
