/**
 * Child process for the decode GC figures: `deno run -A --v8-flags=--trace-gc
 * bench/_decode_child.ts <contender|setup> <decodes> <messages>` builds the input, runs one
 * warm-up and `decodes` full decodes of one contender, and prints
 * `{"ok":true,"decodes":...,"ns":...}` on stderr (stdout carries V8's GC trace lines, which V8
 * buffers and flushes at any point).
 *
 * @module
 */

import { buildInput, decodeContenders, expectedAnswer } from "./decode.ts";

if (import.meta.main) {
  const [name, decodesArg, messagesArg] = Deno.args;
  try {
    const input = buildInput(Number(messagesArg));
    if (name === "setup") {
      console.error(JSON.stringify({ ok: true, decodes: 0, ns: 0 }));
    } else {
      const c = decodeContenders(input).find((c) => c.name === name);
      if (!c) throw new Error(`no contender ${name}`);
      const expected = expectedAnswer(input);
      if (await c.run() !== expected) throw new Error(`${name} gave a wrong answer`);
      const decodes = Number(decodesArg);
      const t0 = performance.now();
      for (let i = 0; i < decodes; i++) await c.run();
      const ns = (performance.now() - t0) * 1e6 / (decodes * input.count);
      console.error(JSON.stringify({ ok: true, decodes, ns }));
    }
  } catch (e) {
    console.error(JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e) }));
  }
}
