import { Command, Errors } from '@oclif/core';
import { CryptoBenchError } from './errors.js';
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

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (
      error instanceof CryptoBenchError ||
      error instanceof Errors.CLIError ||
      process.env.CRYPTO_BENCH_DEBUG
    ) {
      return super.catch(error);
    }
    // oclif's own parse errors carry their exit code; anything else is unexpected, shown without a stack.
    const wrapped = new Errors.CLIError(error.message, {
      exit: typeof error.exitCode === 'number' ? error.exitCode : 1,
      suggestions: ['If this looks like a bug, rerun with CRYPTO_BENCH_DEBUG=1 and report the stack trace'],
    });
    return super.catch(wrapped);
  }
}
