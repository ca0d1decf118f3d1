import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_POLICY, keepaliveFor, nextReconnectDelay, reconnectSchedule } from '../../../electron/core/sftp/reconnect-policy';

describe('reconnect policy', () => {
  it('backs off from 0.5 s doubling to 30 s and gives up after about two minutes', () => {
    const waits = reconnectSchedule(DEFAULT_RECONNECT_POLICY);
    expect(waits.slice(0, 7)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000]);
    expect(waits.every((w) => w <= 30_000)).toBe(true);
    const total = waits.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(120_000);
    expect(total + 30_000).toBeGreaterThan(120_000);
  });

  it('says null once the next wait would pass the give-up time', () => {
    expect(nextReconnectDelay(DEFAULT_RECONNECT_POLICY, 1, 119_600)).toBeNull();
    expect(nextReconnectDelay(DEFAULT_RECONNECT_POLICY, 1, 0)).toBe(500);
    expect(() => nextReconnectDelay(DEFAULT_RECONNECT_POLICY, 0, 0)).toThrow(RangeError);
  });

  it('maps the dead-link setting to ssh2 keepalive options, clamped to 5–120 s', () => {
    expect(keepaliveFor(15)).toEqual({ keepaliveIntervalMs: 3750, keepaliveCountMax: 3, readyTimeoutMs: 15_000 });
    expect(keepaliveFor(1).keepaliveIntervalMs).toBe(1250);
    expect(keepaliveFor(1000).keepaliveIntervalMs).toBe(30_000);
    expect(keepaliveFor(Number.NaN).keepaliveIntervalMs).toBe(3750);
  });
});
