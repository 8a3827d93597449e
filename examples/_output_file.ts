/**
 * A stand-in for an open file, for the job-runner examples (and their twins in `bench/compare/`):
 * each write and the close take real (timer) time, like disk I/O, so a cancelled task that
 * awaits them in its `finally` block shows whether its cleanup can still await.
 *
 * @module
 */

/** An open file whose writes and close complete a millisecond later. */
export class OutputFile {
  /** Files opened and not yet closed, across all instances. */
  static open = 0;
  /** What was written, in order. */
  readonly lines: string[] = [];

  constructor() {
    OutputFile.open++;
  }

  /** Appends a line. */
  write(line: string): Promise<void> {
    return new Promise((resolve) => setTimeout(() => resolve(void this.lines.push(line)), 1));
  }

  /** Closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => setTimeout(() => resolve(void OutputFile.open--), 1));
  }
}
