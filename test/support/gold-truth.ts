/** One event as the raw tables hold it (decimals as text, times in epoch µs). */
export interface RawEvent {
  seq: bigint;
  symbol: string;
  price: string;
  size: string;
  eventTimeUs: bigint;
}

/** One gold row: exact columns as decimal text, the divided ones as numbers. */
export interface GoldRow {
  symbol: string;
  windowStartUs: bigint;
  windowEndUs: bigint;
  open: string;
  high: string;
  low: string;
  close: string;
  avgPrice: number;
  vwap: number | null;
  volume: string;
  tradeCount: number;
  priceStddev: number;
}

const SCALE = 18;
const ONE = 10n ** BigInt(SCALE);

function decimal(text: string): bigint {
  const [whole = '0', fraction = ''] = text.split('.');
  const negative = whole.startsWith('-');
  const value =
    BigInt(whole.replace('-', '')) * ONE + BigInt((fraction + '0'.repeat(SCALE)).slice(0, SCALE) || '0');
  return negative ? -value : value;
}

function text(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const fraction = (abs % ONE).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs / ONE}${fraction ? `.${fraction}` : ''}`;
}

/**
 * The gold rows of these events with the jobs' definitions (jobs/common GoldAccumulator), computed
 * independently of any producer: tumbling event-time windows of `sizeUs` aligned to the epoch; open and close
 * the prices of the first and last trade by event time (ties by seq); sums exact; avg and VWAP the exact sums
 * divided; the population standard deviation.
 */
export function goldTruth(events: RawEvent[], sizeUs: bigint): GoldRow[] {
  const groups = new Map<string, RawEvent[]>();
  for (const event of events) {
    const start = (event.eventTimeUs / sizeUs) * sizeUs;
    const key = `${start}/${event.symbol}`;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const start = BigInt(key.split('/')[0] as string);
    const ordered = [...group].sort((a, b) =>
      a.eventTimeUs === b.eventTimeUs ? Number(a.seq - b.seq) : Number(a.eventTimeUs - b.eventTimeUs),
    );
    const prices = group.map((e) => decimal(e.price));
    const sizes = group.map((e) => decimal(e.size));
    const sumPrice = prices.reduce((a, b) => a + b, 0n);
    const volume = sizes.reduce((a, b) => a + b, 0n);
    const notional = prices.reduce((sum, price, i) => sum + price * (sizes[i] as bigint), 0n);
    const n = group.length;
    const mean = Number(sumPrice) / Number(ONE) / n;
    const variance = prices.reduce((sum, p) => sum + (Number(p) / Number(ONE) - mean) ** 2, 0) / n;
    return {
      symbol: group[0]!.symbol,
      windowStartUs: start,
      windowEndUs: start + sizeUs,
      open: ordered[0]!.price,
      close: ordered[ordered.length - 1]!.price,
      high: text(prices.reduce((a, b) => (b > a ? b : a))),
      low: text(prices.reduce((a, b) => (b < a ? b : a))),
      avgPrice: mean,
      vwap: volume === 0n ? null : Number(notional) / Number(ONE) / Number(volume),
      volume: text(volume),
      tradeCount: n,
      priceStddev: Math.sqrt(variance),
    };
  });
}
