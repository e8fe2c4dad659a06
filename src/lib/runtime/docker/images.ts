import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { InfrastructureError } from '../../errors.js';
import { modulePaths, packageRoot, type JobModule } from '../java.js';
import { LABELS, statusCode } from './client.js';

/** One image the docker runtime builds from compose/. */
interface ImageRecipe {
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
}

/**
 * Builds an image unless one with the same inputs exists. The tag is a hash of the base image and of every
 * input file's path, size and modification time, so an unchanged checkout starts without sending the build
 * context; a changed jar rebuilds, and Docker's layer cache keeps that quick.
 */
export async function ensureImage(
  docker: Docker,
  recipe: ImageRecipe,
  baseImage: string,
  onOutput: (line: string) => void,
  root = packageRoot(),
): Promise<BuiltImage> {
  const hash = inputsHash(recipe, baseImage, root);
  const tag = `${recipe.repository}:${hash}`;
  try {
    await docker.getImage(tag).inspect();
    return { tag, cached: true, buildMs: 0 };
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
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
  return { tag, cached: false, buildMs: Date.now() - begin };
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

/** Hash of what the image is built from: base image, and each input file's path, size and mtime. */
function inputsHash(recipe: ImageRecipe, baseImage: string, root: string): string {
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
      const stat = statSync(file);
      hash.update(`${path.relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function filesUnder(entry: string): string[] {
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry)
    .sort()
    .flatMap((name) => filesUnder(path.join(entry, name)));
}
