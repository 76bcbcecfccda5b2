// Duration labels (views' ms()): milliseconds down to 0.1 ms, then microseconds, then nanoseconds, so
// that a script callback of a few dozen nanoseconds does not read "0 µs".
import { describe, expect, it } from 'vitest';
import { ms } from './colors';

describe('ms', () => {
  it('keeps two or three significant digits from seconds down to nanoseconds', () => {
    expect(ms(1234.5)).toBe('1235 ms');
    expect(ms(16.25)).toBe('16.3 ms');
    expect(ms(1.234)).toBe('1.23 ms');
    expect(ms(0.1)).toBe('0.10 ms');
    expect(ms(0.0999)).toBe('100 µs');
    expect(ms(0.0421)).toBe('42 µs');
    expect(ms(0.0042)).toBe('4.2 µs');
    expect(ms(0.001)).toBe('1.0 µs');
    expect(ms(0.000999)).toBe('999 ns');
    expect(ms(0.000021)).toBe('21 ns');
    expect(ms(0)).toBe('0 ns');
  });
});
