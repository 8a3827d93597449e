/**
 * Realistic workload: a recursive-descent JSON parser over chunked input where every 64th chunk
 * arrives asynchronously (see `_json_doc.ts`). The parser pulls every char through an awaitable
 * reader that is ready when the chunk is buffered and suspends when it is not.
 *
 * Copies of the same parser (kept separate so they do not share inline caches):
 * `@coro/task` (every function a task, the reader a reused `Awaiter`), async/await (every
 * function async, `await rd.peek()` per char), and raw generators with a reused iterator as the
 * reader and a tiny promise-driving loop. All must produce the generated document exactly. A
 * fourth, in `_json_fast.ts`, is async/await that awaits a char only when it is not buffered.
 *
 * @module
 */

import { Awaiter, type CoroutineHandle, start, type Task, task } from "./_coro.ts";
import type { Contender } from "./_harness.ts";
import { chunk, EOF, fail, isNum, isWs, makeDoc, ReaderState, unescape } from "./_json_doc.ts";
import { asyncFastParser } from "./_json_fast.ts";

class CoroReader extends Awaiter<number> {
  constructor(readonly s: ReaderState) {
    super();
  }
  override awaitReady(): boolean {
    return this.s.fill();
  }
  override awaitSuspend(h: CoroutineHandle): void {
    this.s.pending!.then((c) => {
      this.s.arrive(c);
      h.resume();
    });
  }
  override awaitResume(): number {
    return this.s.current();
  }
}

class AsyncReader {
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

/** Reader for raw generators: a reused iterator that yields the pending chunk's promise. */
class RawReader {
  #res = { done: false, value: undefined as unknown };
  #waiting = false;
  constructor(readonly s: ReaderState) {}
  [Symbol.iterator](): Iterator<Promise<string>, number, string> {
    return this;
  }
  next(chunk?: string): IteratorResult<Promise<string>, number> {
    const r = this.#res;
    if (this.#waiting) this.#waiting = false, this.s.arrive(chunk!);
    if (this.s.fill()) r.done = true, r.value = this.s.current();
    else this.#waiting = true, r.done = false, r.value = this.s.pending;
    return r as IteratorResult<Promise<string>, number>;
  }
}

/** The tiny driver for raw generators: awaits what they yield and sends it back. */
async function drive<T>(g: Generator<Promise<string>, T, string>): Promise<T> {
  let it = g.next();
  while (!it.done) it = g.next(await it.value);
  return it.value;
}

function coroParser(): (chunks: string[]) => Promise<unknown> {
  const value: (rd: CoroReader) => Task<unknown> = task(function* (rd: CoroReader) {
    const s = rd.s;
    let c = yield* rd;
    while (isWs(c)) s.pos++, c = yield* rd;
    if (c === 0x7b) return yield* object(rd);
    if (c === 0x5b) return yield* array(rd);
    if (c === 0x22) return yield* string(rd);
    if (c === 0x74) return yield* literal(rd, "true", true);
    if (c === 0x66) return yield* literal(rd, "false", false);
    if (c === 0x6e) return yield* literal(rd, "null", null);
    return yield* number(rd);
  });
  const object = task(function* (rd: CoroReader) {
    const s = rd.s, obj: Record<string, unknown> = {};
    s.pos++;
    let c = yield* rd;
    while (isWs(c)) s.pos++, c = yield* rd;
    if (c === 0x7d) return s.pos++, obj;
    for (;;) {
      if (c !== 0x22) fail(s, "expected key");
      const key = (yield* string(rd)) as string;
      c = yield* rd;
      while (isWs(c)) s.pos++, c = yield* rd;
      if (c !== 0x3a) fail(s, "expected ':'");
      s.pos++;
      obj[key] = yield* value(rd);
      c = yield* rd;
      while (isWs(c)) s.pos++, c = yield* rd;
      s.pos++;
      if (c === 0x7d) return obj;
      if (c !== 0x2c) fail(s, "expected ',' or '}'");
      c = yield* rd;
      while (isWs(c)) s.pos++, c = yield* rd;
    }
  });
  const array = task(function* (rd: CoroReader) {
    const s = rd.s, arr: unknown[] = [];
    s.pos++;
    let c = yield* rd;
    while (isWs(c)) s.pos++, c = yield* rd;
    if (c === 0x5d) return s.pos++, arr;
    for (;;) {
      arr.push(yield* value(rd));
      c = yield* rd;
      while (isWs(c)) s.pos++, c = yield* rd;
      s.pos++;
      if (c === 0x5d) return arr;
      if (c !== 0x2c) fail(s, "expected ',' or ']'");
    }
  });
  const string = task(function* (rd: CoroReader) {
    const s = rd.s;
    s.pos++;
    let out = "", buf = s.buf, start = s.pos;
    for (;;) {
      const c = yield* rd;
      if (s.buf !== buf) out += buf.slice(start), buf = s.buf, start = s.pos;
      if (c === 0x22) return out += buf.slice(start, s.pos), s.pos++, out;
      if (c === EOF) fail(s, "unterminated string");
      if (c !== 0x5c) {
        s.pos++;
        continue;
      }
      out += buf.slice(start, s.pos);
      s.pos++;
      const e = yield* rd;
      s.pos++;
      let hex = "";
      if (e === 0x75) {
        for (let i = 0; i < 4; i++) hex += String.fromCharCode(yield* rd), s.pos++;
      }
      out += unescape(e, hex);
      buf = s.buf, start = s.pos;
    }
  });
  const number = task(function* (rd: CoroReader) {
    const s = rd.s;
    let out = "", buf = s.buf, start = s.pos;
    for (;;) {
      const c = yield* rd;
      if (s.buf !== buf) out += buf.slice(start), buf = s.buf, start = s.pos;
      if (!isNum(c)) break;
      s.pos++;
    }
    const n = Number(out + buf.slice(start, s.pos));
    return Number.isNaN(n) ? fail(s, "bad number") : n;
  });
  const literal = task(function* (rd: CoroReader, word: string, v: unknown) {
    const s = rd.s;
    for (let i = 0; i < word.length; i++) {
      if ((yield* rd) !== word.charCodeAt(i)) fail(s, `expected ${word}`);
      s.pos++;
    }
    return v;
  });
  return (chunks) => start(value(new CoroReader(new ReaderState(chunks))));
}

function rawParser(): (chunks: string[]) => Promise<unknown> {
  const value = function* (rd: RawReader): Generator<Promise<string>, unknown, string> {
    const s = rd.s;
    let c = yield* rd;
    while (isWs(c)) s.pos++, c = yield* rd;
    if (c === 0x7b) return yield* object(rd);
    if (c === 0x5b) return yield* array(rd);
    if (c === 0x22) return yield* string(rd);
    if (c === 0x74) return yield* literal(rd, "true", true);
    if (c === 0x66) return yield* literal(rd, "false", false);
    if (c === 0x6e) return yield* literal(rd, "null", null);
    return yield* number(rd);
  };
  const object = function* (rd: RawReader): Generator<Promise<string>, unknown, string> {
    const s = rd.s, obj: Record<string, unknown> = {};
    s.pos++;
    let c = yield* rd;
    while (isWs(c)) s.pos++, c = yield* rd;
    if (c === 0x7d) return s.pos++, obj;
    for (;;) {
      if (c !== 0x22) fail(s, "expected key");
      const key = (yield* string(rd)) as string;
      c = yield* rd;
      while (isWs(c)) s.pos++, c = yield* rd;
      if (c !== 0x3a) fail(s, "expected ':'");
      s.pos++;
      obj[key] = yield* value(rd);
      c = yield* rd;
      while (isWs(c)) s.pos++, c = yield* rd;
      s.pos++;
      if (c === 0x7d) return obj;
      if (c !== 0x2c) fail(s, "expected ',' or '}'");
      c = yield* rd;
      while (isWs(c)) s.pos++, c = yield* rd;
    }
  };
  const array = function* (rd: RawReader): Generator<Promise<string>, unknown, string> {
    const s = rd.s, arr: unknown[] = [];
    s.pos++;
    let c = yield* rd;
    while (isWs(c)) s.pos++, c = yield* rd;
    if (c === 0x5d) return s.pos++, arr;
    for (;;) {
      arr.push(yield* value(rd));
      c = yield* rd;
      while (isWs(c)) s.pos++, c = yield* rd;
      s.pos++;
      if (c === 0x5d) return arr;
      if (c !== 0x2c) fail(s, "expected ',' or ']'");
    }
  };
  const string = function* (rd: RawReader): Generator<Promise<string>, unknown, string> {
    const s = rd.s;
    s.pos++;
    let out = "", buf = s.buf, start = s.pos;
    for (;;) {
      const c = yield* rd;
      if (s.buf !== buf) out += buf.slice(start), buf = s.buf, start = s.pos;
      if (c === 0x22) return out += buf.slice(start, s.pos), s.pos++, out;
      if (c === EOF) fail(s, "unterminated string");
      if (c !== 0x5c) {
        s.pos++;
        continue;
      }
      out += buf.slice(start, s.pos);
      s.pos++;
      const e = yield* rd;
      s.pos++;
      let hex = "";
      if (e === 0x75) {
        for (let i = 0; i < 4; i++) hex += String.fromCharCode(yield* rd), s.pos++;
      }
      out += unescape(e, hex);
      buf = s.buf, start = s.pos;
    }
  };
  const number = function* (rd: RawReader): Generator<Promise<string>, unknown, string> {
    const s = rd.s;
    let out = "", buf = s.buf, start = s.pos;
    for (;;) {
      const c = yield* rd;
      if (s.buf !== buf) out += buf.slice(start), buf = s.buf, start = s.pos;
      if (!isNum(c)) break;
      s.pos++;
    }
    const n = Number(out + buf.slice(start, s.pos));
    return Number.isNaN(n) ? fail(s, "bad number") : n;
  };
  const literal = function* (
    rd: RawReader,
    word: string,
    v: unknown,
  ): Generator<Promise<string>, unknown, string> {
    const s = rd.s;
    for (let i = 0; i < word.length; i++) {
      if ((yield* rd) !== word.charCodeAt(i)) fail(s, `expected ${word}`);
      s.pos++;
    }
    return v;
  };
  return (chunks) => drive(value(new RawReader(new ReaderState(chunks))));
}

function asyncParser(): (chunks: string[]) => Promise<unknown> {
  const value = async function (rd: AsyncReader): Promise<unknown> {
    const s = rd.s;
    let c = await rd.peek();
    while (isWs(c)) s.pos++, c = await rd.peek();
    if (c === 0x7b) return await object(rd);
    if (c === 0x5b) return await array(rd);
    if (c === 0x22) return await string(rd);
    if (c === 0x74) return await literal(rd, "true", true);
    if (c === 0x66) return await literal(rd, "false", false);
    if (c === 0x6e) return await literal(rd, "null", null);
    return await number(rd);
  };
  const object = async function (rd: AsyncReader): Promise<unknown> {
    const s = rd.s, obj: Record<string, unknown> = {};
    s.pos++;
    let c = await rd.peek();
    while (isWs(c)) s.pos++, c = await rd.peek();
    if (c === 0x7d) return s.pos++, obj;
    for (;;) {
      if (c !== 0x22) fail(s, "expected key");
      const key = (await string(rd)) as string;
      c = await rd.peek();
      while (isWs(c)) s.pos++, c = await rd.peek();
      if (c !== 0x3a) fail(s, "expected ':'");
      s.pos++;
      obj[key] = await value(rd);
      c = await rd.peek();
      while (isWs(c)) s.pos++, c = await rd.peek();
      s.pos++;
      if (c === 0x7d) return obj;
      if (c !== 0x2c) fail(s, "expected ',' or '}'");
      c = await rd.peek();
      while (isWs(c)) s.pos++, c = await rd.peek();
    }
  };
  const array = async function (rd: AsyncReader): Promise<unknown> {
    const s = rd.s, arr: unknown[] = [];
    s.pos++;
    let c = await rd.peek();
    while (isWs(c)) s.pos++, c = await rd.peek();
    if (c === 0x5d) return s.pos++, arr;
    for (;;) {
      arr.push(await value(rd));
      c = await rd.peek();
      while (isWs(c)) s.pos++, c = await rd.peek();
      s.pos++;
      if (c === 0x5d) return arr;
      if (c !== 0x2c) fail(s, "expected ',' or ']'");
    }
  };
  const string = async function (rd: AsyncReader): Promise<unknown> {
    const s = rd.s;
    s.pos++;
    let out = "", buf = s.buf, start = s.pos;
    for (;;) {
      const c = await rd.peek();
      if (s.buf !== buf) out += buf.slice(start), buf = s.buf, start = s.pos;
      if (c === 0x22) return out += buf.slice(start, s.pos), s.pos++, out;
      if (c === EOF) fail(s, "unterminated string");
      if (c !== 0x5c) {
        s.pos++;
        continue;
      }
      out += buf.slice(start, s.pos);
      s.pos++;
      const e = await rd.peek();
      s.pos++;
      let hex = "";
      if (e === 0x75) {
        for (let i = 0; i < 4; i++) hex += String.fromCharCode(await rd.peek()), s.pos++;
      }
      out += unescape(e, hex);
      buf = s.buf, start = s.pos;
    }
  };
  const number = async function (rd: AsyncReader): Promise<unknown> {
    const s = rd.s;
    let out = "", buf = s.buf, start = s.pos;
    for (;;) {
      const c = await rd.peek();
      if (s.buf !== buf) out += buf.slice(start), buf = s.buf, start = s.pos;
      if (!isNum(c)) break;
      s.pos++;
    }
    const n = Number(out + buf.slice(start, s.pos));
    return Number.isNaN(n) ? fail(s, "bad number") : n;
  };
  const literal = async function (rd: AsyncReader, word: string, v: unknown): Promise<unknown> {
    const s = rd.s;
    for (let i = 0; i < word.length; i++) {
      if ((await rd.peek()) !== word.charCodeAt(i)) fail(s, `expected ${word}`);
      s.pos++;
    }
    return v;
  };
  return (chunks) => value(new AsyncReader(new ReaderState(chunks)));
}

/** Size of the generated document in characters. */
export function docSize(quick: boolean): number {
  return quick ? 1_000_000 : 10_000_000;
}

/** The document, its chunks and the three contenders (ops = characters parsed). */
export function jsonContenders(quick: boolean): { expected: unknown; contenders: Contender[] } {
  const { value, text } = makeDoc(docSize(quick));
  const chunks = chunk(text);
  const ops = text.length;
  const coro = coroParser(), raw = rawParser(), asy = asyncParser(), fast = asyncFastParser();
  return {
    expected: value,
    contenders: [
      { name: "@coro/task", ops, async: true, run: () => coro(chunks) },
      { name: "async/await", ops, async: true, run: () => asy(chunks) },
      {
        name: "async/await (await only when not buffered)",
        ops,
        async: true,
        run: () => fast(chunks),
      },
      { name: "raw yield*", ops, async: true, run: () => raw(chunks) },
    ],
  };
}
