/**
 * Refused in any text the ledger takes: NUL and the other C0 controls but tab, line feed and carriage
 * return, DEL and the C1 controls, and the bidirectional overrides and isolates (U+202A to U+202E, U+2066
 * to U+2069) that make text read otherwise than it is stored.
 */
export const CONTROL_OR_OVERRIDE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** Names (and who acted) are one line: there tab, line feed and carriage return are refused as well. */
export function unsafeInName(text: string): boolean {
  return CONTROL_OR_OVERRIDE.test(text) || /[\t\n\r]/.test(text);
}
