// Fixture for coro/no-await-task: every line marked `expect` must be reported, nothing else.
import { sleep, task, whenAny } from "@coro/task";

export const child = task(function* () {
  yield* sleep(1);
  return 1;
});

export async function main(): Promise<void> {
  await child(); // expect coro/no-await-task: child()
  await sleep(5); // expect coro/no-await-task: sleep(5)
  await whenAny(child(), sleep(9)); // expect coro/no-await-task: whenAny(child(), sleep(9))
  const t = child();
  await t; // expect coro/no-await-task: t
  await Promise.all([child(), sleep(1)]); // expect coro/no-await-task: child() | coro/no-await-task: sleep(1)
  await Promise.resolve(child()); // expect coro/no-await-task: child()
  await (sleep(2) as unknown); // expect coro/no-await-task: sleep(2) as unknown
}
