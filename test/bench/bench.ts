// `npm run bench`: times Skiff's transfer engine against OpenSSH's own `sftp` client on the
// same real sshd and the same data, alternating A B A B so machine noise hits both alike.
// Every Skiff run is verified (size + sha256) so a fast but wrong engine cannot win.
//
//   npm run bench -- [--quick | --scale 0.1] [--rtt 40 [--rate 1000]] [--pairs 3] [--only large-download,small-upload] [--no-warmup] [--reuse-out] [--json out.json]
//
// Small-file runs each write into a folder no earlier run used, and nothing is deleted until the
// bench ends. Deleting thousands of files and then creating thousands in the same place is a
// cost of the bench, not of either client: on an ext4 without a journal (this machine's disk)
// the inode allocator steps over every inode freed in the last one to five minutes
// (`recently_deleted`), so each create got slower the more the bench had just deleted (perf:
// `__ext4_new_inode` ≈ 45 % of Skiff's writer thread; the cp -r floor 42–585 ms across runs).
// `--reuse-out` restores the old method (empty and reuse one folder) to compare.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalFs } from '../../electron/core/fs/local-fs';
import { connect } from '../../electron/core/sftp/session';
import type { SftpSession } from '../../electron/core/sftp/types';
import { TransferQueue } from '../../electron/core/transfers/transfer-queue';
import { sessionEndpoint } from '../../electron/core/transfers/session-endpoint';
import { startLinkProxy, type LinkProxy } from '../support/link-proxy';
import { findOpenSsh, startSshd, type SshdHandle } from '../support/sshd';
import { parseBenchArgs, type CaseName } from './args';
import { uploadRequestFloor } from './request-floor';

const MiB = 1024 * 1024;
const execFileP = promisify(execFile);

/**
 * Hashes of `names` in `dir`, by coreutils' sha256sum in a child process: hashing in this process
 * (1 GiB streams, 2,000 reads) left its buffers in the allocator's arenas, and the RSS each
 * later case started from — charged to the engine — grew by it.
 */
async function sha256sum(dir: string, names: string[]): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  const { stdout } = await execFileP('sha256sum', ['--', ...names], { cwd: dir, maxBuffer: 64 * MiB });
  for (const line of stdout.split('\n')) {
    const hit = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (hit) m.set(hit[2]!, hit[1]!);
  }
  if (m.size !== names.length) throw new Error(`sha256sum in ${dir} answered for ${m.size} of ${names.length} files`);
  return m;
}

async function sha256(file: string): Promise<string> {
  const name = path.basename(file);
  return (await sha256sum(path.dirname(file), [name])).get(name)!;
}

/** Writes `size` bytes of incompressible data without holding it in memory. */
function makeLargeFile(file: string, size: number): void {
  const fd = openSync(file, 'w');
  const block = Buffer.allocUnsafe(4 * MiB);
  let x = 0x9e3779b9;
  for (let off = 0; off < size; off += block.length) {
    for (let i = 0; i < block.length; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      block.writeUInt32LE(x >>> 0, i);
    }
    writeSync(fd, block, 0, Math.min(block.length, size - off));
  }
  closeSync(fd);
}

function makeSmallFiles(dir: string, count: number, size: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const b = Buffer.allocUnsafe(size);
    for (let j = 0; j < size; j += 4) b.writeUInt32LE((i * 2654435761 + j * 40503) >>> 0, j);
    writeFileSync(path.join(dir, `f${String(i).padStart(5, '0')}.bin`), b);
  }
}

function digestDir(dir: string): Promise<Map<string, string>> {
  return sha256sum(dir, readdirSync(dir).sort());
}

function dirSize(dir: string): number {
  return readdirSync(dir).reduce((a, n) => a + statSync(path.join(dir, n)).size, 0);
}

/** `port`: where the client connects (sshd's own, or the link proxy in front of it). */
function runSftp(s: SshdHandle, port: number, batch: string[]): Promise<void> {
  const file = path.join(s.dir, `batch-${process.pid}-${Date.now()}`);
  writeFileSync(file, batch.join('\n') + '\n');
  const args = [
    '-q',
    '-b',
    file,
    '-i',
    s.clientKeys.ed25519,
    '-P',
    String(port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    `${s.user}@127.0.0.1`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(findOpenSsh('sftp'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sftp exited ${code}: ${err}`))));
  });
}

/** RSS of this process: its peak overall, and per case while Skiff's engine is running it. */
let peakRss = 0;
let running: CaseName | null = null;
const enginePeak = new Map<CaseName, number>();
/** What the process held at each case's engine peak: V8's heap, and buffers outside it. */
const peakParts = new Map<CaseName, { heapTotal: number; heapUsed: number; external: number }>();
function sampleRss(): void {
  const rss = process.memoryUsage.rss();
  peakRss = Math.max(peakRss, rss);
  if (running && rss > (enginePeak.get(running) ?? 0)) {
    enginePeak.set(running, rss);
    const m = process.memoryUsage();
    peakParts.set(running, { heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external });
  }
}
/** RSS of the process as a case begins (what the earlier cases left). */
const startRss = new Map<CaseName, number>();
const partsOf = (c: CaseName): string => {
  const p = peakParts.get(c);
  const at = startRss.get(c);
  return p
    ? ` [heap ${(p.heapTotal / MiB).toFixed(0)} (used ${(p.heapUsed / MiB).toFixed(0)}), buffers ${(p.external / MiB).toFixed(0)}${at ? `, ${(at / MiB).toFixed(0)} before it` : ''}]`
    : '';
};

/** Engine tuning from the environment (SKIFF_BENCH_FILES, _CHANNELS, _WRITE_CHANNELS, _REQUESTS, _STRIPES, _CONNECTIONS, _TUNE_HEAP=0, _HEAP_MIN=bytes, _IDLE_GC=0, _IDLE_GC_MIN=bytes) for experiments. */
function tuning(): ConstructorParameters<typeof TransferQueue>[0] {
  const n = (k: string) => (process.env[k] ? Number(process.env[k]) : undefined);
  const t: ConstructorParameters<typeof TransferQueue>[0] = { defaultConflict: 'overwrite' };
  if (n('SKIFF_BENCH_FILES')) t.filesInFlight = n('SKIFF_BENCH_FILES');
  if (n('SKIFF_BENCH_CHANNELS')) t.channels = n('SKIFF_BENCH_CHANNELS');
  if (n('SKIFF_BENCH_WRITE_CHANNELS')) t.writeChannels = n('SKIFF_BENCH_WRITE_CHANNELS');
  if (n('SKIFF_BENCH_REQUESTS')) t.requestsPerFile = n('SKIFF_BENCH_REQUESTS');
  if (n('SKIFF_BENCH_STRIPES')) t.stripes = n('SKIFF_BENCH_STRIPES');
  if (n('SKIFF_BENCH_CONNECTIONS')) t.connections = n('SKIFF_BENCH_CONNECTIONS');
  if (process.env.SKIFF_BENCH_TUNE_HEAP === '0') t.tuneHeap = false;
  if (process.env.SKIFF_BENCH_HEAP_MIN) t.heapTuningMinBytes = Number(process.env.SKIFF_BENCH_HEAP_MIN);
  if (process.env.SKIFF_BENCH_IDLE_GC === '0') t.idleGcDelayMs = null;
  if (process.env.SKIFF_BENCH_IDLE_GC_MIN) t.idleGcMinBytes = Number(process.env.SKIFF_BENCH_IDLE_GC_MIN);
  return t;
}

/**
 * One Skiff transfer, timed like the OpenSSH process it is compared with: from before
 * connect + login to after close. (In the app the session is usually open already; the
 * transfer-only time is kept apart as `transferSeconds` and printed, never used for ratios.)
 */
async function skiffRun(
  s: SshdHandle,
  port: number,
  direction: 'upload' | 'download',
  source: string,
  targetDir: string,
): Promise<{ connectMs: number; seconds: number; transferSeconds: number }> {
  const t0 = performance.now();
  const open = () => connect({ host: '127.0.0.1', port, username: s.user, privateKeyPath: s.clientKeys.ed25519, verifyHostKey: async () => true });
  const session: SftpSession = await open();
  const connectMs = performance.now() - t0;
  let transferSeconds: number;
  try {
    const t1 = performance.now();
    // A second connection (same key, as the app's no-questions connector) is opened by the engine
    // only for jobs that benefit, and closed before the job settles: inside the timed span.
    const remote = sessionEndpoint(session, undefined, open);
    const local = { fs: new LocalFs() };
    const q = new TransferQueue(tuning());
    const job = q.add(
      direction === 'upload'
        ? { direction, source: local, sources: [source], target: remote, targetDir }
        : { direction, source: remote, sources: [source], target: local, targetDir },
    );
    const snap = await q.whenSettled(job.id);
    if (snap.state !== 'done')
      throw new Error(`Skiff ${direction} of ${source} ended ${snap.state}: ${JSON.stringify(snap.error ?? snap.fileErrors.slice(0, 3))}`);
    transferSeconds = (performance.now() - t1) / 1000;
  } finally {
    await session.close();
  }
  return { connectMs, seconds: (performance.now() - t0) / 1000, transferSeconds };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface CaseResult {
  name: CaseName;
  skiff_mibps: number;
  openssh_mibps: number;
  ratio: number;
  ratio_min: number;
  ratio_max: number;
  skiff_seconds: number[];
  openssh_seconds: number[];
  skiff_connect_ms: number;
  /** Throughput on an already-open session (as in the app); informational, not used for ratios. */
  skiff_transfer_only_mibps: number;
  /**
   * Ratio with login left out for both clients: OpenSSH's time minus the median of its empty
   * batches (connect + login + exit), against Skiff's time on its open session. Median of pairs.
   */
  ratio_transfer_only: number;
  skiff_transfer_seconds: number[];
  openssh_transfer_seconds: number[];
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const { largeSize, smallCount } = args;
  const smallSize = 16 * 1024;

  const s = await startSshd();
  // A delay link in front of sshd for both clients (its copying runs in a child process).
  let link: LinkProxy | null = null;
  if (args.rttMs > 0 || args.rateMbit !== null) link = await startLinkProxy({ targetPort: s.port, delayMs: args.rttMs / 2, rateMbit: args.rateMbit });
  const port = link ? link.port : s.port;
  const work = mkdtempSync(path.join(os.tmpdir(), 'skiff-bench-'));
  const remote = path.join(s.scratch, 'bench');
  mkdirSync(remote, { recursive: true });
  const rss = setInterval(sampleRss, 20);
  try {
    console.log(
      `Skiff bench: sshd on port ${s.port} (OpenSSH ${execFileSync(findOpenSsh('ssh'), ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() || 'version on stderr'}), ${os.cpus().length} CPUs`,
    );
    console.log(
      `link: ${link ? `proxy with ${args.rttMs} ms round trip${args.rateMbit ? `, ${args.rateMbit} Mbit/s per direction` : ''}` : 'loopback, no proxy'}`,
    );
    console.log(
      `data: large ${(largeSize / MiB).toFixed(0)} MiB, small ${smallCount} × ${smallSize / 1024} KiB, ${args.pairs} pairs A B per case${args.warmup ? ' after one untimed run of each' : ''}`,
    );

    const localLarge = path.join(work, 'large.bin');
    const remoteLarge = path.join(remote, 'large.bin');
    const localSmall = path.join(work, 'small');
    const remoteSmall = path.join(remote, 'small');
    const need = (c: CaseName) => args.only.includes(c);
    if (need('large-upload') || need('large-download')) {
      makeLargeFile(localLarge, largeSize);
      execFileSync('cp', [localLarge, remoteLarge]);
    }
    if (need('small-upload') || need('small-download')) {
      makeSmallFiles(localSmall, smallCount, smallSize);
      execFileSync('cp', ['-r', localSmall, remoteSmall]);
    }
    // Flush the freshly written data first: otherwise the first timed run (always Skiff's)
    // competes with gigabytes of writeback (measured: first large pair 12–19 s, later ones ~5 s).
    execFileSync('sync');
    const largeHash = need('large-upload') || need('large-download') ? await sha256(localLarge) : '';
    const smallHashes = need('small-upload') || need('small-download') ? await digestDir(localSmall) : new Map<string, string>();

    // What OpenSSH spends on connect + login alone (its timings below include it).
    const sshConnect: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await runSftp(s, port, ['pwd']);
      sshConnect.push(performance.now() - t);
    }
    // The floor for the small-file cases on this disk: a plain local `cp -r` of the same folder
    // into a new folder, made the way the timed runs make theirs (no network, no encryption),
    // pays only the file system's cost of creating 2,000 files, which every client pays too
    // (downloads here, sshd's side on uploads).
    const cpFloor: number[] = [];
    if (need('small-upload') || need('small-download')) {
      for (let i = 0; i < 3; i++) {
        const cpOut = path.join(work, args.reuseOut ? 'cp-floor' : `cp-floor-${i}`);
        rmSync(cpOut, { recursive: true, force: true });
        execFileSync('sync');
        const t = performance.now();
        execFileSync('cp', ['-r', localSmall, cpOut]);
        cpFloor.push(performance.now() - t);
      }
    }

    const results: CaseResult[] = [];
    let floor: { safe: number; openssh: number } | null = null;
    for (const name of args.only) {
      const isLarge = name.startsWith('large');
      const isUp = name.endsWith('upload');
      const bytes = isLarge ? largeSize : smallCount * smallSize;
      const outBase = isUp ? path.join(remote, `out-${name}`) : path.join(work, `out-${name}`);
      const src = isUp ? (isLarge ? localLarge : localSmall) : isLarge ? remoteLarge : remoteSmall;
      // Large files are deleted between runs (1 GiB each; one inode, no allocator cost). Small-file
      // runs get a fresh folder each unless --reuse-out (see the top of this file).
      const freshFolders = !isLarge && !args.reuseOut;
      let runNo = 0;
      let outDir = outBase;
      let produced = '';
      const reset = () => {
        if (freshFolders) {
          outDir = path.join(outBase, `run-${runNo++}`);
        } else {
          rmSync(outDir, { recursive: true, force: true });
        }
        mkdirSync(outDir, { recursive: true });
        produced = path.join(outDir, isLarge ? 'large.bin' : 'small');
        execFileSync('sync'); // each timed run starts without the previous one's writeback
      };
      const command = () => (isUp ? `put ${isLarge ? '' : '-r '}${src} ${outDir}/` : `get ${isLarge ? '' : '-r '}${src} ${outDir}/`);
      const verify = async () => {
        if (isLarge) {
          if (statSync(produced).size !== largeSize || (await sha256(produced)) !== largeHash) throw new Error(`${name}: Skiff produced a wrong ${produced}`);
        } else {
          const got = await digestDir(produced);
          if (got.size !== smallHashes.size || [...smallHashes].some(([k, v]) => got.get(k) !== v))
            throw new Error(`${name}: Skiff produced a wrong tree in ${produced}`);
        }
      };
      const skiffT: number[] = [];
      const sshT: number[] = [];
      const connects: number[] = [];
      const transferOnly: number[] = [];
      // One untimed run of each first (page cache, JIT, heap growth): the first timed large
      // download of a cold process took 9–19 s against ~5 s for the later ones.
      startRss.set(name, process.memoryUsage.rss());
      if (args.warmup) {
        reset();
        await skiffRun(s, port, isUp ? 'upload' : 'download', src, outDir);
        reset();
        await runSftp(s, port, [command()]);
      }
      for (let p = 0; p < args.pairs; p++) {
        reset();
        running = name;
        sampleRss();
        const run = await skiffRun(s, port, isUp ? 'upload' : 'download', src, outDir).finally(() => {
          sampleRss();
          running = null;
        });
        skiffT.push(run.seconds);
        connects.push(run.connectMs);
        transferOnly.push(run.transferSeconds);
        await verify();

        reset();
        const t = performance.now();
        await runSftp(s, port, [command()]);
        sshT.push((performance.now() - t) / 1000);
        const got = isLarge ? statSync(produced).size : dirSize(produced);
        if (got !== bytes) throw new Error(`${name}: OpenSSH sftp produced ${got} bytes, expected ${bytes}`);
        process.stdout.write(
          `  ${name} pair ${p + 1}: skiff ${skiffT[p]!.toFixed(2)} s, openssh ${sshT[p]!.toFixed(2)} s, ratio ${(sshT[p]! / skiffT[p]!).toFixed(2)}\n`,
        );
      }
      if (!freshFolders) rmSync(outDir, { recursive: true, force: true });
      if (name === 'small-upload') {
        const runs = await uploadRequestFloor(s, localSmall, path.join(remote, 'floor'));
        floor = { safe: median(runs.safe), openssh: median(runs.openssh) };
      }
      const ratios = skiffT.map((t, i) => sshT[i]! / t);
      const sshLogin = median(sshConnect) / 1000;
      const sshTransfer = sshT.map((t) => Math.max(1e-3, t - sshLogin));
      results.push({
        name,
        skiff_mibps: bytes / MiB / median(skiffT),
        openssh_mibps: bytes / MiB / median(sshT),
        ratio: median(ratios),
        ratio_min: Math.min(...ratios),
        ratio_max: Math.max(...ratios),
        skiff_seconds: skiffT,
        openssh_seconds: sshT,
        skiff_connect_ms: median(connects),
        skiff_transfer_only_mibps: bytes / MiB / median(transferOnly),
        ratio_transfer_only: median(transferOnly.map((t, i) => sshTransfer[i]! / t)),
        skiff_transfer_seconds: transferOnly,
        openssh_transfer_seconds: sshTransfer,
      });
    }

    const peak = Math.max(0, ...enginePeak.values()) / MiB;
    console.log('');
    console.log('case              Skiff MiB/s  OpenSSH MiB/s  ratio (median, min–max)  ratio without login (both)');
    for (const r of results) {
      console.log(
        `${r.name.padEnd(18)}${r.skiff_mibps.toFixed(1).padStart(11)}  ${r.openssh_mibps.toFixed(1).padStart(13)}  ${`${r.ratio.toFixed(2)}× (${r.ratio_min.toFixed(2)}–${r.ratio_max.toFixed(2)})`.padEnd(23)}  ${r.ratio_transfer_only.toFixed(2)}×`,
      );
    }
    console.log(
      `peak RSS while Skiff's engine ran: ${peak.toFixed(0)} MB (${results.map((r) => `${r.name} ${((enginePeak.get(r.name) ?? 0) / MiB).toFixed(0)}${partsOf(r.name)}`).join(', ')}; ` +
        `the bench process at any time, its own data generation and checks included: ${(peakRss / MiB).toFixed(0)} MB)`,
    );
    console.log(
      `Both are timed from connect to close, login included (Skiff's connect + login: median ${median(results.map((r) => r.skiff_connect_ms)).toFixed(0)} ms; ` +
        `an empty OpenSSH batch: ${median(sshConnect).toFixed(0)} ms). On an already-open session, as in the app, Skiff moved: ` +
        results.map((r) => `${r.name} ${r.skiff_transfer_only_mibps.toFixed(1)} MiB/s`).join(', ') +
        '.',
    );
    if (cpFloor.length) {
      console.log(
        `Floor for the small-file cases: a local \`cp -r\` of the same ${smallCount} files into ${args.reuseOut ? 'an emptied' : 'a new'} folder took ${median(cpFloor).toFixed(0)} ms here (file creation alone, no network).`,
      );
    }
    if (floor) {
      console.log(
        `Request floor of the small upload on an open session (bare ssh2 loop, no engine, 64 files in flight): ` +
          `Skiff's safe pattern (OPEN part; WRITE + FSETSTAT + CLOSE; RENAME) ${floor.safe.toFixed(0)} ms, ` +
          `OpenSSH's (OPEN; WRITE; CLOSE) ${floor.openssh.toFixed(0)} ms.`,
      );
    }
    if (args.json) {
      writeFileSync(
        args.json,
        JSON.stringify(
          {
            cases: results.map((r) => ({
              ...r,
              skiff_transfer_only_mibps: round(r.skiff_transfer_only_mibps),
              skiff_mibps: round(r.skiff_mibps),
              openssh_mibps: round(r.openssh_mibps),
              ratio: round(r.ratio),
              ratio_min: round(r.ratio_min),
              ratio_max: round(r.ratio_max),
              ratio_transfer_only: round(r.ratio_transfer_only),
            })),
            rtt_ms: args.rttMs,
            rate_mbit: args.rateMbit,
            peak_rss_mb: Math.round(peak),
            peak_rss_mb_by_case: Object.fromEntries(results.map((r) => [r.name, Math.round((enginePeak.get(r.name) ?? 0) / MiB)])),
            peak_parts_mb_by_case: Object.fromEntries(
              results.map((r) => {
                const p = peakParts.get(r.name);
                const at = startRss.get(r.name);
                return [
                  r.name,
                  p
                    ? {
                        heap_total: Math.round(p.heapTotal / MiB),
                        heap_used: Math.round(p.heapUsed / MiB),
                        buffers: Math.round(p.external / MiB),
                        ...(at ? { rss_before: Math.round(at / MiB) } : {}),
                      }
                    : null,
                ];
              }),
            ),
            process_peak_rss_mb: Math.round(peakRss / MiB),
            openssh_connect_ms: Math.round(median(sshConnect)),
            ...(cpFloor.length ? { local_cp_small_ms: Math.round(median(cpFloor)) } : {}),
            ...(floor ? { small_upload_request_floor_ms: { safe: Math.round(floor.safe), openssh_pattern: Math.round(floor.openssh) } } : {}),
            scale: args.scale,
            pairs: args.pairs,
          },
          null,
          2,
        ) + '\n',
      );
      console.log(`wrote ${args.json}`);
    }
  } finally {
    clearInterval(rss);
    rmSync(work, { recursive: true, force: true });
    rmSync(remote, { recursive: true, force: true });
    await link?.stop();
    await s.stop();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
