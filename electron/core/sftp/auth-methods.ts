// The two sets of login methods, in a file with no imports so the IPC contract can wrap them.

/** What a user picks for a server (Quick Connect, a saved server). */
export const LOGIN_METHODS = ['password', 'key', 'agent', 'keyboard-interactive'] as const;
export type LoginMethod = (typeof LOGIN_METHODS)[number];

/** What the server accepted in the end, in SSH's own names. */
export const AUTH_METHODS = ['agent', 'publickey', 'keyboard-interactive', 'password'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
