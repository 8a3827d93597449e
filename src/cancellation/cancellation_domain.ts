/**
 * `CancellationDomain`: cancellation in bulk, the model the paper chose over per-task
 * cancellation ("Destruction and cancellation").
 *
 * How a child stays linked to its parent for its whole life without the parent holding every
 * child it ever had: the child holds its parent (upward, strongly), and the parent holds only the
 * children that have something to tell (a listener, a linked child, a `signal` handed out). A
 * child with nothing to tell is *unlinked*: nobody needs to be told when it is cancelled, so it
 * asks its ancestors when it is read instead (`cancelled`, `reason`, `signal`, `addListener`,
 * `cancel`, dispose). Children that stop having anything to tell are dropped by a sweep the
 * parent runs when its set of children has doubled (or grown by what the last sweep visited), so
 * a million short-lived children under one long-lived root cost nothing once dropped, and a child
 * someone still holds is still reached. A domain whose parent is an `AbortSignal` listens to it
 * from the start (as before): the signal is not ours to sweep.
 *
 * Asking the ancestors is O(1) in the common case: every cancellation anywhere bumps a global
 * epoch, and a domain that found no cancelled ancestor at the current epoch (or whose parent is
 * linked or did) needs no walk; a walk stamps every domain it passed (path compression).
 *
 * States of a domain (a root, made without a parent or disposed, is always LINKED):
 *
 * | from      | event                                                   | to              |
 * | --------- | ------------------------------------------------------- | --------------- |
 * | (new)     | parent domain given, not cancelled                      | UNLINKED        |
 * | (new)     | no parent; or an AbortSignal parent, not aborted        | LINKED          |
 * | (new)     | parent cancelled or aborted                             | CANCELLED       |
 * | UNLINKED  | `addListener`, `signal`, a child links                  | LINKED          |
 * | UNLINKED  | read, and an ancestor is found cancelled                | CANCELLED       |
 * | LINKED    | the parent's sweep finds nothing to tell                | UNLINKED        |
 * | LINKED    | the parent is cancelled (tells it) or its signal aborts | CANCELLED       |
 * | any       | `cancel()`                                              | CANCELLED       |
 * | any       | `[Symbol.dispose]()`                                    | LINKED (a root) |
 *
 * Invariants: a LINKED domain's parent is LINKED (linking links the ancestors), so a LINKED
 * domain's own flag is authoritative; an UNLINKED domain has no listeners, no linked children
 * and no signal, so adopting its ancestor's cancellation lazily tells nobody late.
 *
 * @module
 */

import { CancelledError } from "./cancelled_error.ts";
import { reportError } from "../core/_report.ts";

/**
 * Something told when a domain is cancelled. Awaitables usually implement it themselves, so that
 * registering allocates no closure.
 *
 * @example
 * ```ts
 * import { type CancellationListener, CancellationDomain } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const seen: unknown[] = [];
 * const listener: CancellationListener = { onCancel: (reason) => seen.push(reason) };
 * const domain = new CancellationDomain();
 * domain.addListener(listener);
 * domain.cancel("stop");
 * assert.deepEqual(seen, ["stop"]);
 * ```
 */
export interface CancellationListener {
  /** Called once, when the domain is cancelled, with the reason given to `cancel()`. */
  onCancel(reason: unknown): void;
}

/** A parent's set of children is swept when it grows past twice what the last sweep kept. */
const SWEEP_MIN = 16;

/** Bumped by every cancellation: an unlinked domain's "no ancestor cancelled" holds until then. */
let epoch = 0;

/**
 * A cancellation domain: every operation suspended in it completes with `CancelledError` when it
 * is cancelled, and the tasks awaiting them unwind through their `finally` blocks. Cancelling a
 * domain cancels its children, for the children's whole life; a domain made from an
 * `AbortSignal` is cancelled when the signal aborts, and {@linkcode CancellationDomain.signal}
 * bridges the other way.
 *
 * Every running task has an ambient domain: its root's (from `start`'s `signal`, or a fresh one),
 * replaced inside `withDomain(domain, t)`, read with `yield* currentDomain()`.
 *
 * A parent does not keep its children alive: a child that nobody holds and that has nothing to
 * tell (no listener, no suspended operation) is garbage, however long its parent lives.
 *
 * A listener that throws never stops a cancellation: every listener is told, then the error is
 * thrown by `cancel()` when your code called it, or reported (`globalThis.reportError`, after the
 * current job; where the host lacks it, thrown from a microtask) when the cancellation came from
 * a parent domain or an `AbortSignal`. In Deno an unhandled reported error ends the process, as
 * an uncaught exception does: handle it with `addEventListener("error", (e) => ...)` and
 * `e.preventDefault()`.
 *
 * @example
 * ```ts
 * import { CancellationDomain } from "@coro/task";
 * import assert from "node:assert/strict";
 *
 * const request = new AbortController();
 * const parent = new CancellationDomain(request.signal);
 * const child = new CancellationDomain(parent);
 * request.abort("client went away");
 * assert.equal(child.cancelled, true);
 * assert.equal(child.reason, "client went away");
 * assert.equal(child.signal.aborted, true);
 * ```
 */
export class CancellationDomain implements CancellationListener, Disposable {
  #cancelled = false;
  #reason: unknown = undefined;
  /**
   * The one listener while there is only one (the common case: the operation suspended in this
   * domain), kept out of the set so that adding and removing it allocates nothing. Non-null only
   * while `#listeners` is empty, so registration order is kept.
   */
  #single: CancellationListener | null = null;
  #listeners: Set<CancellationListener> | null = null;
  /** The children that have something to tell; see the module documentation. */
  #children: Set<CancellationDomain> | null = null;
  #sweepAt = SWEEP_MIN;
  #parent: CancellationDomain | AbortSignal | null = null;
  /** Told by its parent (or a root); an unlinked domain asks its ancestors when read. */
  #linked = true;
  /** The epoch at which an unlinked domain last found no cancelled ancestor. */
  #checkedAt = -1;
  #onAbort: (() => void) | null = null;
  #controller: AbortController | null = null;
  #error: CancelledError | null = null;

  /**
   * Makes a domain, optionally tied to a parent.
   *
   * @param parent A domain or an `AbortSignal` whose cancellation cancels this domain.
   * @throws {TypeError} If `parent` is neither.
   */
  constructor(parent?: CancellationDomain | AbortSignal) {
    if (parent === undefined) return;
    if (parent instanceof CancellationDomain) {
      // Its own flag only: an unlinked parent's ancestors are asked when this one is read.
      if (parent.#cancelled) {
        this.#cancelled = true;
        this.#reason = parent.#reason;
        return;
      }
      this.#parent = parent;
      this.#linked = false;
      if (parent.#linked || parent.#checkedAt === epoch) this.#checkedAt = epoch;
    } else if (parent instanceof AbortSignal) {
      if (parent.aborted) {
        this.#cancelled = true;
        this.#reason = parent.reason;
        return;
      }
      this.#parent = parent;
      this.#onAbort = () => this.onCancel((this.#parent as AbortSignal).reason);
      parent.addEventListener("abort", this.#onAbort);
    } else {
      throw new TypeError(
        `new CancellationDomain(parent): parent must be a CancellationDomain or an AbortSignal ` +
          `(got ${describe(parent)}); pass one (e.g. controller.signal), or nothing for a root`,
      );
    }
  }

  /** Whether the domain has been cancelled (itself, or through an ancestor). */
  get cancelled(): boolean {
    return this.#cancelled ||
      (!this.#linked && this.#checkedAt !== epoch && CancellationDomain.#pull(this));
  }

  /** The reason given to `cancel()` (or the ancestor's), once cancelled. */
  get reason(): unknown {
    return this.cancelled ? this.#reason : undefined;
  }

  /** An `AbortSignal` that aborts when this domain is cancelled, for APIs such as `fetch`. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.cancelled) controller.abort(this.#reason);
      else CancellationDomain.#link(this);
    }
    return this.#controller.signal;
  }

  /**
   * Cancels the domain and, through it, its children: the whole tree is marked cancelled first,
   * then the `signal`s abort, then every registered listener is told once (this domain's in
   * registration order, then its descendants'). Cancelling twice does nothing.
   *
   * @param reason Carried by the `CancelledError`s that result.
   * @throws What this domain's own listeners threw (several: an `AggregateError`), once all of
   *   them were told. Errors thrown by the listeners of its descendants are reported instead.
   */
  cancel(reason?: unknown): void {
    const errors = this.#cancel(reason);
    if (errors === null) return;
    if (errors.length === 1) throw errors[0];
    throw new AggregateError(errors, "cancellation listeners threw (every listener was told)");
  }

  /**
   * Cancels the domain as its parent does: like `cancel()`, but the listeners' errors are
   * reported (`reportError`) rather than thrown, so that whoever cancels from a parent, a signal
   * or library code is never interrupted.
   */
  onCancel(reason: unknown): void {
    const errors = this.#cancel(reason);
    if (errors !== null) reportLater(errors);
  }

  /**
   * Registers `listener` to be told when the domain is cancelled. On a domain that is already
   * cancelled the listener is told at once (and what it throws is thrown here), so no
   * cancellation is ever missed.
   *
   * @throws {TypeError} If `listener` has no `onCancel` method.
   */
  addListener(listener: CancellationListener): void {
    if (typeof (listener as Partial<CancellationListener> | null)?.onCancel !== "function") {
      throw new TypeError(
        `domain.addListener(listener): listener must be an object with an onCancel(reason) ` +
          `method (got ${describe(listener)}); pass { onCancel: (reason) => ... }`,
      );
    }
    if (this.cancelled) {
      listener.onCancel(this.#reason);
      return;
    }
    const single = this.#single;
    if (single === null && (this.#listeners === null || this.#listeners.size === 0)) {
      this.#single = listener;
    } else {
      const set = this.#listeners ??= new Set();
      if (single !== null) {
        set.add(single);
        this.#single = null;
      }
      set.add(listener);
    }
    if (!this.#linked) CancellationDomain.#link(this);
  }

  /** Removes a listener; removing one that is not registered does nothing. */
  removeListener(listener: CancellationListener): void {
    if (this.#single === listener) this.#single = null;
    else this.#listeners?.delete(listener);
  }

  /**
   * @ignore The `CancelledError` the built-in operations complete with: one per cancellation,
   * made on first use, so a storm of cancelled operations does not capture a stack trace each
   * (its stack shows where the first cancelled operation resumed).
   */
  _error(): CancelledError {
    return this.#error ??= new CancelledError(this.#reason);
  }

  /**
   * Detaches the domain from its parent: it stays usable, and is no longer cancelled by it (a
   * cancellation that reached it before stays).
   */
  [Symbol.dispose](): void {
    if (!this.cancelled) this.#detach();
  }

  /** Cancels this domain and its linked descendants; returns its own listeners' errors. */
  #cancel(reason: unknown): unknown[] | null {
    if (this.cancelled) return null;
    epoch++;
    this.#detach();
    // Mark the whole linked tree first, so that no listener sees it half cancelled.
    const domains = [this as CancellationDomain];
    for (let i = 0; i < domains.length; i++) {
      const domain = domains[i];
      domain.#cancelled = true;
      domain.#reason = reason;
      domain.#parent = null;
      domain.#linked = true;
      const children = domain.#children;
      domain.#children = null;
      if (children !== null) {
        for (const child of children) if (!child.#cancelled) domains.push(child);
      }
    }
    // Then the signals, so that what a task hands a signal to (a fetch, an abortSignal()) sees
    // it aborted before the task's cancellation resumes it. A throwing "abort" listener is the
    // host's to report, as with any event listener.
    for (const domain of domains) domain.#controller?.abort(reason);
    let errors: unknown[] | null = null;
    let descendants: unknown[] | null = null;
    for (let i = 0; i < domains.length; i++) {
      const single = domains[i].#single;
      const listeners = domains[i].#listeners;
      domains[i].#single = null;
      domains[i].#listeners = null;
      if (single === null && listeners === null) continue;
      for (const listener of single !== null ? [single] : listeners!) {
        try {
          listener.onCancel(reason);
        } catch (error) {
          if (i === 0) (errors ??= []).push(error);
          else (descendants ??= []).push(error);
        }
      }
    }
    if (descendants !== null) reportLater(descendants);
    return errors;
  }

  /** An unlinked domain asks its ancestors; adopts the nearest cancellation it finds. */
  static #pull(start: CancellationDomain): boolean {
    let top = start;
    let found = false;
    let reason: unknown;
    for (;;) {
      // Unlinked domains only have domain parents: a signal parent is listened to from the start.
      const parent = top.#parent as CancellationDomain | null;
      if (parent === null) break;
      if (parent.#cancelled) {
        found = true;
        reason = parent.#reason;
        break;
      }
      if (parent.#linked || parent.#checkedAt === epoch) break;
      top = parent;
    }
    // Stamp (or cancel) every domain passed. Unlinked domains have no listeners, children or
    // signal: adopting a cancellation tells nobody.
    for (let domain = start;;) {
      const parent = domain.#parent as CancellationDomain;
      if (found) {
        domain.#cancelled = true;
        domain.#reason = reason;
        domain.#parent = null;
        domain.#linked = true;
      } else {
        domain.#checkedAt = epoch;
      }
      if (domain === top) break;
      domain = parent;
    }
    return found;
  }

  /** Links `start` and its unlinked ancestors; they are known not to be cancelled. */
  static #link(start: CancellationDomain): void {
    for (let domain = start; !domain.#linked;) {
      const parent = domain.#parent as CancellationDomain; // unlinked: a domain parent
      domain.#linked = true;
      const children = parent.#children ??= new Set();
      children.add(domain);
      if (children.size > parent.#sweepAt) parent.#sweep();
      domain = parent;
    }
  }

  /** Unlinks, in this domain's subtree, every child with nothing to tell (no native recursion). */
  #sweep(): void {
    const order = [this as CancellationDomain];
    for (let i = 0; i < order.length; i++) {
      for (const child of order[i].#children!) {
        if (!child.#tellsOwn() && child.#children !== null && child.#children.size > 0) {
          order.push(child);
        }
      }
    }
    // Children before their parents, so that a parent left with idle children only is idle too.
    for (let i = order.length - 1; i >= 0; i--) {
      const domain = order[i];
      const children = domain.#children!;
      for (const child of children) {
        if (!child.#tellsOwn() && (child.#children === null || child.#children.size === 0)) {
          children.delete(child);
          child.#children = null;
          child.#linked = false;
        }
      }
      domain.#sweepAt = Math.max(SWEEP_MIN, 2 * children.size);
    }
    // The next sweep from here waits for as many additions as this one visited domains, so a
    // deep linked subtree is not walked again at every few additions (amortized O(1) each).
    this.#sweepAt = Math.max(this.#sweepAt, order.length);
  }

  /** Whether it has listeners or a signal of its own (not counting children). */
  #tellsOwn(): boolean {
    return this.#single !== null || (this.#listeners !== null && this.#listeners.size > 0) ||
      this.#controller !== null;
  }

  #detach(): void {
    const parent = this.#parent;
    if (parent === null) return;
    this.#parent = null;
    if (this.#linked) {
      if (parent instanceof CancellationDomain) parent.#children?.delete(this);
      else parent.removeEventListener("abort", this.#onAbort!);
    }
    this.#linked = true;
  }
}

/**
 * Reports listener errors once the current job is over: the cancellation has told everyone and
 * the coroutines it resumed have run, even on a host whose default for a reported error is to
 * end the process at once (Deno).
 */
function reportLater(errors: unknown[]): void {
  queueMicrotask(() => {
    for (const error of errors) reportError(error);
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "no prototype"})`;
  return typeof value;
}
