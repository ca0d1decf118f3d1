// The unfinished-transfers journal on disk: written and read back, coalesced writes (driven by a
// scheduler the test runs by hand: no timing), a corrupt file kept aside and reported, damaged
// entries left out while the valid ones are kept.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_FILE, TransferJournal, type JournalEntry, type Scheduler } from '../../../electron/core/transfers/transfer-journal';
import { tempDir } from './helpers';

function entry(id: string, over: Partial<JournalEntry> = {}): JournalEntry {
  return {
    id,
    server: { bookmarkId: 'b1', host: 'example.org', port: 22, username: 'me' },
    direction: 'upload',
    sources: ['/home/me/big.bin'],
    targetDir: '/srv/in',
    conflict: 'ask',
    preservePermissions: true,
    label: 'big.bin',
    parts: ['/srv/in/big.bin.skiffpart'],
    finished: [],
    bytesDone: 10,
    bytesTotal: 100,
    filesDone: 0,
    filesTotal: 1,
    addedAt: 1_700_000_000_000,
    ...over,
  };
}

/** A scheduler that only records: the test decides when the write happens. */
function manual(): Scheduler & { armed: Array<() => void>; runAll(): void } {
  const armed: Array<() => void> = [];
  const schedule: Scheduler = (fn) => {
    armed.push(fn);
    return () => {
      const i = armed.indexOf(fn);
      if (i >= 0) armed.splice(i, 1);
    };
  };
  return Object.assign(schedule, {
    armed,
    runAll: () => {
      for (const fn of armed.splice(0)) fn();
    },
  });
}

describe('TransferJournal', () => {
  it('writes entries and reads them back after a restart; removed ones are gone', async () => {
    const dir = tempDir('skiff-journal-');
    const j = await TransferJournal.open({ configDir: dir });
    j.put('a', entry('a'));
    j.put('b', entry('b', { direction: 'download', sources: ['/srv/x'], targetDir: '/home/me', parts: ['/home/me/x.skiffpart'] }));
    await j.flush();
    const file = path.join(dir, JOURNAL_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = await TransferJournal.open({ configDir: dir });
    expect(again.problems).toEqual([]);
    expect(again.list()).toEqual([
      entry('a'),
      entry('b', { direction: 'download', sources: ['/srv/x'], targetDir: '/home/me', parts: ['/home/me/x.skiffpart'] }),
    ]);
    again.remove('a');
    await again.close();
    again.put('c', entry('c')); // closed: ignored
    await again.flush();
    expect((await TransferJournal.open({ configDir: dir })).list().map((e) => e.id)).toEqual(['b']);
  });

  it('coalesces: a burst of changes arms one write, describes each job once, and nothing is written before it runs', async () => {
    const dir = tempDir('skiff-journal-');
    const schedule = manual();
    const j = await TransferJournal.open({ configDir: dir, schedule });
    let described = 0;
    for (let i = 0; i <= 100; i++) {
      j.put('a', () => {
        described++;
        return entry('a', { bytesDone: i });
      });
    }
    expect(schedule.armed).toHaveLength(1);
    expect(described).toBe(0);
    expect(existsSync(path.join(dir, JOURNAL_FILE))).toBe(false);

    schedule.runAll();
    await j.flush(); // waits for the write the timer started
    expect(described).toBe(1);
    expect((await TransferJournal.open({ configDir: dir })).get('a')?.bytesDone).toBe(100);
    const ino = statSync(path.join(dir, JOURNAL_FILE)).ino;

    // Nothing changed since: no write (an atomic write would give the file a new inode).
    await j.flush();
    expect(statSync(path.join(dir, JOURNAL_FILE)).ino).toBe(ino);
    expect(schedule.armed).toHaveLength(0);

    // The next change arms the timer again; flush() (quitting) writes without waiting for it.
    j.put('a', entry('a', { bytesDone: 101 }));
    expect(schedule.armed).toHaveLength(1);
    await j.flush();
    expect(schedule.armed).toHaveLength(0);
    expect((await TransferJournal.open({ configDir: dir })).get('a')?.bytesDone).toBe(101);
  });

  it('a corrupt file is kept aside byte for byte, reported, and the journal starts empty', async () => {
    const dir = tempDir('skiff-journal-');
    mkdirSync(dir, { recursive: true });
    const bytes = '{"version": 1, "jobs": [ {"id": "a",';
    writeFileSync(path.join(dir, JOURNAL_FILE), bytes);
    const j = await TransferJournal.open({ configDir: dir, now: () => new Date('2026-12-03T10:00:00Z') });
    expect(j.list()).toEqual([]);
    expect(j.problems).toHaveLength(1);
    const p = j.problems[0]!;
    expect(p).toMatchObject({ kind: 'parse', file: path.join(dir, JOURNAL_FILE) });
    expect(p.message).toContain('Unfinished transfers file is not valid JSON');
    expect(p.keptAs).toBe(path.join(dir, `${JOURNAL_FILE}.corrupt-2026-12-03T10-00-00.000Z`));
    expect(readFileSync(p.keptAs!, 'utf8')).toBe(bytes);
    // The main file is valid again, so the next start is clean.
    expect((await TransferJournal.open({ configDir: dir })).problems).toEqual([]);
  });

  it('keeps the valid entries of a damaged file and names the bad ones; a part path that is not a .skiffpart is refused', async () => {
    const dir = tempDir('skiff-journal-');
    mkdirSync(dir, { recursive: true });
    const bad = { ...entry('evil'), parts: ['/home/me/thesis.odt'] };
    writeFileSync(path.join(dir, JOURNAL_FILE), JSON.stringify({ version: 1, jobs: [entry('a'), bad] }));
    const j = await TransferJournal.open({ configDir: dir });
    expect(j.list().map((e) => e.id)).toEqual(['a']);
    expect(j.problems[0]).toMatchObject({ kind: 'schema', issues: [{ path: 'jobs[1].parts[0]', message: 'not a part file' }] });
    expect(j.problems[0]?.keptAs).toBeDefined();
    expect(readdirSync(dir).filter((n) => n.includes('.corrupt-'))).toHaveLength(1);
  });

  it('an entry that does not validate is left out; the others are still written', async () => {
    const dir = tempDir('skiff-journal-');
    const j = await TransferJournal.open({ configDir: dir });
    j.put('a', entry('a'));
    j.put('bad', entry('bad', { parts: ['/srv/in/.skiffpart'] }));
    await j.flush();
    expect((await TransferJournal.open({ configDir: dir })).list().map((e) => e.id)).toEqual(['a']);
  });
});
