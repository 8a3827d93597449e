// Fixture for coro/no-dropped-task: every line marked `expect` must be reported, nothing else.
import { sleep as nap, task, whenAll } from "@coro/task";
import * as coro from "@coro/task";

export const child = task(function* (n: number) {
  yield* nap(n);
  return n;
});
const viaNamespace = coro.task(function* () {});

export const parent = task(function* () {
  child(1); // expect coro/no-dropped-task: child(1)
  nap(5); // expect coro/no-dropped-task: nap(5)
  whenAll(child(2), child(3)); // expect coro/no-dropped-task: whenAll(child(2), child(3))
  coro.sleep(1); // expect coro/no-dropped-task: coro.sleep(1)
  viaNamespace(); // expect coro/no-dropped-task: viaNamespace()
  yield* child(4);
});

export function later(): void {
  hoisted(); // expect coro/no-dropped-task: hoisted()
}
const hoisted = task(function* () {});
