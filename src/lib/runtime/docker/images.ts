import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { InfrastructureError } from '../../errors.js';
import { modulePaths, packageRoot, type JobModule } from '../java.js';
import { LABELS, statusCode } from './client.js';

/** One image the docker runtime builds from compose/. */
export interface ImageRecipe {
  /** Image repository, e.g. `crypto-bench/jvm`. */
  repository: string;
  /** Dockerfile, relative to the package root (the build context). */
  dockerfile: string;
  /** Files and folders the build copies, relative to the package root. */
  inputs: string[];
}

const MODULES: JobModule[] = ['kafka-broker', 'baseline-job', 'flink-job', 'spark-job'];

/** The images of a stack: every JVM service runs the first; PostgreSQL the second. */
export function imageRecipes(root = packageRoot()): { jvm: ImageRecipe; postgres: ImageRecipe } {
  const jobs = MODULES.flatMap((module) => {
    const { jar, lib } = modulePaths(module, root);
    const entries = [path.relative(root, lib)];
    if (module !== 'kafka-broker') entries.push(path.relative(root, jar));
    return entries;
  });
  return {
    jvm: {
      repository: 'crypto-bench/jvm',
      dockerfile: 'compose/jvm.Dockerfile',
      inputs: ['compose/jvm.Dockerfile', 'compose/bin', 'compose/config', 'jobs/jvm.options', ...jobs],
    },
    postgres: {
      repository: 'crypto-bench/postgres',
      dockerfile: 'compose/postgres.Dockerfile',
      inputs: ['compose/postgres.Dockerfile', 'compose/bin/postgres-start', 'compose/config/postgres'],
    },
  };
}

/** What an image build did. */
export interface BuiltImage {
  /** Tag the containers run: the repository and a hash of the build inputs. */
  tag: string;
  /** True when an image with these inputs already existed (nothing was built). */
  cached: boolean;
  /** Build time, ms (0 when cached). */
  buildMs: number;
  /** Older images of the same repository removed afterwards (see {@link pruneImages}). */
  pruned: string[];
}

/**
 * Builds an image unless one with the same inputs exists, then removes the older ones. The tag is a hash of
 * the base image and of every input file's path and content, so an unchanged checkout, or jars rebuilt from
 * unchanged sources, start without sending the build context; a changed jar rebuilds, and Docker's layer
 * cache keeps that quick.
 */
export async function ensureImage(
  docker: Docker,
  recipe: ImageRecipe,
  baseImage: string,
  onOutput: (line: string) => void,
  root = packageRoot(),
): Promise<BuiltImage> {
  const hash = await inputsHash(recipe, baseImage, root);
  const tag = `${recipe.repository}:${hash}`;
  if (await imageExists(docker, tag)) {
    return { tag, cached: true, buildMs: 0, pruned: await pruneImages(docker, recipe.repository, hash) };
  }
  const begin = Date.now();
  const stream = await docker.buildImage(
    { context: root, src: recipe.inputs },
    {
      t: tag,
      dockerfile: recipe.dockerfile,
      buildargs: { BASE_IMAGE: baseImage },
      labels: { [LABELS.inputs]: hash },
      // apt-get inside the build reaches the package mirror the way the host does.
      networkmode: 'host',
      rm: true,
      forcerm: true,
    },
  );
  await followBuild(docker, stream, tag, baseImage, onOutput);
  const buildMs = Date.now() - begin;
  return { tag, cached: false, buildMs, pruned: await pruneImages(docker, recipe.repository, hash) };
}

async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
    return false;
  }
}

/**
 * Removes the images of `repository` that crypto-bench built (they carry the inputs label) from inputs other
 * than `hash`, and returns what it removed. An image a container still uses, running or stopped, of this
 * stack or of another state directory's, answers 409 and stays; images without the label, such as the base
 * image or one built by hand, are never touched.
 */
async function pruneImages(docker: Docker, repository: string, hash: string): Promise<string[]> {
  const keep = `${repository}:${hash}`;
  const images = await docker.listImages({ filters: { reference: [repository], label: [LABELS.inputs] } });
  const pruned: string[] = [];
  for (const image of images) {
    // Only the tag crypto-bench gave the image: another tag someone added by hand stays.
    const tag = `${repository}:${image.Labels[LABELS.inputs]}`;
    if (tag !== keep && image.RepoTags?.includes(tag) && (await removeUnused(docker, tag))) pruned.push(tag);
  }
  // Two `up`s building the same inputs at once leave the build that finished first untagged. An untagged
  // copy newer than the tagged image may be a build about to take the tag, so only older ones go.
  const keptAt = await createdMs(docker, keep);
  const copies = await docker.listImages({
    filters: { dangling: ['true'], label: [`${LABELS.inputs}=${hash}`] },
  });
  for (const copy of copies) {
    const copyAt = await createdMs(docker, copy.Id);
    if (copyAt < keptAt && (await removeUnused(docker, copy.Id))) {
      pruned.push(`an untagged copy of ${keep} (${copy.Id.slice(7, 19)})`);
    }
  }
  return pruned;
}

/** Removes an image unless a container uses it (409) or it is already gone (404, a concurrent `up`). */
async function removeUnused(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).remove();
    return true;
  } catch (error) {
    if (statusCode(error) !== 409 && statusCode(error) !== 404) throw error;
    return false;
  }
}

/** When an image was made, in ms since the epoch (NaN once it is gone, which compares false to anything). */
async function createdMs(docker: Docker, name: string): Promise<number> {
  try {
    return Date.parse((await docker.getImage(name).inspect()).Created);
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
    return NaN;
  }
}

/** Follows a build's output; on failure, throws with the failing step and its last lines of output. */
async function followBuild(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  tag: string,
  baseImage: string,
  onOutput: (line: string) => void,
): Promise<void> {
  const lines: string[] = [];
  let step = '';
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        for (const line of (event.stream ?? '').split('\n')) {
          const trimmed = line.trimEnd();
          if (trimmed === '') continue;
          if (/^Step \d+\/\d+ :/.test(trimmed)) {
            step = trimmed;
            onOutput(trimmed.slice(0, 120));
          }
          lines.push(trimmed);
          if (lines.length > 30) lines.shift();
        }
      },
    );
  }).catch((error: Error) => {
    failure ??= error.message;
  });
  if (failure === undefined) return;
  const output = lines.filter((line) => line !== step).slice(-15);
  throw new InfrastructureError(
    `Building the image ${tag} failed at ${step || 'the start'}:\n${output.join('\n')}\n${failure}`,
    {
      suggestions: [
        /pull access denied|not found|manifest unknown|registry|no such host/i.test(failure)
          ? `The base image ${baseImage} could not be pulled: pass one the engine has or can pull with --base-image`
          : 'Fix the cause above and run `crypto-bench up --runtime docker` again',
      ],
    },
  );
}

/**
 * Hash of what an image is built from: the base image, and each input file's path, executable bit (COPY
 * keeps it) and content. Modification times play no part, as a rebuild of unchanged sources gives new ones to
 * byte-identical jars (jobs/pom.xml makes them reproducible). Reading the ~500 MB of jars took 1.0-1.5 s on
 * two busy cores, so each file's content hash is kept in {@link hashCacheFile} and a file whose size and
 * modification time are unchanged is not read again (10 ms then).
 */
export async function inputsHash(recipe: ImageRecipe, baseImage: string, root: string): Promise<string> {
  const cache = readHashCache(root);
  const hash = createHash('sha256').update(`${baseImage}\n`);
  for (const input of recipe.inputs) {
    const absolute = path.join(root, input);
    if (!existsSync(absolute)) {
      throw new InfrastructureError(
        `${input} is missing, so the image ${recipe.repository} cannot be built`,
        {
          suggestions: ['Build the Java jobs first: jobs/mvnw -f jobs/pom.xml package -DskipTests'],
        },
      );
    }
    for (const file of filesUnder(absolute)) {
      const relative = path.relative(root, file);
      const stat = statSync(file);
      const executable = (stat.mode & 0o111) !== 0 ? 'x' : '-';
      hash.update(`${relative}\0${executable}\0${await contentHash(file, stat, cache, relative)}\n`);
    }
  }
  writeHashCache(root, cache);
  return hash.digest('hex').slice(0, 16);
}

/** Content hashes of input files by path relative to the package root, valid while size and mtime hold. */
type HashCache = Record<string, { size: number; mtimeMs: number; sha256: string }>;

/**
 * Where {@link inputsHash} keeps its per-file hashes: in the parent Maven project's build folder, beside the
 * jars it describes, so `mvnw clean` clears it with them and the stacks of every state directory share it.
 */
export function hashCacheFile(root: string): string {
  return path.join(root, 'jobs', 'target', 'image-input-hashes.json');
}

async function contentHash(file: string, stat: Stats, cache: HashCache, key: string): Promise<string> {
  const cached = cache[key];
  if (cached?.size === stat.size && cached.mtimeMs === stat.mtimeMs) return cached.sha256;
  const sha256 = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  cache[key] = { size: stat.size, mtimeMs: stat.mtimeMs, sha256 };
  return sha256;
}

function readHashCache(root: string): HashCache {
  const file = hashCacheFile(root);
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as HashCache) : {};
  } catch {
    // A damaged cache costs one full read of the inputs, and is then written anew.
    return {};
  }
}

/** Saves the hashes of files that still exist, through a rename so that a concurrent `up` reads a whole file. */
function writeHashCache(root: string, cache: HashCache): void {
  const file = hashCacheFile(root);
  const kept = Object.entries(cache).filter(([relative]) => existsSync(path.join(root, relative)));
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(Object.fromEntries(kept)));
  renameSync(partial, file);
}

function filesUnder(entry: string): string[] {
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry)
    .sort()
    .flatMap((name) => filesUnder(path.join(entry, name)));
}
