/**
 * Fixes one partition per symbol: the symbol in slot `s` of the list (its place in it) goes to partition
 * `s mod partitions`.
 *
 * Why not Kafka's key hashing: murmur2 puts the five default pairs on only two of three partitions, and an
 * empty partition stalls every engine's event-time watermark. A fixed partition per symbol spreads symbols as
 * evenly as their count allows and keeps each symbol's ticks in order. A symbol is never split over partitions
 * (that would break its order), so a topic needs at least as many symbols as partitions for none to stay empty:
 * `--symbols` gives the synthetic source that many (see `symbolList`), and with a multiple of the partitions
 * every partition carries exactly the same share. A symbol missing from the list (a replay file with more
 * pairs) is appended to it on first sight, so it too gets a stable partition.
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
    for (const pair of pairs) this.slotOf(pair);
  }

  /** The partition of `symbol`. */
  partitionOf(symbol: string): number {
    return this.slotOf(symbol) % this.partitions;
  }

  /** The place of `symbol` in the list (0-based); a symbol not seen before takes the next place. */
  slotOf(symbol: string): number {
    let slot = this.assignment.get(symbol);
    if (slot === undefined) {
      slot = this.assignment.size;
      this.assignment.set(symbol, slot);
    }
    return slot;
  }

  /** Every symbol seen so far and its partition, in assignment order. */
  assignments(): ReadonlyMap<string, number> {
    return new Map([...this.assignment].map(([symbol, slot]) => [symbol, slot % this.partitions]));
  }
}
