import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Checks, before anything starts, that a command can make `dir` (given by `flag`) and write in it: the nearest
 * part of the path that exists must be a directory this process can write in. Throws a {@link UsageError} that
 * names the flag otherwise (a path below a regular file, a directory without write permission).
 */
export function checkOutputDir(flag: string, dir: string): void {
  const absolute = path.resolve(dir);
  const existing = nearestExisting(absolute);
  if (!existing.isDirectory) {
    throw new UsageError(
      existing.path === absolute
        ? `${flag} ${dir}: ${existing.path} is a file, not a directory`
        : `${flag} ${dir}: ${existing.path} is a file, so no directory can be made there`,
      { suggestions: [`Pass a ${flag} that is, or can become, a directory`] },
    );
  }
  requireWritable(flag, dir, existing.path);
}

/**
 * Checks, before anything starts, that a command can write the file `file` (given by `flag`): it is not a
 * directory, and its directory exists or can be made and is writable. With `overwrite: false` an existing file
 * is refused too.
 */
export function checkOutputFile(flag: string, file: string, options: { overwrite?: boolean } = {}): void {
  const absolute = path.resolve(file);
  const stat = statOrNull(absolute);
  if (stat?.isDirectory()) {
    throw new UsageError(`${flag} ${file} is a directory; it needs a file name`, {
      suggestions: [`Pass a file path to ${flag}, e.g. ${path.join(file, 'out.txt')}`],
    });
  }
  if (stat && options.overwrite === false) {
    throw new UsageError(`${flag} ${file} already exists and will not be overwritten`, {
      suggestions: [`Choose another ${flag}, delete the file first, or pass --force`],
    });
  }
  const existing = nearestExisting(path.dirname(absolute));
  if (!existing.isDirectory) {
    throw new UsageError(`${flag} ${file}: ${existing.path} is a file, so no file can be made below it`, {
      suggestions: [`Pass a ${flag} whose directory is, or can become, a directory`],
    });
  }
  requireWritable(flag, file, stat ? absolute : existing.path);
}

function requireWritable(flag: string, given: string, existing: string): void {
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${given}: ${existing} is not writable`, {
      suggestions: [`Pass a ${flag} you can write to`],
    });
  }
}

function nearestExisting(absolute: string): { path: string; isDirectory: boolean } {
  for (let current = absolute; ; current = path.dirname(current)) {
    const stat = statOrNull(current);
    if (stat) return { path: current, isDirectory: stat.isDirectory() };
    if (path.dirname(current) === current) return { path: current, isDirectory: true };
  }
}

function statOrNull(file: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(file);
  } catch (error) {
    // ENOTDIR: a part of the path is a file; the walk up finds it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}
