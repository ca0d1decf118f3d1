// Sizing the engine to the link one side runs over. OpenSSH's sshd lets a client send 2 MiB
// ahead on each channel (CHAN_SES_WINDOW_DEFAULT), so one channel's uploads are capped at 2 MiB
// per round trip (~50 MiB/s at 40 ms): a big upload is spread over enough channels for their
// windows together to cover the bandwidth-delay product. On loopback the round trip is ~0 and
// one channel writes fastest (two writers per file were slower: test/bench/README.md).
import type { TransferEndpoint } from './types';

const MiB = 1024 * 1024;
/** The upload rate write stripes are sized for (about the most this engine uploads on loopback here). */
const UPLOAD_RATE = 256 * MiB;

/**
 * Channels one big upload to `target` is spread over: the bandwidth-delay product at UPLOAD_RATE
 * in server windows, between 1 and `max`; 1 where the server is not known to take striped writes.
 */
export function writeStripesFor(target: TransferEndpoint, max: number): number {
  const link = target.link;
  if (!link || !link.stripedWrites || !target.openChannel || link.rttMs === undefined || !(link.sendWindow > 0)) return 1;
  const bdp = (link.rttMs / 1000) * UPLOAD_RATE;
  return Math.max(1, Math.min(Math.max(1, Math.floor(max)), Math.round(bdp / link.sendWindow)));
}

/** The least one big upload keeps in flight, whatever its server's window: a window adjust finds the next bytes ready. */
const MIN_UPLOAD_IN_FLIGHT = 4 * MiB;

/**
 * Bytes of one big upload to `target` in flight at most over `channels` write channels: twice what
 * their server windows let leave at once, at least MIN_UPLOAD_IN_FLIGHT; no bound where the window
 * is not known. What a window does not let leave waits in ssh2 as a copy of the chunk: on loopback
 * 16 MiB in flight instead of 4 made a 1 GiB upload no faster, and the malloc arena all those
 * copies passed through stayed with the process (test/bench/README.md, "Eighth round").
 */
export function uploadBytesInFlight(target: TransferEndpoint, channels: number): number {
  const window = target.link?.sendWindow;
  if (!(window !== undefined && window > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(MIN_UPLOAD_IN_FLIGHT, 2 * window * Math.max(1, Math.floor(channels)));
}

/** Round trip at which the configured files and requests in flight are still enough (measured: 64 files best on loopback). */
const SHORT_RTT_MS = 10;
/** The most the files and requests in flight are multiplied by on a long link. */
const MAX_IN_FLIGHT_FACTOR = 4;

/**
 * How many times the configured files (and requests per file) in flight a job keeps going, for the
 * longer round trip of its two sides: 1 up to SHORT_RTT_MS, then in proportion, at most 4. A wave
 * of small files costs a few round trips whatever their size, so on a long link more of them per
 * wave is what counts (200 × 16 KiB downloads at 40 ms on an open session: 64 in flight 0.70 s,
 * 128 0.50 s, 256 0.39 s; test/bench/README.md).
 */
export function inFlightFactor(...sides: TransferEndpoint[]): number {
  const rtt = Math.max(0, ...sides.map((s) => s.link?.rttMs ?? 0).filter((ms) => Number.isFinite(ms)));
  return Math.max(1, Math.min(MAX_IN_FLIGHT_FACTOR, Math.round(rtt / SHORT_RTT_MS)));
}
