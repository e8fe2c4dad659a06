import { describe, expect, it } from 'vitest';
import { kafkajsSecurity, kafkaPropertiesArg } from './access.js';

describe("a cluster's Kafka client properties", () => {
  it('need nothing on a plaintext cluster', () => {
    expect(kafkajsSecurity({})).toEqual({});
    expect(kafkajsSecurity({ 'security.protocol': 'PLAINTEXT' })).toEqual({});
  });

  it('give the producer SASL/PLAIN over TLS from the JAAS line', () => {
    expect(
      kafkajsSecurity({
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'PLAIN',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="bench" password="s3cret";',
      }),
    ).toEqual({ ssl: true, sasl: { mechanism: 'plain', username: 'bench', password: 's3cret' } });
  });

  it('refuse a mechanism the CLI producer cannot speak, naming the key', () => {
    expect(() => kafkajsSecurity({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'GSSAPI' })).toThrow(
      /kafka.properties: the CLI's producer supports SASL PLAIN and SCRAM/,
    );
    expect(() => kafkajsSecurity({ 'security.protocol': 'TLS' })).toThrow(/security.protocol TLS/);
  });

  it('reach the jobs as one base64 Java properties argument, none when empty', () => {
    expect(kafkaPropertiesArg({})).toEqual([]);
    const [flag, value] = kafkaPropertiesArg({ 'sasl.jaas.config': 'a required b="c";' });
    expect(flag).toBe('--kafka-properties');
    expect(Buffer.from(value as string, 'base64').toString('utf8')).toBe(
      'sasl.jaas.config=a required b\\="c";',
    );
  });
});
