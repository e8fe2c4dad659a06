/**
 * An exact decimal: `units / 10^scale`. Gold's open, high, low, close and volume are compared exactly, as
 * PostgreSQL's `numeric` keeps them; JavaScript numbers would round.
 */
export interface Decimal {
  /** The digits, as an integer. */
  units: bigint;
  /** Digits after the point. */
  scale: number;
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses a decimal string (`"60000.10"`, `"-1"`, `".5"`); throws on anything else. */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === ''))
    throw new Error(`"${text}" is not a decimal number`);
  const fraction = match[3] ?? '';
  const units = BigInt(`${match[2] || '0'}${fraction}`);
  return { units: match[1] === '-' ? -units : units, scale: fraction.length };
}

function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** a + b, exactly. */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

/** a · b, exactly. */
export function multiplyDecimal(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Negative, zero or positive as a is below, equal to or above b. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const difference = rescale(a, scale) - rescale(b, scale);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** The shortest exact text of a decimal (no trailing zeros after the point): `"3.00"` → `"3"`. */
export function formatDecimal(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** a / b as the nearest double (to 30 decimals), however large the operands; null when b = 0. */
export function ratioOf(a: Decimal, b: Decimal): number | null {
  if (b.units === 0n) return null;
  // a/b = (a.units · 10^b.scale) / (b.units · 10^a.scale); keep 30 digits of quotient before converting.
  const numerator = a.units * 10n ** BigInt(b.scale + 30);
  const denominator = b.units * 10n ** BigInt(a.scale);
  // Through text, so the double is the correctly rounded value of the 30-digit quotient.
  return Number(formatDecimal({ units: numerator / denominator, scale: 30 }));
}

/** The zero decimal. */
export const ZERO: Decimal = { units: 0n, scale: 0 };
