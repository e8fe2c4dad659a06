/** Version of the event contract (docs/architecture.md#event-contract) this tool writes. */
export const EVENT_SCHEMA_VERSION = 1;

/** One tick as it travels through Kafka: the event contract of docs/architecture.md#event-contract. */
export interface TickEvent {
  /** Schema version. */
  v: typeof EVENT_SCHEMA_VERSION;
  /** Id of the benchmark run. */
  run_id: string;
  /** Per-run sequence number; (run_id, seq) is unique. */
  seq: number;
  /** Pair, e.g. BTC-USD. */
  symbol: string;
  /** Price as a decimal string (never a 32-bit float). */
  price: string;
  /** Size as a decimal string. */
  size: string;
  /** When it happened at the source, epoch µs. */
  event_time: number;
  /** When the open-loop schedule wanted it sent, epoch µs. */
  intended_at: number;
  /** When the producer accepted it for Kafka (the moment a Kafka client's `send()` takes a record), epoch µs. */
  produced_at: number;
}

/**
 * The Kafka record value of an event as JSON text: `JSON.stringify` of the contract's fields in this order. This is
 * the definition; the producer writes the same text faster with {@link EventEncoder}.
 */
export function eventJson(event: TickEvent): string {
  return JSON.stringify(event);
}

/** The Kafka record value of an event: UTF-8 JSON. */
export function encodeEvent(event: TickEvent): Buffer {
  return Buffer.from(eventJson(event), 'utf8');
}

/** Whether JSON.stringify writes `text` as it is, between quotes: no quote, backslash, control character or surrogate. */
function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

function jsonString(text: string): string {
  return isPlain(text) ? `"${text}"` : JSON.stringify(text);
}

function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * Writes {@link eventJson}'s exact text for the events of one run from a template: the run id is quoted once, the
 * other fields are joined into one string, with no event object and no generic serializer per event (a unit test
 * pins that the text equals `JSON.stringify` of the event, odd strings and numbers included).
 */
export class EventEncoder {
  private readonly prefix: string;

  /** The encoder of run `runId`'s events. */
  constructor(runId: string) {
    this.prefix = `{"v":${EVENT_SCHEMA_VERSION},"run_id":${JSON.stringify(runId)},"seq":`;
  }

  /** The value of the event with these fields, the same text as `eventJson`. */
  json(
    seq: number,
    symbol: string,
    price: string,
    size: string,
    eventTimeUs: number,
    intendedAtUs: number,
    producedAtUs: number,
  ): string {
    // A synthetic tick's event time is its intended time: one number written once.
    const intended = jsonNumber(intendedAtUs);
    const eventTime = eventTimeUs === intendedAtUs ? intended : jsonNumber(eventTimeUs);
    return (
      this.prefix +
      jsonNumber(seq) +
      ',"symbol":' +
      jsonString(symbol) +
      ',"price":' +
      jsonString(price) +
      ',"size":' +
      jsonString(size) +
      ',"event_time":' +
      eventTime +
      ',"intended_at":' +
      intended +
      ',"produced_at":' +
      jsonNumber(producedAtUs) +
      '}'
    );
  }
}
