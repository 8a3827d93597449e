// Fixture for coro/no-await-task: nothing here may be reported.
import { start, task, whenAll } from "@coro/task";

export const child = task(function* () {
  return 1;
});

export async function main(
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  await start(child());
  await start(whenAll(child(), child()));
  await sleep(5); // a parameter, not the library's sleep
  await Promise.all([start(child()), start(child())]);
  let t = child();
  t = child();
  await t; // `let`: what it holds is not certain
  const p = start(child());
  await p;
}

export async function shadowedPromise(): Promise<void> {
  const Promise = { all: (xs: unknown[]) => xs.length };
  await Promise.all([child()]); // not the global Promise
}
