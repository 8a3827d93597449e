/**
 * `BadAllocError`, thrown when a memory resource cannot satisfy a request.
 *
 * @module
 */

/**
 * Thrown when a `MemoryResource` cannot satisfy a request (the analogue of `std::bad_alloc`): an
 * exhausted budget, `nullResource`, or a Wasm heap that cannot grow further. The message names the
 * resource, the request and what to do about it.
 *
 * @example
 * ```ts
 * import { ArenaResource, BadAllocError, nullResource } from "@coro/task";
 *
 * using budget = new ArenaResource({ initialSize: 64, upstream: nullResource });
 * try {
 *   budget.allocate(100);
 * } catch (e) {
 *   console.log(e instanceof BadAllocError, (e as BadAllocError).bytes); // true 100
 * }
 * ```
 */
export class BadAllocError extends Error {
  /** Always `"BadAllocError"`. */
  override readonly name: string = "BadAllocError";
  /** Which resource refused, e.g. `"ArenaResource"`. */
  readonly resource: string;
  /** The bytes requested. */
  readonly bytes: number;
  /** The alignment requested. */
  readonly align: number;

  /**
   * An error for a refused `allocate(bytes, align)`; the message is built from the arguments.
   *
   * @param resource the resource that refused
   * @param bytes the bytes requested
   * @param align the alignment requested
   * @param fix what the caller can do about it
   * @param options `cause`: the upstream error, if any
   */
  constructor(
    resource: string,
    bytes: number,
    align: number,
    fix: string,
    options?: ErrorOptions,
  ) {
    super(`${resource} cannot allocate ${bytes} bytes aligned to ${align}: ${fix}`, options);
    this.resource = resource;
    this.bytes = bytes;
    this.align = align;
  }
}
