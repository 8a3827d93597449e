// Compiled with `tsc --noEmit` in the scratch project: the package's .d.ts files resolve from
// node_modules under NodeNext resolution and type a task's result, a group and an allocator.
import {
  allocatorArg,
  type AnyResult,
  ArenaResource,
  start,
  syncAwait,
  type Task,
  task,
  whenAll,
  whenAny,
} from "@coro/task";

const double = task(
  function* (_tag: typeof allocatorArg, _a: ArenaResource, x: number) {
    return 2 * x;
  },
);
const name = task(function* () {
  return "x";
});
const t: Task<number> = double(allocatorArg, new ArenaResource(), 21);
const n: number = syncAwait(t);
const both: Promise<[number, string]> = start(
  task(function* () {
    return yield* whenAll(double(allocatorArg, new ArenaResource(), 1), name());
  })(),
);
const first: AnyResult<[Task<number>, Task<string>]> = syncAwait(
  whenAny(double(allocatorArg, new ArenaResource(), 1), name()),
);
// @ts-expect-error: a task's result is typed; a string is not a number
const wrong: number = syncAwait(name());
export { both, first, n, wrong };
