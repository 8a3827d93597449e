/**
 * Input for the JSON workload: a deterministic generated document (~10 MB, ~1 MB in quick mode),
 * cut into 4 KiB chunks of which every 64th arrives asynchronously (a promise settled on a
 * microtask), and the small shared pieces of the three parsers in `json.ts`.
 *
 * @module
 */

/** Chunk size in UTF-16 code units. */
export const CHUNK = 4096;
/** Every `ASYNC_EVERY`-th chunk is delivered through a promise. */
export const ASYNC_EVERY = 64;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["alpha", "beta", "gamma", "delta", 'quote"d', "back\\slash", "tab\tline\n", "é€"];

/** Builds a document of roughly `bytes` characters; returns its value and its text. */
export function makeDoc(bytes: number): { value: unknown; text: string } {
  const rnd = prng(1056);
  const word = () => WORDS[Math.floor(rnd() * WORDS.length)];
  const records: unknown[] = [];
  let size = 2;
  for (let id = 0; size < bytes; id++) {
    const rec = {
      id,
      name: `${word()} ${word()} #${id}`,
      score: Math.round(rnd() * 1e6) / 1e3 - 500,
      big: Math.floor(rnd() * 1e15),
      exp: rnd() * 1e-8,
      active: rnd() < 0.5,
      tags: Array.from({ length: Math.floor(rnd() * 5) }, word),
      nested: { x: [id % 7, -id, id * 0.5], note: null, deeper: { ok: true, s: word() } },
    };
    records.push(rec);
    size += JSON.stringify(rec).length + 1;
  }
  const value = { title: "bench document", count: records.length, records };
  const text = JSON.stringify(value, null, records.length % 2 ? 1 : 0);
  return { value: JSON.parse(text), text }; // JSON.parse: -0 reads back as 0
}

/** Splits `text` into chunks. */
export function chunk(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) out.push(text.slice(i, i + CHUNK));
  return out;
}

/** Chunk `i`: a string when buffered, a promise of it for every `ASYNC_EVERY`-th chunk. */
export function fetchChunk(chunks: string[], i: number): string | Promise<string> {
  return i % ASYNC_EVERY === ASYNC_EVERY - 1 ? Promise.resolve().then(() => chunks[i]) : chunks[i];
}

/** End of input, as a char code. */
export const EOF = -1;

/** Reader state common to the three parsers' readers. */
export class ReaderState {
  buf = "";
  pos = 0;
  next = 0;
  pending: Promise<string> | null = null;
  constructor(readonly chunks: string[]) {}
  /** Makes `buf[pos]` available if it can without waiting; false when a chunk is pending. */
  fill(): boolean {
    while (this.pos >= this.buf.length) {
      if (this.next >= this.chunks.length) return true;
      const c = fetchChunk(this.chunks, this.next++);
      if (typeof c !== "string") {
        this.pending = c;
        return false;
      }
      this.buf = c;
      this.pos = 0;
    }
    return true;
  }
  /** Installs a chunk that arrived asynchronously. */
  arrive(c: string) {
    this.pending = null;
    this.buf = c;
    this.pos = 0;
  }
  /** The current char code, or EOF. */
  current(): number {
    return this.pos < this.buf.length ? this.buf.charCodeAt(this.pos) : EOF;
  }
}

/** Applies a JSON escape: `e` is the char after the backslash, `hex` the 4 digits for `\u`. */
export function unescape(e: number, hex: string): string {
  switch (e) {
    case 0x62:
      return "\b";
    case 0x66:
      return "\f";
    case 0x6e:
      return "\n";
    case 0x72:
      return "\r";
    case 0x74:
      return "\t";
    case 0x75:
      return String.fromCharCode(parseInt(hex, 16));
    default:
      return String.fromCharCode(e);
  }
}

/** True for JSON whitespace. */
export const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** True for chars that can appear in a JSON number. */
export const isNum = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

/** Throws a parse error at the reader's position. */
export function fail(rd: ReaderState, what: string): never {
  throw new SyntaxError(`json: ${what} at chunk ${rd.next - 1} offset ${rd.pos}`);
}
