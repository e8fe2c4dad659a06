const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO-8601 UTC timestamp such as Coinbase's `2024-05-01T12:34:56.123456Z` into epoch microseconds,
 * keeping the microseconds (`Date.parse` drops everything below the millisecond). Digits beyond the
 * microsecond are truncated. Returns `undefined` for anything else.
 */
export function parseIsoTimeUs(text: string): number | undefined {
  const match = ISO_PATTERN.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const wholeMs = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  if (Number.isNaN(wholeMs)) return undefined;
  const fractionUs = Number(fraction.padEnd(6, '0').slice(0, 6));
  const offsetMinutes = zone === 'Z' ? 0 : zoneOffsetMinutes(zone);
  return (wholeMs - offsetMinutes * 60_000) * 1000 + fractionUs;
}

function zoneOffsetMinutes(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}
