// Shared bits for the SFTP core tests (not a test file itself).
import { expect } from 'vitest';
import type { SkiffError } from '../../../electron/core/errors';
import type { ErrorCode } from '../../../electron/core/errors';

/** A verifier that accepts every host key (tests that are not about trust). */
export const trustAll = async (): Promise<boolean> => true;

/** Awaits a promise that must reject with a SkiffError of `code`; returns the error. */
export async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<SkiffError> {
  const err = await p.then(
    () => {
      throw new Error(`expected a ${code} rejection, but it resolved`);
    },
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ name: 'SkiffError', code });
  const e = err as SkiffError;
  expect(e.message.length).toBeGreaterThan(10);
  return e;
}
