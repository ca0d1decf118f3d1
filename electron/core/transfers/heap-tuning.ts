// While transfers run, V8 is asked to let the heap grow further between full garbage collections.
//
// Why: ssh2 allocates a fresh buffer for every SFTP packet and every SSH packet (about twice the
// bytes moved). With the small live heap of this process, V8's default heap-growing rule then
// ran a full mark-compact every ~12 MiB moved: 74–93 of them per 1 GiB upload, 41–94 per 1 GiB
// download, about a third of the engine's CPU (perf: ConcurrentMarking, Sweeper). With
// `--heap-growing-percent=400` (the limit after each full GC is 5× the live heap instead of
// V8's dynamic 1.1–4×) the same transfers ran 2–9 of them, and took 1.8–2.1 s of CPU instead
// of 2.6–3.1 s (wall 2.2–2.7 s instead of 2.8–3.5 s), peak RSS 158–192 MB (was 160–175 MB).
// A bigger live heap gets a smaller percentage (growingPercentFor), so the extra garbage V8 may
// keep stays near the headroom whatever the heap: 128 MiB for a big job, down to 48 MiB for one
// that moves less.
//
// Every job holds it (TransferQueueOptions.heapTuningMinBytes): a folder of small files moves
// little, but after a full GC V8 sets its next limit so close to the live heap that the young
// generation's promotions kept it marking and compacting through the whole job.
//
// The flag is read by V8 each time it computes a new limit, so it can be set and reset at any
// time; V8's default (0 = dynamic) is restored as soon as no transfer runs. Electron starts V8
// with flags unfrozen (as Node does), which is what v8.setFlagsFromString needs.
import v8 from 'node:v8';
import vm from 'node:vm';

/** heap-growing-percent while a transfer runs, at most (measured: 100 and 200 did not help, 400 did). */
export const TRANSFER_HEAP_GROWING_PERCENT = 400;
/**
 * The growth is a multiple of the live heap, so a process with a bigger heap (the app's main
 * process holds more than the bench) gets a smaller percentage: about this much extra at most.
 */
export const TRANSFER_HEAP_HEADROOM_BYTES = 128 * 1024 * 1024;
/**
 * The headroom of a job with less to move (it follows the job's bytes, between this and
 * TRANSFER_HEAP_HEADROOM_BYTES): enough that V8 does not start marking as soon as the young
 * generation promotes, without letting a folder of small files grow the heap by 128 MiB.
 */
export const SMALL_JOB_HEAP_HEADROOM_BYTES = 48 * 1024 * 1024;

/** The heap-growing-percent for a live heap of `liveBytes`: up to 400 for small heaps, down to 100. */
export function growingPercentFor(liveBytes: number, headroomBytes = TRANSFER_HEAP_HEADROOM_BYTES): number {
  const p = Math.round((100 * headroomBytes) / Math.max(1, liveBytes));
  return Math.max(100, Math.min(TRANSFER_HEAP_GROWING_PERCENT, p));
}

type SetFlags = (flags: string) => void;

/** The headroom of each job holding the tuning. */
const held: number[] = [];
let setFlags: SetFlags = (flags) => v8.setFlagsFromString(flags);

/** Replaces the V8 flag setter (tests observe the policy through it); returns the previous one. */
export function setHeapFlagSetter(fn: SetFlags): SetFlags {
  const prev = setFlags;
  setFlags = fn;
  return prev;
}

function apply(percent: number): void {
  try {
    setFlags(`--heap-growing-percent=${percent}`);
  } catch {
    // A runtime without the flag only loses the speed-up.
  }
}

/**
 * Holds the transfer heap tuning for a job with `moving` bytes to move until the returned release
 * function is called (idempotent). The headroom follows the biggest job holding it; the default
 * comes back when the last running transfer releases it.
 */
export function holdTransferHeapTuning(moving: number = TRANSFER_HEAP_HEADROOM_BYTES): () => void {
  const headroom = Math.min(TRANSFER_HEAP_HEADROOM_BYTES, Math.max(SMALL_JOB_HEAP_HEADROOM_BYTES, moving));
  const live = (): number => v8.getHeapStatistics().used_heap_size;
  if (headroom > Math.max(0, ...held)) apply(growingPercentFor(live(), headroom));
  held.push(headroom);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.splice(held.indexOf(headroom), 1);
    const biggest = Math.max(0, ...held);
    if (held.length === 0) apply(0);
    else if (biggest < headroom) apply(growingPercentFor(live(), biggest));
  };
}

// Once the queue has been idle a moment, one full GC gives back what the jobs left: ssh2's packet
// buffers and the heap they grew sit as garbage until V8 next needs the room, and in a long-running
// process each transfer raised the RSS the next one started from (bench, loopback: 94 → 136 → 165
// MB between cases with a GC, 107 → 161 → 202 without). Only once the jobs moved much since the
// last one (TransferQueueOptions.idleGcMinBytes): a full GC also lets the hidden classes of the
// last job's objects die, and the next job runs its hot code in the interpreter until V8 compiles
// it again.
// V8 offers a GC to JavaScript only with --expose-gc; set at runtime, the flag gives a new
// context's global `gc`.
//
// A plain gc() frees the objects, but V8 hands the emptied pages back to the system only later,
// from a background thread: the RSS was where it was when gc() returned (213 → 213 MB with the
// heap down from 158 to 40) and fell over the next few hundred ms. A second, "last resort"
// collection right after it (what V8 does before giving up on memory) hands them back at once, and
// a little more of them: 241 → 123 MB, ~15–30 ms of the idle main thread (test/bench/README.md,
// "Peak RSS: pages given back").

type Collect = () => void;
let collect: Collect | null | undefined;

function fullGc(): Collect | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
    if (typeof gc !== 'function') {
      collect = null;
    } else {
      const run = gc as (options?: { type: 'major'; flavor: 'last-resort' }) => void;
      collect = () => {
        run();
        run({ type: 'major', flavor: 'last-resort' });
      };
    }
  } catch {
    collect = null;
  }
  return collect;
}

/** Replaces the idle collector (tests count its calls; undefined: find the runtime's again); returns the previous one. */
export function setIdleCollector(fn: Collect | null | undefined): Collect | null | undefined {
  const prev = collect;
  collect = fn;
  return prev;
}

/** Runs the full GC now, if this runtime lets JavaScript ask for one. */
export function collectIdleGarbage(): void {
  try {
    fullGc()?.();
  } catch {
    // Only memory is lost.
  }
}
