// The course's processes (the agents in a lab's hosts) talk to their owner on
// stdout in lines that start with a prefix and hold one message; any other
// line (a student's console.log, a warning) is passed over. Both ends of both
// protocols use these two functions.

/** One message as a line: the prefix, the message's text, a newline. */
export function prefixedLine(prefix: string, text: string): string {
  return `${prefix}${text}\n`;
}

/** The messages among `lines` that start with `prefix`, each parsed by `parse`; lines that do not parse are passed over. */
export async function* prefixedMessages<T>(lines: AsyncIterable<string>, prefix: string, parse: (text: string) => unknown = JSON.parse): AsyncGenerator<T> {
  for await (const line of lines) {
    if (!line.startsWith(prefix)) continue;
    let message: unknown;
    try {
      message = parse(line.slice(prefix.length));
    } catch {
      continue;
    }
    yield message as T;
  }
}
