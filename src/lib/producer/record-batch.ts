import { crc32c } from '@platformatic/kafka';

/** One record of a batch: key and value as text, written as UTF-8. */
export interface BatchRecord {
  /** Record key (the symbol). */
  key: string;
  /** Record value (the event contract's JSON). */
  value: string;
}

/** What an idempotent producer stamps on a batch (Kafka's RecordBatch v2 header). */
export interface BatchHeader {
  /** Producer id from InitProducerId. */
  producerId: bigint;
  /** Producer epoch from InitProducerId. */
  producerEpoch: number;
  /** Sequence number of the batch's first record in its partition. */
  firstSequence: number;
  /** Create time of every record, epoch ms (the topic overrides it with LogAppendTime). */
  timestampMs: number;
}

/** RecordBatch v2 bytes before the records: baseOffset 8, length 4, leader epoch 4, magic 1, crc 4, the rest 40. */
const BATCH_OVERHEAD = 61;
/** Where the CRC'd part begins (attributes), and where the CRC itself sits. */
const CRC_START = 21;
const CRC_AT = 17;
/** Bytes of a record besides its key and value: length ≤5, attributes 1, ts delta 1, offset delta ≤5, 2 lengths ≤5, headers 1. */
const RECORD_OVERHEAD = 23;

/**
 * Encodes records as one Kafka RecordBatch v2 (magic 2, uncompressed, no headers, every record at
 * `timestampMs`) straight into one Buffer: the bytes `@platformatic/kafka`'s `createRecordsBatch` makes for the
 * same records (a unit test pins it), without its per-record writers, BigInts and buffer concatenations, which
 * were the largest part of the producer's CPU per event. The CRC is the client's own CRC32C (native when
 * `@node-rs/crc32` is installed).
 */
export function encodeRecordBatch(
  records: readonly BatchRecord[],
  start: number,
  end: number,
  header: BatchHeader,
): Buffer {
  const count = end - start;
  if (count <= 0) throw new RangeError('a record batch holds at least one record');
  const keyBytes = new Int32Array(count);
  const valueBytes = new Int32Array(count);
  let size = BATCH_OVERHEAD;
  for (let i = 0; i < count; i++) {
    const record = records[start + i] as BatchRecord;
    const k = Buffer.byteLength(record.key, 'utf8');
    const v = Buffer.byteLength(record.value, 'utf8');
    keyBytes[i] = k;
    valueBytes[i] = v;
    size += RECORD_OVERHEAD + k + v;
  }
  const buffer = Buffer.allocUnsafe(size);
  let at = BATCH_OVERHEAD;
  for (let i = 0; i < count; i++) {
    const record = records[start + i] as BatchRecord;
    const k = keyBytes[i] as number;
    const v = valueBytes[i] as number;
    // attributes, timestampDelta 0, offsetDelta, key, value, no headers
    const bodyBytes = 3 + varIntSize(i) + varIntSize(k) + k + varIntSize(v) + v;
    at = writeVarInt(buffer, at, bodyBytes);
    buffer[at++] = 0;
    buffer[at++] = 0;
    at = writeVarInt(buffer, at, i);
    at = writeVarInt(buffer, at, k);
    at += buffer.write(record.key, at, k, 'utf8');
    at = writeVarInt(buffer, at, v);
    at += buffer.write(record.value, at, v, 'utf8');
    buffer[at++] = 0;
  }
  const batch = buffer.subarray(0, at);
  batch.writeUInt32BE(0, 0); // baseOffset (int64) 0
  batch.writeUInt32BE(0, 4);
  batch.writeInt32BE(at - 12, 8); // length: everything after this field
  batch.writeInt32BE(0, 12); // partitionLeaderEpoch
  batch[16] = 2; // magic
  batch.writeInt16BE(0, 21); // attributes: no compression, not transactional
  batch.writeInt32BE(count - 1, 23); // lastOffsetDelta
  writeInt64(batch, 27, header.timestampMs); // firstTimestamp
  writeInt64(batch, 35, header.timestampMs); // maxTimestamp
  batch.writeBigInt64BE(header.producerId, 43);
  batch.writeInt16BE(header.producerEpoch, 51);
  batch.writeInt32BE(header.firstSequence, 53);
  batch.writeInt32BE(count, 57);
  batch.writeUInt32BE(crc32c(batch.subarray(CRC_START)), CRC_AT);
  return batch;
}

/** Bytes of a zigzag varint of a non-negative int32. */
function varIntSize(value: number): number {
  const zigzag = value * 2;
  if (zigzag < 0x80) return 1;
  if (zigzag < 0x4000) return 2;
  if (zigzag < 0x200000) return 3;
  if (zigzag < 0x10000000) return 4;
  return 5;
}

/** Writes a non-negative int32 as a zigzag varint; returns the position after it. */
function writeVarInt(buffer: Buffer, at: number, value: number): number {
  let zigzag = value * 2;
  while (zigzag >= 0x80) {
    buffer[at++] = (zigzag & 0x7f) | 0x80;
    zigzag = Math.floor(zigzag / 128);
  }
  buffer[at++] = zigzag;
  return at;
}

/** Writes a non-negative integer below 2^53 as a big-endian int64. */
function writeInt64(buffer: Buffer, at: number, value: number): void {
  buffer.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at);
  buffer.writeUInt32BE(value % 0x1_0000_0000, at + 4);
}
