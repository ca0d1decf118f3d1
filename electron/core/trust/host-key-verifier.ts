// The trust decision that plugs into ConnectOptions.verifyHostKey. It runs before ssh2 sends
// anything after key exchange (no password, no key signature, no keyboard-interactive answer),
// and it is the only place a policy, the user's answer and the known_hosts files meet.
//
// Questions and answers are plain data (they cross IPC to the dialog). A changed key is two
// questions on purpose: "changed" (default answer: cancel) and then "confirm-replace", so no
// single click can replace a stored key.
import { z } from 'zod';
import { describeKeyBlob, type HostKeyInfo } from './host-key';
import type { KnownHostRef, KnownHostsStore, VerifyResult } from './known-hosts-store';
import { SkiffError } from '../errors';
import { HOST_KEY_ANSWERS, HOST_KEY_DECISIONS, HOST_KEY_POLICIES, type HostKeyAnswer, type HostKeyFacts, type HostKeyPolicy } from './host-key-decisions';

export type { HostKeyAnswer, HostKeyPolicy } from './host-key-decisions';
export const hostKeyPolicySchema = z.enum(HOST_KEY_POLICIES);

/** The host is not in any known_hosts file. Answers: trust-remember | trust-once | cancel. */
export interface UnknownHostKeyQuestion extends HostKeyFacts {
  kind: 'unknown';
  /** Where "trust and remember" will write. */
  saveTo: string;
}

/** The stored key differs. Answers: cancel (the default) | replace (leads to confirm-replace). */
export interface ChangedHostKeyQuestion extends HostKeyFacts {
  kind: 'changed';
  offending: KnownHostRef[];
}

/** Second, explicit confirmation before a changed key is replaced. Answers: confirm-replace | cancel. */
export interface ConfirmReplaceQuestion extends HostKeyFacts {
  kind: 'confirm-replace';
  offending: KnownHostRef[];
}

export type HostKeyQuestion = UnknownHostKeyQuestion | ChangedHostKeyQuestion | ConfirmReplaceQuestion;

/** Every answer the dialog may give (validate what comes back over IPC with this). */
export const hostKeyAnswerSchema = z.enum(HOST_KEY_DECISIONS);

/** Asks the user; a timeout, a closed window or a rejection must mean "cancel". */
export type HostKeyAsk = (question: HostKeyQuestion) => Promise<HostKeyAnswer>;

/** What was decided, for logs and the UI (e.g. "saved to ~/.ssh/known_hosts"). */
export interface HostKeyDecision {
  name: string;
  status: VerifyResult['status'];
  outcome: 'trusted' | 'remembered' | 'trusted-once' | 'replaced' | 'rejected';
  file?: string;
}

export interface HostKeyVerifierOptions {
  store: KnownHostsStore;
  /** Default 'ask'. */
  policy?: HostKeyPolicy;
  ask: HostKeyAsk;
  onDecision?: (decision: HostKeyDecision) => void;
}

function where(refs: KnownHostRef[] | undefined): string {
  return (refs ?? []).map((r) => `${r.file}:${r.line}`).join(', ');
}

function label(keyType: string): string {
  if (keyType.startsWith('ssh-ed25519') || keyType.startsWith('sk-ssh-ed25519')) return 'ED25519';
  if (keyType.includes('ecdsa')) return 'ECDSA';
  if (keyType.startsWith('ssh-rsa')) return 'RSA';
  if (keyType.startsWith('ssh-dss')) return 'DSA';
  return keyType;
}

async function askSafely(ask: HostKeyAsk, q: HostKeyQuestion): Promise<HostKeyAnswer> {
  try {
    const parsed = hostKeyAnswerSchema.safeParse(await ask(q));
    return parsed.success && (HOST_KEY_ANSWERS[q.kind] as readonly HostKeyAnswer[]).includes(parsed.data) ? parsed.data : 'cancel';
  } catch {
    return 'cancel';
  }
}

/** Message for a changed key that names the known_hosts file:line to look at. */
export function changedKeyMessage(name: string, keyType: string, fingerprint: string, offending: KnownHostRef[] | undefined): string {
  const first = offending?.[0];
  const stored = first ? `${label(first.keyType)} key ${first.fingerprint} stored at ${where(offending)}` : 'a different key';
  return (
    `The host key of ${name} has changed: the server now presents the ${label(keyType)} key ${fingerprint}, ` +
    `but your known_hosts has the ${stored}. Someone may be intercepting the connection, or the server was ` +
    'reinstalled. Skiff did not connect and sent no password or key. Ask the server’s administrator for the ' +
    'new fingerprint before replacing the stored key.'
  );
}

/**
 * Builds the `verifyHostKey` hook for one connection. Resolves true only when the key is trusted
 * (by file, by the policy, or by the user's answer); otherwise throws a SkiffError:
 * HOST_KEY_REVOKED, HOST_KEY_CHANGED, HOST_KEY_UNKNOWN (policy 'yes') or HOST_KEY_REJECTED (user said no).
 * Create one per connection: a different key presented later on the same connection (re-key) is refused.
 */
export function createHostKeyVerifier(options: HostKeyVerifierOptions): (info: HostKeyInfo) => Promise<boolean> {
  const policy = hostKeyPolicySchema.parse(options.policy ?? 'ask');
  const { store, ask } = options;
  let accepted: Buffer | undefined;

  return async (info: HostKeyInfo): Promise<boolean> => {
    const key = Buffer.from(info.key);
    // Describe from the blob itself rather than trusting the caller's fields.
    const { keyType, bits, fingerprint } = describeKeyBlob(key);
    if (accepted) {
      if (accepted.equals(key)) return true;
      throw new SkiffError(
        'HOST_KEY_CHANGED',
        `The server ${info.host}:${info.port} presented a different host key (${label(keyType)} ${fingerprint}) in the middle of the session. ` +
          'Skiff closed the connection; reconnect to check the key again.',
      );
    }
    const result = await store.verify(info.host, info.port, key);
    const base = { host: info.host, port: info.port, name: result.name, keyType, bits, fingerprint, warnings: result.warnings.map((w) => w.text) };
    const decide = (outcome: HostKeyDecision['outcome'], file?: string) =>
      options.onDecision?.({ name: result.name, status: result.status, outcome, ...(file === undefined ? {} : { file }) });
    const trust = (outcome: HostKeyDecision['outcome'], file?: string) => {
      accepted = key;
      decide(outcome, file);
      return true;
    };

    switch (result.status) {
      case 'trusted':
        return trust('trusted');
      case 'revoked':
        decide('rejected');
        throw new SkiffError(
          'HOST_KEY_REVOKED',
          `The ${label(keyType)} host key ${fingerprint} presented by ${result.name} is marked @revoked in ${where(result.revokedBy)}. ` +
            'Skiff never connects with a revoked key. Contact the server’s administrator.',
        );
      case 'changed': {
        const message = changedKeyMessage(result.name, keyType, fingerprint, result.offending);
        if (policy === 'ask') {
          const offending = result.offending ?? [];
          if ((await askSafely(ask, { kind: 'changed', ...base, offending })) === 'replace') {
            if ((await askSafely(ask, { kind: 'confirm-replace', ...base, offending })) === 'confirm-replace') {
              const r = await store.replace(info.host, info.port, key);
              return trust('replaced', r.appendedTo ?? r.rewritten[0]?.file);
            }
          }
        }
        decide('rejected');
        throw new SkiffError('HOST_KEY_CHANGED', message);
      }
      case 'unknown': {
        if (policy === 'yes') {
          decide('rejected');
          throw new SkiffError(
            'HOST_KEY_UNKNOWN',
            `${result.name} is not in your known_hosts files and the host-key policy is “yes” (strict), so Skiff did not connect. ` +
              `Its ${label(keyType)} key fingerprint is ${fingerprint}. After checking it with the administrator, add the host ` +
              '(for example by connecting once with ssh) or set the policy to “ask”.',
          );
        }
        if (policy === 'accept-new') {
          const { file } = await store.remember(info.host, info.port, key);
          return trust('remembered', file);
        }
        const answer = await askSafely(ask, { kind: 'unknown', ...base, saveTo: store.saveFile });
        if (answer === 'trust-remember') {
          const { file } = await store.remember(info.host, info.port, key);
          return trust('remembered', file);
        }
        if (answer === 'trust-once') {
          store.trustOnce(info.host, info.port, key);
          return trust('trusted-once');
        }
        decide('rejected');
        throw new SkiffError(
          'HOST_KEY_REJECTED',
          `You did not trust the ${label(keyType)} host key ${fingerprint} of ${result.name}, so Skiff did not connect.`,
        );
      }
    }
  };
}
