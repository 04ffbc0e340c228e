/**
 * What identifies a file's content on a node without reading it: its size and its modification
 * time, as `stat -c '%s %.9Y'` prints them. A hash the node computed is recorded with the stamp of
 * the file it read, so the portal can tell later whether that hash still describes the file.
 */
export type FileStamp = { sizeBytes: number; mtime: string };

/** `%.9Y`: seconds since the epoch, with nanoseconds. */
export const MTIME = /^\d+(\.\d+)?$/;
