import { Errors } from '@oclif/core';

/** Exit codes, one per kind of failure, so scripts can tell them apart. */
export const EXIT = {
  usage: 2,
  config: 3,
  infrastructure: 4,
  job: 5,
  /** A run finished but cannot be trusted (e.g. the producer fell behind its schedule). */
  invalidRun: 6,
  /** A run finished but an engine died, lost events, did not drain, or wrote wrong gold (see its incompleteReasons): its figures cover what arrived. */
  incompleteRun: 7,
  interrupted: 130,
} as const;

/** Options every crypto-bench error takes: what to do about it. */
export interface ErrorOptions {
  /** Concrete next steps shown under the message. */
  suggestions?: string[];
}

/** Base of every error crypto-bench raises on purpose: printed without a stack trace. */
export class CryptoBenchError extends Errors.CLIError {
  constructor(message: string, exit: number, options: ErrorOptions = {}) {
    super(message, { exit, suggestions: options.suggestions });
    this.name = new.target.name;
  }
}

/** The user asked for something invalid (a flag value, a combination of flags). */
export class UsageError extends CryptoBenchError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, EXIT.usage, options);
  }
}

/** The environment or a file is not as needed (missing JDK, corrupt state or result file). */
export class ConfigError extends CryptoBenchError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, EXIT.config, options);
  }
}

/** A service could not be started, reached or stopped (port in use, Kafka down, PostgreSQL died). */
export class InfrastructureError extends CryptoBenchError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, EXIT.infrastructure, options);
  }
}

/** A Spark, Flink or baseline job failed to build, start or keep running. */
export class JobFailureError extends CryptoBenchError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, EXIT.job, options);
  }
}

/** Text of any thrown value, for wrapping low-level failures into one of the errors above. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
