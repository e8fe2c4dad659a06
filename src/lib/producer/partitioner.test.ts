import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../config/defaults.js';
import { symbolList } from './pairs.js';
import { SymbolPartitioner } from './partitioner.js';

describe('SymbolPartitioner', () => {
  it('puts the five default pairs on all three partitions', () => {
    const partitioner = new SymbolPartitioner(DEFAULTS.pairs, DEFAULTS.topicPartitions);
    const used = new Set(DEFAULTS.pairs.map((pair) => partitioner.partitionOf(pair)));
    expect([...used].sort()).toEqual([0, 1, 2]);
    expect(DEFAULTS.pairs.map((pair) => partitioner.partitionOf(pair))).toEqual([0, 1, 2, 0, 1]);
  });

  it('fixes what murmur2 key hashing gets wrong: it leaves a partition empty for the default pairs', () => {
    const murmur2 = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const hashed = new Set(
      DEFAULTS.pairs.map((key) =>
        murmur2({ topic: DEFAULTS.topic, partitionMetadata, message: { key, value: null } }),
      ),
    );
    expect(hashed.size).toBeLessThan(3);
  });

  it('gives a symbol missing from the list the next partition, and keeps it', () => {
    const partitioner = new SymbolPartitioner(['BTC-USD', 'ETH-USD'], 3);
    expect(partitioner.partitionOf('XRP-USD')).toBe(2);
    expect(partitioner.partitionOf('LTC-USD')).toBe(0);
    expect(partitioner.partitionOf('XRP-USD')).toBe(2);
  });

  it('refuses a topic without partitions', () => {
    expect(() => new SymbolPartitioner(['BTC-USD'], 0)).toThrow(/at least 1 partition/);
  });

  it('keeps each symbol on one partition when there are more partitions than pairs, leaving the rest empty', () => {
    const partitioner = new SymbolPartitioner(DEFAULTS.pairs, 8);
    expect(DEFAULTS.pairs.map((pair) => partitioner.partitionOf(pair))).toEqual([0, 1, 2, 3, 4]);
  });

  it('fills every partition evenly with generated symbols, each symbol always on the same one', () => {
    const symbols = symbolList(24, DEFAULTS.pairs);
    const partitioner = new SymbolPartitioner(symbols, 8);
    const perPartition = new Map<number, string[]>();
    for (const symbol of symbols) {
      const partition = partitioner.partitionOf(symbol);
      perPartition.set(partition, [...(perPartition.get(partition) ?? []), symbol]);
    }
    expect([...perPartition.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...perPartition.values()].every((group) => group.length === 3)).toBe(true);
    expect(partitioner.partitionOf('SYM06-USD')).toBe(5);
    expect(partitioner.partitionOf('SYM06-USD')).toBe(5);
    expect(partitioner.slotOf('SYM06-USD')).toBe(5);
  });
});
