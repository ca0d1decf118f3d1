// Developer probe (not part of `npm run bench`): runs one engine case repeatedly on one open
// session with different tunings, to see where time goes. Usage:
//   npx tsx test/bench/probe.ts small-download 2000 "files=24,channels=4" "files=48,channels=8"
// (tunings: files, channels, wchannels (writeChannels), requests per file, heapmin = the queue's heapTuningMinBytes)
// Each run prints its wall time, the client's CPU, the CPU of sshd's process tree (sshd and
// sftp-server) and each thread of this process. Environment:
//   PROBE_REPS=N          runs per tuning (3)
//   PROBE_RTT=ms          both directions through the test bed's delay link (test/support/link-proxy.ts)
//   PROBE_AB="A|B"        alternates settings run by run, so A and B meet the same machine state:
//                         `files=128` (a tuning), `V8=--flag` (v8.setFlagsFromString) or
//                         `NAME=value` (an environment variable the code reads at run time).
//                         Use "A|B|B|A": runs of one process can alternate fast and slow (2,000 small
//                         files on one queue: one variant came out 9 % slower on the even runs and 14 %
//                         faster on the odd ones), and A|B gives that to one side
//   PROBE_NEW_SESSION=1   a new session for every run (`alt`: every other run)
//   PROBE_CONNECTOR=1     the endpoint gets a connector for second connections, as in the bench
//   PROBE_IDLE_GC=0       no idle collection between runs (it would land in the next run)
//   PROBE_GC_BETWEEN=1    the idle collection right before each run instead (`plain`: V8's gc() alone)
//   PROBE_ONE_QUEUE=1     one TransferQueue and LocalFs for all runs, as in the app (default: new ones per run)
//   PROBE_GC_AFTER=kind   right after each run `minor`, `full` (gc()) or `idle` (the idle collection), then 300 ms idle
//   PROBE_MEM=1           after each run: V8's heap, external memory, ArrayBuffers, and the RSS by kind of mapping
//   PROBE_SNAP_REP=N      heap snapshots around run N: /tmp/a.heapsnapshot PROBE_SNAP_AT ms (120) into it, and
//                         /tmp/b.heapsnapshot after it and a gc() (what only the running job kept alive)
//   PROBE_SLEEP_MS=ms     the process idles this long right before each run (as between the bench's runs)
//   PROBE_HEAPSAMPLE=1    the third run's allocations (collected ones too) to /tmp/alloc.heapprofile
//                         (PROBE_SAMPLE_BYTES: the sampling interval, 1024; PROBE_HEAPSAMPLE_MAJOR=1: only what
//                         survived the young generation's collections)
//   PROBE_CPUPROFILE=1    the third run's CPU profile (main thread) to /tmp/run.cpuprofile
//   PROBE_PROFILE_REP=N   profile run N instead of the third (0-based)
//   PROBE_FRESH_OUT=1     each run writes into a new folder, none deleted before the end (as the bench)
//   PROBE_BETWEEN=cmd     a shell command right before each run (PROBE_PORT, PROBE_USER, PROBE_KEY, PROBE_REMOTE, PROBE_WORK set)
//   PROBE_TRACE=1         for the last run, when its SFTP requests were sent and answered (ms from
//                         the run's start), by request and channel; channel opens as CHANNEL
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { LocalFs } from '../../electron/core/fs/local-fs';
import { connect } from '../../electron/core/sftp/session';
import { collectIdleGarbage } from '../../electron/core/transfers/heap-tuning';
import { TransferQueue } from '../../electron/core/transfers/transfer-queue';
import { sessionEndpoint } from '../../electron/core/transfers/session-endpoint';
import { setFlagsFromString } from 'node:v8';
import { startLinkProxy } from '../support/link-proxy';
import { startSshd } from '../support/sshd';

/** CPU seconds (utime + stime) of a process tree rooted at `root`, read from /proc. */
function treeCpu(root: number): number {
  const kids = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      cpu.set(Number(d), (Number(f[11]) + Number(f[12])) / 100);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  let sum = 0;
  const walk = (p: number): void => {
    sum += cpu.get(p) ?? 0;
    for (const k of kids.get(p) ?? []) walk(k);
  };
  walk(root);
  return sum;
}

/** This process's threads' CPU seconds, by thread (`name:tid`; the main thread's name ends in `*`). */
function threadCpu(): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const st = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')) + (t === String(process.pid) ? '*' : '') + ':' + t;
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      m.set(name, (m.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      /* gone */
    }
  }
  return m;
}

/** V8's gc(), made available at run time (`{ type: 'minor' }` for a young-generation collection). */
function v8gc(): (options?: { type: 'minor' | 'major' }) => void {
  setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
}

type Callback = (...args: unknown[]) => unknown;
type Methods = Record<string, Callback | undefined>;

/**
 * Wraps ssh2's SFTP requests and channel opens (PROBE_TRACE=1) to log when each was sent and
 * answered; `print()` shows, per request and channel, the spread of both.
 */
function traceSftp(): { reset(): void; print(): void } {
  const req = createRequire(import.meta.url);
  const sftpProto = (req('ssh2/lib/protocol/SFTP.js') as { SFTP: { prototype: Methods } }).SFTP.prototype;
  const clientProto = (req('ssh2/lib/client.js') as { prototype: Methods }).prototype;
  const log: Array<[number, number, string]> = [];
  let t0 = performance.now();
  const now = () => performance.now() - t0;
  const channelOf = (self: unknown): string => String((self as { outgoing?: { id?: number } } | undefined)?.outgoing?.id ?? '?');
  const wrap = (proto: Methods, name: string, key: (self: unknown, result: unknown[]) => string): void => {
    const orig = proto[name];
    if (typeof orig !== 'function') return;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const cb = args[args.length - 1];
      if (typeof cb === 'function') {
        const sent = now();
        args[args.length - 1] = (...result: unknown[]) => {
          log.push([sent, now(), key(this, result)]);
          return (cb as Callback)(...result);
        };
      }
      return orig.apply(this, args);
    };
  };
  for (const m of [
    'open',
    'write',
    'read',
    'close',
    'fsetstat',
    'setstat',
    'rename',
    'ext_openssh_rename',
    'mkdir',
    'stat',
    'lstat',
    'fstat',
    'readdir',
    'opendir',
    'realpath',
    'unlink',
    'utimes',
    'futimes',
  ])
    wrap(sftpProto, m, (self) => `${m} ch${channelOf(self)}`);
  for (const m of ['sftp', 'sftpPipelined']) wrap(clientProto, m, (_self, result) => `CHANNEL (${m}) ch${channelOf(result[1])}`);
  return {
    reset: () => {
      log.length = 0;
      t0 = performance.now();
    },
    print: () => {
      const rows = new Map<string, Array<[number, number]>>();
      for (const [sent, done, k] of log) rows.set(k, [...(rows.get(k) ?? []), [sent, done]]);
      for (const [k, v] of [...rows].sort((a, b) => Math.min(...a[1].map((x) => x[0])) - Math.min(...b[1].map((x) => x[0])))) {
        const sent = v.map((x) => x[0]);
        const done = v.map((x) => x[1]);
        const span = (xs: number[]) => `${Math.min(...xs).toFixed(0)}..${Math.max(...xs).toFixed(0)}`;
        console.log(`  ${k.padEnd(30)} n=${String(v.length).padStart(5)}  sent ${span(sent)} ms, answered ${span(done)} ms`);
      }
    },
  };
}

async function main(): Promise<void> {
  const [which = 'small-download', countArg = '2000', ...tunings] = process.argv.slice(2);
  const trace = process.env.PROBE_TRACE === '1' ? traceSftp() : null;
  const count = Number(countArg);
  const s = await startSshd();
  const rtt = Number(process.env.PROBE_RTT ?? 0);
  const link = rtt > 0 ? await startLinkProxy({ targetPort: s.port, delayMs: rtt / 2 }) : null;
  const port = link ? link.port : s.port;
  const work = mkdtempSync(path.join(os.tmpdir(), 'skiff-probe-'));
  const local = path.join(work, 'small');
  mkdirSync(local);
  for (let i = 0; i < count; i++) writeFileSync(path.join(local, `f${i}.bin`), Buffer.alloc(16 * 1024, i));
  const remoteRoot = path.join(s.scratch, 'probe');
  mkdirSync(remoteRoot);
  let sharedQueue: TransferQueue | undefined;
  let sharedLfs: { fs: LocalFs } | undefined;
  let session = await connect({ host: '127.0.0.1', port, username: s.user, privateKeyPath: s.clientKeys.ed25519, verifyHostKey: async () => true });
  try {
    for (const t of tunings.length ? tunings : ['']) {
      const o: Record<string, number> = {};
      for (const kv of t.split(',').filter(Boolean)) {
        const [k, v] = kv.split('=');
        o[k!] = Number(v);
      }
      for (let rep = 0; rep < Number(process.env.PROBE_REPS ?? 3); rep++) {
        const ab = (process.env.PROBE_AB ?? '').split('|').filter(Boolean);
        const label = ab.length ? ab[rep % ab.length]! : '';
        for (const kv of label.split(',').filter(Boolean)) {
          const [k, v] = kv.split('=');
          if (/^[a-z]+$/.test(k!)) o[k!] = Number(v);
          else if (k === 'V8') for (const f of v!.split(' ')) setFlagsFromString(f);
          else process.env[k!] = v;
        }
        // A new folder per run (as the bench's small-file runs): deleting 2,000 files right before
        // creating 2,000 in the same place slows every create on an ext4 without a journal (bench.ts).
        const outName = process.env.PROBE_FRESH_OUT === '1' ? `out-${rep}` : 'out';
        const out = which.endsWith('upload') ? path.join(remoteRoot, outName) : path.join(work, outName);
        rmSync(out, { recursive: true, force: true });
        mkdirSync(out);
        const src = which.endsWith('upload') ? local : path.join(remoteRoot, 'src');
        if (!which.endsWith('upload') && rep === 0 && !existsSync(src)) {
          mkdirSync(src);
          for (let i = 0; i < count; i++) writeFileSync(path.join(src, `f${i}.bin`), Buffer.alloc(16 * 1024, i));
        }
        const q = process.env.PROBE_ONE_QUEUE === '1' ? (sharedQueue ??= newQueue()) : newQueue();
        function newQueue(): TransferQueue {
          return new TransferQueue({
            defaultConflict: 'overwrite',
            ...(process.env.PROBE_IDLE_GC === '0' ? { idleGcDelayMs: null } : {}),
            ...(o.files ? { filesInFlight: o.files } : {}),
            ...(o.channels ? { channels: o.channels } : {}),
            ...(o.wchannels ? { writeChannels: o.wchannels } : {}),
            ...(o.requests ? { requestsPerFile: o.requests } : {}),
            ...(o.heapmin !== undefined ? { heapTuningMinBytes: o.heapmin } : {}),
          });
        }
        if (process.env.PROBE_NEW_SESSION === '1' || (process.env.PROBE_NEW_SESSION === 'alt' && rep % 2 === 1)) {
          await session.close();
          session = await connect({ host: '127.0.0.1', port, username: s.user, privateKeyPath: s.clientKeys.ed25519, verifyHostKey: async () => true });
        }
        const opener = () => connect({ host: '127.0.0.1', port, username: s.user, privateKeyPath: s.clientKeys.ed25519, verifyHostKey: async () => true });
        const remote = process.env.PROBE_CONNECTOR === '1' ? sessionEndpoint(session, undefined, opener) : sessionEndpoint(session);
        const lfs = process.env.PROBE_ONE_QUEUE === '1' ? (sharedLfs ??= { fs: new LocalFs() }) : { fs: new LocalFs() };
        const profiling = rep === Number(process.env.PROBE_PROFILE_REP ?? 2) && (process.env.PROBE_HEAPSAMPLE === '1' || process.env.PROBE_CPUPROFILE === '1');
        const insp = profiling ? new (await import('node:inspector')).Session() : null;
        if (insp) {
          insp.connect();
          if (process.env.PROBE_HEAPSAMPLE === '1')
            await new Promise<void>((r) =>
              insp.post(
                'HeapProfiler.startSampling',
                {
                  samplingInterval: Number(process.env.PROBE_SAMPLE_BYTES ?? 1024),
                  includeObjectsCollectedByMajorGC: true,
                  includeObjectsCollectedByMinorGC: process.env.PROBE_HEAPSAMPLE_MAJOR !== '1',
                } as object,
                () => r(),
              ),
            );
          if (process.env.PROBE_CPUPROFILE === '1') {
            await new Promise<void>((r) => insp.post('Profiler.enable', () => r()));
            await new Promise<void>((r) => insp.post('Profiler.start', () => r()));
          }
        }
        if (process.env.PROBE_GC_BETWEEN === '1') collectIdleGarbage();
        else if (process.env.PROBE_GC_BETWEEN === 'plain') {
          v8gc()();
        }
        if (process.env.PROBE_BETWEEN)
          execSync(process.env.PROBE_BETWEEN, {
            stdio: 'ignore',
            env: { ...process.env, PROBE_PORT: String(port), PROBE_USER: s.user, PROBE_KEY: s.clientKeys.ed25519, PROBE_REMOTE: remoteRoot, PROBE_WORK: work },
          });
        if (Number(process.env.PROBE_SLEEP_MS) > 0) await new Promise((r) => setTimeout(r, Number(process.env.PROBE_SLEEP_MS)));
        // The /proc readings first: the timed span (and the client's CPU) is the job's alone.
        const sshdPid = Number(readFileSync(path.join(s.dir, 'sshd.pid'), 'utf8'));
        const srv0 = treeCpu(sshdPid);
        const th0 = threadCpu();
        trace?.reset();
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        if (rep === Number(process.env.PROBE_SNAP_REP ?? -1)) {
          const { writeHeapSnapshot } = await import('node:v8');
          setTimeout(() => writeHeapSnapshot('/tmp/a.heapsnapshot'), Number(process.env.PROBE_SNAP_AT ?? 120));
        }
        const job = q.add(
          which.endsWith('upload')
            ? { direction: 'upload', source: lfs, sources: [src], target: remote, targetDir: out }
            : { direction: 'download', source: remote, sources: [src], target: lfs, targetDir: out },
        );
        const snap = await q.whenSettled(job.id);
        const cpu = process.cpuUsage(cpu0);
        if (insp) {
          if (process.env.PROBE_HEAPSAMPLE === '1') {
            if (process.env.PROBE_HEAPSAMPLE_MAJOR === '1') {
              // Young garbage out of the samples: what is left was promoted (or is still alive).
              v8gc()({ type: 'minor' });
              v8gc()({ type: 'minor' });
            }
            const prof = await new Promise<unknown>((r) => insp.post('HeapProfiler.stopSampling', (_e, res) => r(res)));
            writeFileSync('/tmp/alloc.heapprofile', JSON.stringify((prof as { profile: unknown }).profile));
          }
          if (process.env.PROBE_CPUPROFILE === '1') {
            const prof = await new Promise<unknown>((r) => insp.post('Profiler.stop', (_e, res) => r(res)));
            writeFileSync('/tmp/run.cpuprofile', JSON.stringify((prof as { profile: unknown }).profile));
          }
          insp.disconnect();
        }
        if (trace && rep === Number(process.env.PROBE_REPS ?? 3) - 1) trace.print();
        if (rep === Number(process.env.PROBE_SNAP_REP ?? -1)) {
          const { writeHeapSnapshot } = await import('node:v8');
          await new Promise((r) => setTimeout(r, 50));
          v8gc()();
          writeHeapSnapshot('/tmp/b.heapsnapshot');
        }
        const srv = treeCpu(sshdPid) - srv0;
        const th = threadCpu();
        const parts = [...th].map(([k, v]) => `${k} ${(v - (th0.get(k) ?? 0)).toFixed(2)}`).join(', ');
        if (process.env.PROBE_GC_AFTER) {
          const g = v8gc();
          if (process.env.PROBE_GC_AFTER === 'minor') g({ type: 'minor' });
          else if (process.env.PROBE_GC_AFTER === 'full') g();
          else if (process.env.PROBE_GC_AFTER === 'idle') collectIdleGarbage();
          await new Promise((r) => setTimeout(r, 300));
        }
        if (process.env.PROBE_MEM === '1') {
          const { getHeapStatistics } = await import('node:v8');
          const h = getHeapStatistics();
          const mu = process.memoryUsage();
          const sm = readFileSync('/proc/self/smaps', 'utf8').split('\n');
          const kinds = new Map<string, number>();
          let kind = '';
          for (const line of sm) {
            const hd = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
            if (hd) {
              const size = (parseInt(hd[2]!, 16) - parseInt(hd[1]!, 16)) / 1024;
              const name = hd[3] ?? '';
              kind = name
                ? name.startsWith('/')
                  ? 'file'
                  : name
                : size === 256
                  ? 'v8-256k'
                  : size >= 65536 - 1024 && size <= 65536
                    ? 'arena-64M'
                    : size % 256 === 0
                      ? 'anon-256k*'
                      : 'anon';
              continue;
            }
            const r = /^Rss:\s+(\d+) kB/.exec(line);
            if (r) kinds.set(kind, (kinds.get(kind) ?? 0) + Number(r[1]) / 1024);
          }
          console.log(
            '  rss by kind: ' +
              [...kinds]
                .sort((a, b) => b[1] - a[1])
                .map(([k, v]) => `${k} ${v.toFixed(0)}`)
                .join(', '),
          );
          console.log(
            `  mem after: heap used ${(h.used_heap_size / 2 ** 20).toFixed(1)} total ${(h.total_heap_size / 2 ** 20).toFixed(1)} external ${(h.external_memory / 2 ** 20).toFixed(1)} arrayBuffers ${(mu.arrayBuffers / 2 ** 20).toFixed(1)} rss ${(mu.rss / 2 ** 20).toFixed(0)}`,
          );
        }
        console.log(`  server tree CPU ${srv.toFixed(2)} s; threads: ${parts}`);
        console.log(
          `${which} ${t || 'default'} [${label}] rep ${rep}: ${((performance.now() - t0) / 1000).toFixed(3)} s ${snap.state} files ${snap.filesDone}, client CPU ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s`,
        );
      }
    }
  } finally {
    await session.close();
    await link?.stop();
    await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
