import { Command, Errors } from '@oclif/core';
import { CryptoBenchError, EXIT } from './errors.js';
import type { ProgressOptions } from './render/progress.js';

/**
 * Base of every command: `--json` (data on stdout, progress silent), and errors printed as one clear
 * message with its fix and exit code, never a stack trace (set CRYPTO_BENCH_DEBUG=1 to see one).
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /** How this invocation shows progress. */
  protected progress(): ProgressOptions {
    return { json: this.jsonEnabled() };
  }

  /**
   * Runs long work that Ctrl-C may stop: the first Ctrl-C aborts the signal (the work stops cleanly and still
   * saves what it measured), a second one exits at once.
   */
  protected async interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onSigint = () => (controller.signal.aborted ? process.exit(EXIT.interrupted) : controller.abort());
    process.on('SIGINT', onSigint);
    try {
      return await work(controller.signal);
    } finally {
      process.off('SIGINT', onSigint);
    }
  }

  protected override async catch(
    error: Error & { exitCode?: number; oclif?: { exit?: number } },
  ): Promise<unknown> {
    const expected =
      error instanceof CryptoBenchError || error instanceof Errors.CLIError || process.env.CRYPTO_BENCH_DEBUG;
    // Anything unexpected is shown as one message without a stack, with a way to get the stack.
    const shown = expected
      ? error
      : new Errors.CLIError(error.message, {
          exit: error.oclif?.exit ?? error.exitCode ?? 1,
          suggestions: [
            'If this looks like a bug, rerun with CRYPTO_BENCH_DEBUG=1 and report the stack trace',
          ],
        });
    // Under --json oclif takes the exit code from `exitCode`, which CLIError leaves unset.
    const exit = (shown as Errors.CLIError).oclif?.exit;
    if (typeof exit === 'number') (shown as Error & { exitCode?: number }).exitCode = exit;
    return super.catch(shown);
  }
}
