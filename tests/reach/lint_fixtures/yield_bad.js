// Fixture for coro/require-yield-star (JavaScript: in TypeScript the types already reject a plain
// `yield` in a task body): every line marked `expect` must be reported, nothing else.
import { sleep, task } from "@coro/task";
import * as coro from "@coro/task";

export const child = task(function* () {
  yield* sleep(1);
  return 1;
});

export const parent = task(function* () {
  yield child(); // expect coro/require-yield-star: yield child()
  yield sleep(5); // expect coro/require-yield-star: yield sleep(5)
  yield; // expect coro/require-yield-star: yield
  return yield* child();
});

export const viaNamespace = coro.task(function* () {
  const x = yield 1; // expect coro/require-yield-star: yield 1
  return x;
});
