// patches/ssh2+1.17.0.patch (applied by `npm install`'s postinstall, patch-package) makes ssh2
// take each packet's random padding from a pool of CSPRNG bytes instead of one randomFillSync
// call per packet. These check that the installed ssh2 carries it and that the padding it
// produces is still random: different in every packet, never a reused or zeroed run.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const cryptoPath = require.resolve('ssh2/lib/protocol/crypto.js');
const { NullCipher } = require(cryptoPath) as { NullCipher: new (seqno: number, onWrite: (b: Buffer) => void) => { allocPacket(n: number): Buffer } };

describe('ssh2 packet padding (patched)', () => {
  it('the installed ssh2 takes padding from the pool, in every cipher', () => {
    const src = readFileSync(cryptoPath, 'utf8');
    expect(src).toContain('function fillPadding(');
    expect(src.match(/fillPadding\(packet, 5 \+ payloadLen, padLen\)/g)).toHaveLength(7);
    expect(src).not.toMatch(/randomFillSync\(packet,/);
  });

  it('pads every packet with fresh random bytes, across pool refills', () => {
    const c = new NullCipher(0, () => undefined);
    const pads = new Set<string>();
    let zeros = 0;
    let bytes = 0;
    // 4,000 packets of 4–11 bytes of padding: several refills of the 4 KiB pool.
    for (let i = 0; i < 4000; i++) {
      const payload = i % 64;
      const p = c.allocPacket(payload);
      const padLen = p[4]!;
      expect(padLen).toBeGreaterThanOrEqual(4);
      const pad = p.subarray(5 + payload, 5 + payload + padLen);
      pads.add(pad.toString('hex'));
      zeros += pad.filter((b) => b === 0).length;
      bytes += pad.length;
    }
    // Random 4+ byte strings: no repeats expected among 4,000 (a reused pool run would repeat).
    expect(pads.size).toBe(4000);
    // About 1 byte in 256 is zero; a zeroed or unfilled pool would make far more.
    expect(zeros / bytes).toBeLessThan(0.02);
  });
});
