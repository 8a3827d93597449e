/**
 * The JSON workload's fourth parser: async/await written for speed, awaiting a char only when
 * its chunk is not buffered (`typeof c === "number" ? c : await c`). Sub-parsers are still async
 * functions awaited per call. See `json.ts`.
 *
 * @module
 */

import { EOF, fail, isNum, isWs, ReaderState, unescape } from "./_json_doc.ts";

/** Reader returning the char code at once when buffered, else a promise of it. */
export class AsyncReader {
  constructor(readonly s: ReaderState) {}
  peek(): number | Promise<number> {
    const s = this.s;
    if (s.fill()) return s.current();
    return s.pending!.then((c) => {
      s.arrive(c);
      return s.current();
    });
  }
}

/** Builds the parser: chunks in, parsed value out. */
export function asyncFastParser(): (chunks: string[]) => Promise<unknown> {
  const value = async function (rd: AsyncReader): Promise<unknown> {
    let p: number | Promise<number>;
    const s = rd.s;
    let c = (p = rd.peek(), typeof p === "number" ? p : await p);
    while (isWs(c)) s.pos++, c = (p = rd.peek(), typeof p === "number" ? p : await p);
    if (c === 0x7b) return await object(rd);
    if (c === 0x5b) return await array(rd);
    if (c === 0x22) return await string(rd);
    if (c === 0x74) return await literal(rd, "true", true);
    if (c === 0x66) return await literal(rd, "false", false);
    if (c === 0x6e) return await literal(rd, "null", null);
    return await number(rd);
  };
  const object = async function (rd: AsyncReader): Promise<unknown> {
    let p: number | Promise<number>;
    const s = rd.s, obj: Record<string, unknown> = {};
    s.pos++;
    let c = (p = rd.peek(), typeof p === "number" ? p : await p);
    while (isWs(c)) s.pos++, c = (p = rd.peek(), typeof p === "number" ? p : await p);
    if (c === 0x7d) return s.pos++, obj;
    for (;;) {
      if (c !== 0x22) fail(s, "expected key");
      const key = (await string(rd)) as string;
      c = (p = rd.peek(), typeof p === "number" ? p : await p);
      while (isWs(c)) s.pos++, c = (p = rd.peek(), typeof p === "number" ? p : await p);
      if (c !== 0x3a) fail(s, "expected ':'");
      s.pos++;
      obj[key] = await value(rd);
      c = (p = rd.peek(), typeof p === "number" ? p : await p);
      while (isWs(c)) s.pos++, c = (p = rd.peek(), typeof p === "number" ? p : await p);
      s.pos++;
      if (c === 0x7d) return obj;
      if (c !== 0x2c) fail(s, "expected ',' or '}'");
      c = (p = rd.peek(), typeof p === "number" ? p : await p);
      while (isWs(c)) s.pos++, c = (p = rd.peek(), typeof p === "number" ? p : await p);
    }
  };
  const array = async function (rd: AsyncReader): Promise<unknown> {
    let p: number | Promise<number>;
    const s = rd.s, arr: unknown[] = [];
    s.pos++;
    let c = (p = rd.peek(), typeof p === "number" ? p : await p);
    while (isWs(c)) s.pos++, c = (p = rd.peek(), typeof p === "number" ? p : await p);
    if (c === 0x5d) return s.pos++, arr;
    for (;;) {
      arr.push(await value(rd));
      c = (p = rd.peek(), typeof p === "number" ? p : await p);
      while (isWs(c)) s.pos++, c = (p = rd.peek(), typeof p === "number" ? p : await p);
      s.pos++;
      if (c === 0x5d) return arr;
      if (c !== 0x2c) fail(s, "expected ',' or ']'");
    }
  };
  const string = async function (rd: AsyncReader): Promise<unknown> {
    let p: number | Promise<number>;
    const s = rd.s;
    s.pos++;
    let out = "", buf = s.buf, start = s.pos;
    for (;;) {
      const c = (p = rd.peek(), typeof p === "number" ? p : await p);
      if (s.buf !== buf) out += buf.slice(start), buf = s.buf, start = s.pos;
      if (c === 0x22) return out += buf.slice(start, s.pos), s.pos++, out;
      if (c === EOF) fail(s, "unterminated string");
      if (c !== 0x5c) {
        s.pos++;
        continue;
      }
      out += buf.slice(start, s.pos);
      s.pos++;
      const e = (p = rd.peek(), typeof p === "number" ? p : await p);
      s.pos++;
      let hex = "";
      if (e === 0x75) {
        for (let i = 0; i < 4; i++) {
          hex += String.fromCharCode((p = rd.peek(), typeof p === "number" ? p : await p)), s.pos++;
        }
      }
      out += unescape(e, hex);
      buf = s.buf, start = s.pos;
    }
  };
  const number = async function (rd: AsyncReader): Promise<unknown> {
    let p: number | Promise<number>;
    const s = rd.s;
    let out = "", buf = s.buf, start = s.pos;
    for (;;) {
      const c = (p = rd.peek(), typeof p === "number" ? p : await p);
      if (s.buf !== buf) out += buf.slice(start), buf = s.buf, start = s.pos;
      if (!isNum(c)) break;
      s.pos++;
    }
    const n = Number(out + buf.slice(start, s.pos));
    return Number.isNaN(n) ? fail(s, "bad number") : n;
  };
  const literal = async function (rd: AsyncReader, word: string, v: unknown): Promise<unknown> {
    let p: number | Promise<number>;
    const s = rd.s;
    for (let i = 0; i < word.length; i++) {
      if (((p = rd.peek(), typeof p === "number" ? p : await p)) !== word.charCodeAt(i)) {
        fail(s, `expected ${word}`);
      }
      s.pos++;
    }
    return v;
  };
  return (chunks) => value(new AsyncReader(new ReaderState(chunks)));
}
