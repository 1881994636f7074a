// What a server writes (its stderr, its tool names and descriptions, its
// errors) reaches the user's terminal through /mcp, /mcp search and notices:
// control characters and escape sequences are shown as U+FFFD, never obeyed,
// so a server cannot clear the screen, set the clipboard or paint fake lines.

// C0 controls but tab and newline, DEL, C1 controls; bidi overrides and isolates.
const HIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

export const printable = (text: string): string => text.replace(HIDDEN, '\ufffd');
