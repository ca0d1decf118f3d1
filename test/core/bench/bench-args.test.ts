import { describe, expect, it } from 'vitest';
import { ALL_CASES, parseBenchArgs } from '../../bench/args';

const MiB = 1024 * 1024;

describe('bench flags', () => {
  it('loopback by default: 1 GiB and 2,000 × 16 KiB, no proxy', () => {
    const a = parseBenchArgs([]);
    expect(a).toMatchObject({ rttMs: 0, rateMbit: null, largeSize: 1024 * MiB, smallCount: 2000, pairs: 3, scale: 1, warmup: true, only: ALL_CASES });
  });

  it('--rtt switches the default sizes to 256 MiB and 200 files; --scale scales them', () => {
    expect(parseBenchArgs(['--rtt', '40'])).toMatchObject({ rttMs: 40, largeSize: 256 * MiB, smallCount: 200 });
    expect(parseBenchArgs(['--rtt', '100', '--rate', '1000', '--scale', '0.5'])).toMatchObject({
      rttMs: 100,
      rateMbit: 1000,
      largeSize: 128 * MiB,
      smallCount: 100,
    });
    expect(parseBenchArgs(['--rtt', '40', '--quick']).smallCount).toBe(20);
  });

  it('rejects bad values with a clear message', () => {
    expect(() => parseBenchArgs(['--rtt', '-1'])).toThrow(/--rtt/);
    expect(() => parseBenchArgs(['--rtt', 'abc'])).toThrow(/--rtt/);
    expect(() => parseBenchArgs(['--rate', '0'])).toThrow(/--rate/);
    expect(() => parseBenchArgs(['--only', 'huge-upload'])).toThrow(/unknown case/);
    expect(() => parseBenchArgs(['--delay', '20'])).toThrow();
  });
});
