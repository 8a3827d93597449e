/**
 * The error `release()` throws while tasks still hold frames from the resource.
 *
 * Not exported from `mod.ts`: users match it by `name` (it is an `Error`).
 *
 * @module
 */

/**
 * @ignore `release()` (or `[Symbol.dispose]()`) was refused because `frames` task frames (with
 * their `frameBuffer`s) taken from the resource are still live; nothing was released.
 */
export class ResourceInUseError extends Error {
  /** Always `"ResourceInUseError"`. */
  override readonly name: string = "ResourceInUseError";
  /** The resource, e.g. `"ArenaResource"`. */
  readonly resource: string;
  /** How many task frames from it were live. */
  readonly frames: number;

  /**
   * @param resource the resource that refused
   * @param call `release()` or `[Symbol.dispose]()`
   * @param frames the live frames
   */
  constructor(resource: string, call: string, frames: number) {
    super(
      `${resource}.${call} refused: ${frames} task frame(s) taken from it (with their ` +
        "frameBuffer memory) are still live, and releasing would hand that memory to the next " +
        "allocation while those tasks still use it. Let those tasks finish (or cancel their " +
        "CancellationDomain and let them unwind) before releasing",
    );
    this.resource = resource;
    this.frames = frames;
  }
}
