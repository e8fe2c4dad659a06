/**
 * Fixes one partition per symbol: the i-th pair of the list goes to partition `i mod partitions`.
 *
 * Why not Kafka's key hashing: murmur2 puts the five default pairs on only two of three partitions, and an
 * empty partition stalls every engine's event-time watermark. A fixed partition per symbol spreads symbols as
 * evenly as their count allows and keeps each symbol's ticks in order. A symbol missing from the list (a replay
 * file with more pairs) is appended to it on first sight, so it too gets a stable partition.
 */
export class SymbolPartitioner {
  private readonly assignment = new Map<string, number>();

  /** `pairs` in the order that decides their partitions; `partitions` of the topic (at least 1). */
  constructor(
    pairs: readonly string[],
    private readonly partitions: number,
  ) {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new RangeError(`a topic has at least 1 partition, got ${partitions}`);
    }
    for (const pair of pairs) this.partitionOf(pair);
  }

  /** The partition of `symbol`. */
  partitionOf(symbol: string): number {
    let partition = this.assignment.get(symbol);
    if (partition === undefined) {
      partition = this.assignment.size % this.partitions;
      this.assignment.set(symbol, partition);
    }
    return partition;
  }

  /** Every symbol seen so far and its partition, in assignment order. */
  assignments(): ReadonlyMap<string, number> {
    return this.assignment;
  }
}
