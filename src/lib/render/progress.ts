import { LISTR_LOGGER_STDERR_LEVELS, Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';

/** How a command shows progress. */
export interface ProgressOptions {
  /** `--json`: nothing but the result goes anywhere; progress is silent. */
  json: boolean;
}

/**
 * A task list that renders progress on stderr (stdout stays for data): a live list on a terminal, one line
 * per step without one (logs and CI keep a readable trace), nothing under `--json`.
 *
 * listr2's renderers write through their logger, whose "stdout" is what we route to stderr here: both of its
 * streams are stderr, so no renderer can reach stdout (a `processOutput` renderer option alone is ignored by
 * the simple renderer, which is what runs without a terminal).
 */
export function taskList<Ctx extends object>(tasks: ListrTask<Ctx>[], options: ProgressOptions): Listr<Ctx> {
  const processOutput = new ProcessOutput(process.stderr, process.stderr);
  const logger = new ListrLogger({ processOutput, useIcons: true, toStderr: LISTR_LOGGER_STDERR_LEVELS });
  const renderer = options.json ? 'silent' : process.stderr.isTTY ? 'default' : 'simple';
  return new Listr<Ctx>(tasks, {
    renderer,
    fallbackRenderer: 'simple',
    rendererOptions: { logger, collapseSubtasks: false, timer: undefined },
    fallbackRendererOptions: { logger },
    exitOnError: true,
    registerSignalListeners: false,
  } as never);
}

/** Writes a progress line to stderr unless `--json` asked for silence. */
export function note(message: string, options: ProgressOptions): void {
  if (!options.json) process.stderr.write(`${message}\n`);
}
