// The value sets of remote-file editing, in a file with no imports: the IPC contract (which the
// renderer type-checks without Node's types) wraps them with z.enum.

/** Where an edited file is in its life: being fetched, watched, uploaded, or waiting for the user. */
export const EDIT_STATES = ['downloading', 'watching', 'uploading', 'uploaded', 'failed', 'conflict'] as const;
export type EditState = (typeof EDIT_STATES)[number];

/** The two ways a file gets opened: in the Editor command, or with the system's default application. */
export const EDIT_MODES = ['edit', 'open'] as const;
export type EditMode = (typeof EDIT_MODES)[number];

/** The answers to "the file changed on the server while you edited it". */
export const EDIT_CONFLICT_CHOICES = ['overwrite', 'keep-both', 'discard'] as const;
export type EditConflictChoice = (typeof EDIT_CONFLICT_CHOICES)[number];

/** Files above this size ask before they are downloaded for editing (the default of the setting). */
export const DEFAULT_EDIT_LARGE_FILE_MIB = 50;
