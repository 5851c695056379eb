// One word for /bin/sh: left as it is when it holds only characters the shell
// takes literally, else in single quotes (a quote inside becomes '\'').
// The lab's plan and wrappers and the capture's command line all use it.

/** `text` as one shell word, quoted only when it needs to be. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
