/**
 * The error every resource throws for an address it must not accept: a `deallocate` of something
 * it did not hand out (or not with that size and alignment), or an address a user-written
 * resource returned that no task may use.
 *
 * Not exported from `mod.ts`: users match it as a `RangeError` and by `name`.
 *
 * @module
 */

/**
 * @ignore A `RangeError` naming the resource, the address and the likely cause. The call that
 * throws it has changed nothing: no statistics, no heap state.
 */
export class InvalidPointerError extends RangeError {
  /** Always `"InvalidPointerError"`. */
  override readonly name: string = "InvalidPointerError";
  /** The resource that refused (or returned) the address, e.g. `"PoolResource"`. */
  readonly resource: string;
  /** The address as given. */
  readonly ptr: unknown;

  /**
   * @param resource the resource involved
   * @param call the call, e.g. `deallocate(1032, 64, 8)`
   * @param ptr the address
   * @param cause what is wrong and what to do
   */
  constructor(resource: string, call: string, ptr: unknown, cause: string) {
    super(`${resource}.${call}: ${cause}`);
    this.resource = resource;
    this.ptr = ptr;
  }
}

/** `deallocate(ptr, bytes, align)` as text for messages. */
export function deallocateCall(ptr: unknown, bytes: unknown, align: unknown): string {
  return `deallocate(${String(ptr)}, ${String(bytes)}, ${String(align)})`;
}
