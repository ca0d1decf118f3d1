// The heap tuning policy: set while transfers run, V8's default back as soon as none runs.
// The V8 flag itself is process-wide and cannot be read back, so the policy is observed through
// the setter seam; that the flag exists in this runtime's V8 is checked in a child process.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRANSFER_HEAP_GROWING_PERCENT, holdTransferHeapTuning, setHeapFlagSetter } from '../../../electron/core/transfers/heap-tuning';
import { TransferQueue } from '../../../electron/core/transfers/transfer-queue';
import { localEndpoint, patternBytes, tempDir, writeFile } from './helpers';

const ON = `--heap-growing-percent=${TRANSFER_HEAP_GROWING_PERCENT}`;
const OFF = '--heap-growing-percent=0';

describe('transfer heap tuning', () => {
  let calls: string[];
  let restore: ((flags: string) => void) | undefined;
  beforeEach(() => {
    calls = [];
    restore = setHeapFlagSetter((f) => calls.push(f));
  });
  afterEach(() => {
    if (restore) setHeapFlagSetter(restore);
  });

  it('is reference-counted and each release counts once', () => {
    const a = holdTransferHeapTuning();
    const b = holdTransferHeapTuning();
    expect(calls).toEqual([ON]);
    a();
    a();
    expect(calls).toEqual([ON]);
    b();
    expect(calls).toEqual([ON, OFF]);
  });

  it('holds while jobs run and restores the default before the last job settles', async () => {
    const src = tempDir();
    const dst = tempDir();
    writeFile(path.join(src, 'a.bin'), patternBytes(3 * 1024 * 1024, 1));
    writeFile(path.join(src, 'b.bin'), patternBytes(1024, 2));
    const q = new TransferQueue({ defaultConflict: 'overwrite' });
    const seenWhileRunning: string[][] = [];
    q.onEvent((e) => {
      if (e.type === 'progress') seenWhileRunning.push([...calls]);
    });
    const j1 = q.add({ direction: 'download', source: localEndpoint(), sources: [path.join(src, 'a.bin')], target: localEndpoint(), targetDir: dst });
    const j2 = q.add({ direction: 'download', source: localEndpoint(), sources: [path.join(src, 'b.bin')], target: localEndpoint(), targetDir: dst });
    const [s1, s2] = await Promise.all([q.whenSettled(j1.id), q.whenSettled(j2.id)]);
    expect([s1.state, s2.state]).toEqual(['done', 'done']);
    // Two concurrent jobs: set once, reset once, and already reset when the caller hears "settled".
    expect(calls).toEqual([ON, OFF]);
    expect(seenWhileRunning.length).toBeGreaterThan(0);
    for (const c of seenWhileRunning) expect(c).toEqual([ON]);
  });

  it('restores the default after a failed job, and never touches the flag when turned off', async () => {
    const dst = tempDir();
    const q = new TransferQueue();
    const failed = await q.whenSettled(q.add({ direction: 'download', source: localEndpoint(), sources: ['/nonexistent-skiff/x.bin'], target: localEndpoint(), targetDir: dst }).id);
    expect(failed.state).toBe('failed');
    expect(calls).toEqual([ON, OFF]);

    calls.length = 0;
    const src = tempDir();
    writeFile(path.join(src, 'c.bin'), 'c');
    const off = new TransferQueue({ tuneHeap: false });
    const ok = await off.whenSettled(off.add({ direction: 'download', source: localEndpoint(), sources: [path.join(src, 'c.bin')], target: localEndpoint(), targetDir: dst }).id);
    expect(ok.state).toBe('done');
    expect(calls).toEqual([]);
  });
});

describe('the V8 flag the tuning sets', () => {
  // V8 reports an unknown flag on stderr (it does not throw), so stderr is what tells.
  const stderrOf = (flag: string): string => {
    const r = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stderr;
  };

  it('is known to this runtime’s V8 (an unknown flag, as a control, is reported)', () => {
    expect(stderrOf('--skiff-no-such-flag=1')).toMatch(/unrecognized|unknown|Error/i);
    expect(stderrOf(ON)).toBe('');
    expect(stderrOf(OFF)).toBe('');
  });
});
