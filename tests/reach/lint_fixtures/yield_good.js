// Fixture for coro/require-yield-star: nothing here may be reported.
import { sleep, task } from "@coro/task";

export const child = task(function* () {
  yield* sleep(1);
  // A generator inside a task body is its own function: its plain yields are fine.
  const numbers = function* () {
    yield 1;
    yield 2;
  };
  return [...numbers()].length;
});

export function* plainGenerator() {
  yield 1; // not a task body
}

const wrap = (g) => g;
export const notTask = wrap(function* () {
  yield 1; // passed to some other function
});
