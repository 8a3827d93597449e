/**
 * The paper's opening example: load a record, change it, save it, with real asynchronous latency
 * (timers) in an in-memory store. Run: `deno run examples/modify_record.ts`.
 *
 * @module
 */

import { type Operation, sleep, start, task } from "../mod.ts";

interface Rec {
  id: number;
  name: string;
  description: string;
}

/** An in-memory "database" whose reads and writes take a few milliseconds, like a real one. */
class Store {
  readonly #rows = new Map<number, Rec>([[123, { id: 123, name: "ada", description: "" }]]);

  read(id: number): Operation<Rec> {
    const rows = this.#rows;
    return task(function* () {
      yield* sleep(5); // network latency
      const row = rows.get(id);
      if (row === undefined) throw new Error(`no record ${id}`);
      return { ...row };
    })();
  }

  write(r: Rec): Operation<void> {
    const rows = this.#rows;
    return task(function* () {
      yield* sleep(5);
      rows.set(r.id, { ...r });
    })();
  }

  peek(id: number): Rec | undefined {
    return this.#rows.get(id);
  }
}

const db = new Store();

const loadRecord = task(function* (id: number) {
  return yield* db.read(id);
});

const saveRecord = task(function* (r: Rec) {
  yield* db.write(r);
});

const modifyRecord = task(function* () {
  const r = yield* loadRecord(123);
  r.description = "Look, ma, no blocking!";
  yield* saveRecord(r);
});

const t = modifyRecord();
console.log(`modifyRecord() returned a task, status "${t.status}": nothing has run yet`);
const began = performance.now();
await start(t);
const took = (performance.now() - began).toFixed(1);
console.log(`awaited it in ${took} ms; the store now says:`, db.peek(123));
