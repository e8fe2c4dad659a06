import os from 'node:os';
import { partitionsOf, type StackConfig } from '../config/stack-config.js';
import { DEFAULTS } from '../config/defaults.js';
import { topicPartitionsDiffer } from '../engines/kafka.js';
import { UsageError } from '../errors.js';
import { checkSymbolsFillPartitions, symbolList } from '../producer/pairs.js';
import { checkProducers, defaultProducers } from '../producer/producers.js';
import type { SourceConfig } from '../producer/sources.js';
import { runningConfig } from '../runtime/stack.js';

/** What a run produces, resolved against the stack it runs on. */
export interface Workload {
  /** The source, the synthetic one with its full symbol list. */
  source: SourceConfig;
  /** Partitions of the topic. */
  partitions: number;
  /** Producer threads. */
  producers: number;
}

/** The flags a workload is resolved from. */
export interface WorkloadAsked {
  /** The source as the flags gave it. */
  source: SourceConfig;
  /** `--symbols`, when given. */
  symbols?: number;
  /** `--producers`, when given. */
  producers?: number;
  /** `--partitions`, when given: a running stack's topic must have them. */
  partitions?: number;
}

/**
 * The partitions of the topic a command will use: a running stack's (an error naming the fix when `asked`
 * differs from them), or the ones `up` will create.
 */
export function plannedPartitions(stack: StackConfig, asked: number | undefined): number {
  const running = runningConfig(stack.stateDir);
  if (!running) return stack.partitions;
  const has = partitionsOf(running);
  if (asked !== undefined && asked !== has) throw topicPartitionsDiffer(DEFAULTS.topic, has, asked);
  return has;
}

/**
 * Resolves the partitions, the synthetic source's symbols and the producer count, before anything starts:
 * the partitions are the running stack's (or the ones this command will create); the synthetic source gets
 * `--symbols` symbols, by default its pairs or as many as there are partitions, whichever is more; and the
 * producer count is `--producers` or the rate's default. Throws a UsageError naming the flag and the fix.
 */
export function resolveWorkload(stack: StackConfig, asked: WorkloadAsked): Workload {
  return resolveWorkloadAt(plannedPartitions(stack, asked.partitions), asked);
}

/**
 * {@link resolveWorkload} on a topic of `partitions` partitions, whatever runs now: how `sweep --partitions`
 * checks each partition count it will create before anything starts.
 */
export function resolveWorkloadAt(partitions: number, asked: WorkloadAsked): Workload {
  const source = withSymbols(asked.source, asked.symbols, partitions);
  const input = {
    source: source.kind,
    rateEventsPerSec: source.kind === 'synthetic' ? source.rateEventsPerSec : null,
    symbols: source.kind === 'replay' ? 1 : source.pairs.length,
    cores: os.availableParallelism(),
  };
  const producers = asked.producers ?? defaultProducers(input);
  const problem = checkProducers(producers, input);
  if (problem) throw new UsageError(problem);
  return { source, partitions, producers };
}

function withSymbols(source: SourceConfig, symbols: number | undefined, partitions: number): SourceConfig {
  if (source.kind !== 'synthetic') {
    if (symbols !== undefined) throw new UsageError('--symbols is for the synthetic source only');
    if (source.kind === 'replay') return source;
    if (source.pairs.length < partitions) {
      throw new UsageError(
        `--pairs: ${source.pairs.length} pairs leave ${partitions - source.pairs.length} of the ${partitions} partitions empty (each pair stays on one partition to keep its order); name ${partitions} pairs or more, or use fewer --partitions`,
      );
    }
    return source;
  }
  const count = symbols ?? Math.max(source.pairs.length, partitions);
  const problem = checkSymbolsFillPartitions(count, partitions);
  if (problem) throw new UsageError(`--symbols: ${problem}`);
  return { ...source, pairs: symbolList(count, source.pairs) };
}
