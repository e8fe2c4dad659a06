import { createRecordsBatch, Reader, readRecordsBatch } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { encodeRecordBatch, type BatchRecord } from './record-batch.js';

const header = { producerId: 4_321n, producerEpoch: 3, firstSequence: 1_000, timestampMs: 1_764_590_400_123 };

/** The batch @platformatic/kafka itself makes of the same records, with the same header. */
function clientBatch(records: BatchRecord[]): Buffer {
  const messages = records.map((r) => ({
    topic: 't',
    partition: 1,
    key: Buffer.from(r.key),
    value: Buffer.from(r.value),
    headers: new Map(),
    timestamp: BigInt(header.timestampMs),
  }));
  const sequences = new Map([['t:1', header.firstSequence]]) as unknown as Map<string, number> & {
    getWithDefault(key: string, fallback: number): number;
  };
  sequences.getWithDefault = (key, fallback) => sequences.get(key) ?? fallback;
  return createRecordsBatch(messages, {
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    sequences,
  } as Parameters<typeof createRecordsBatch>[1]).buffer;
}

function records(count: number, value: (i: number) => string): BatchRecord[] {
  return Array.from({ length: count }, (_, i) => ({ key: `SYM${i % 7}-USD`, value: value(i) }));
}

describe('encodeRecordBatch', () => {
  it('writes the same bytes as the Kafka client for one record', () => {
    const one = records(1, () => '{"v":1}');
    expect(encodeRecordBatch(one, 0, 1, header).equals(clientBatch(one))).toBe(true);
  });

  it('writes the same bytes as the Kafka client for 500 event-sized records', () => {
    const many = records(
      500,
      (i) => `{"v":1,"run_id":"r","seq":${i * 977},"price":"${(i * 3.7).toFixed(2)}"}`,
    );
    expect(encodeRecordBatch(many, 0, 500, header).equals(clientBatch(many))).toBe(true);
  });

  it('writes the same bytes for values of multi-byte UTF-8 and varint lengths of several bytes', () => {
    const odd = records(300, (i) => 'é€😀'.repeat(i % 5) + 'x'.repeat(i * 70));
    expect(encodeRecordBatch(odd, 0, 300, header).equals(clientBatch(odd))).toBe(true);
  });

  it('encodes a slice of the records, which the client reads back with offsets from 0', () => {
    const all = records(10, (i) => `value ${i}`);
    const batch = encodeRecordBatch(all, 4, 7, header);
    expect(batch.equals(clientBatch(all.slice(4, 7)))).toBe(true);
    const read = readRecordsBatch(Reader.from(batch));
    expect(read.records.map((r) => String(r.value))).toEqual(['value 4', 'value 5', 'value 6']);
    expect(read.firstSequence).toBe(header.firstSequence);
  });

  it('refuses an empty batch', () => {
    expect(() => encodeRecordBatch([], 0, 0, header)).toThrow(RangeError);
  });
});
