// Host-key trust as plain data: the policies, the questions' kinds and facts, and the answers each
// question accepts. No imports, so the IPC contract (type-checked by the renderer without Node's
// types) wraps these instead of repeating them.

/** Mirrors OpenSSH StrictHostKeyChecking: ask (default), accept-new, yes. There is deliberately no "accept anything". */
export const HOST_KEY_POLICIES = ['ask', 'accept-new', 'yes'] as const;
export type HostKeyPolicy = (typeof HOST_KEY_POLICIES)[number];

/** unknown: first contact; changed: a different key is stored; confirm-replace: the second, explicit step before replacing it. */
export const HOST_KEY_QUESTION_KINDS = ['unknown', 'changed', 'confirm-replace'] as const;
export type HostKeyQuestionKind = (typeof HOST_KEY_QUESTION_KINDS)[number];

/** Which answers each question accepts; anything else counts as cancel. */
export const HOST_KEY_ANSWERS = {
  unknown: ['trust-remember', 'trust-once', 'cancel'],
  changed: ['replace', 'cancel'],
  'confirm-replace': ['confirm-replace', 'cancel'],
} as const satisfies Record<HostKeyQuestionKind, readonly string[]>;

/** Every answer a trust dialog may give. */
export const HOST_KEY_DECISIONS = ['trust-remember', 'trust-once', 'replace', 'confirm-replace', 'cancel'] as const;
export type HostKeyAnswer = (typeof HOST_KEY_DECISIONS)[number];

/** A known_hosts line as a trust dialog shows it. */
export interface KnownHostKeyFacts {
  keyType: string;
  bits: number;
  /** `SHA256:…` exactly as ssh-keygen -lf prints it. */
  fingerprint: string;
  /** Where it is written: `file` and `line` of known_hosts. */
  file: string;
  line: number;
}

/** What every host-key question says about the key the server presented. */
export interface HostKeyFacts {
  host: string;
  port: number;
  /** `host` or `[host]:port`, as written in known_hosts. */
  name: string;
  keyType: string;
  bits: number;
  /** `SHA256:…` as ssh-keygen prints it. */
  fingerprint: string;
  /** Ready-to-show notes (`file:line: …`) about skipped or unsupported known_hosts lines. */
  warnings: string[];
}
