// What a file that landed may have lost on the way, in a file of its own with no imports: the IPC
// contract (type-checked for the renderer without Node's types) builds its DTO from this list.

/** The server refused to set the file's modification time / its permission bits. */
export const TRANSFER_WARNING_CODES = ['MTIME_NOT_KEPT', 'MODE_NOT_KEPT'] as const;
export type TransferWarningCode = (typeof TRANSFER_WARNING_CODES)[number];
