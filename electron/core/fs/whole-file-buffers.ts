// Memory for small files read and written whole (file-transfer.ts), reused from one file to the
// next: the engine reads into it, the local reader thread is lent it with each request, and the
// local writer thread's answer brings it back. A new buffer per file was dead within milliseconds,
// but its memory came back only at V8's next full GC: a folder of small files left tens of MB of
// it behind (in the reader thread's malloc arena, for uploads; test/bench/README.md, "Eighth round").
import { BufferPool } from '../buffer-pool';

/** The pool; at most 8 MiB kept (64 files in flight of up to 64 KiB, twice over). */
export const wholeFileBuffers = new BufferPool(8 * 1024 * 1024);
