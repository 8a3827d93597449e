// Fixture for coro/no-dropped-task: nothing here may be reported.
import { start, syncAwait, task, whenAll } from "@coro/task";
import type { Task } from "@coro/task";

export const child = task(function* (n: number) {
  return n;
});
let reassignable = task(function* () {});
reassignable = task(function* () {});

export const parent = task(function* () {
  yield* child(1);
  const t = child(2);
  yield* t;
  yield* whenAll(child(3), child(4));
  void child(5); // an explicit discard
  child(6).destroy();
  reassignable(); // `let`: what it holds is not certain
});

export function bridges(): Promise<number> {
  start(child(1)).catch(() => {});
  syncAwait(child(2));
  using _t = child(3);
  return start(child(4));
}

export function shadowed(child: (n: number) => void, nap: Task<void>[]): void {
  child(1); // a parameter, not the task function
  const sleep = (_ms: number) => {};
  sleep(5); // a local function, not the library's
  nap.pop();
}

export function hoistedVar(flag: boolean): void {
  if (flag) {
    // deno-lint-ignore no-var no-inner-declarations
    var child = (_n: number) => {};
  }
  child!(1);
}

const methods = { child, run: (n: number) => n };
methods.child(7); // a method call: its result is not certain
methods.run(8);
