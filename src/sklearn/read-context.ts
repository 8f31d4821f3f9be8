// What every reader needs to know about the file: the scikit-learn version that wrote it (layouts and
// arithmetic changed between versions) and the log function matching numpy's.
export interface ReadContext {
  /** (major, minor) of `_sklearn_version`. */
  readonly version: readonly [number, number];
  /** The natural log numpy calls (glibc 2.36's, ported), for GradientBoosting's prior. */
  readonly log: (x: number) => number;
}

/** True when the file was written by scikit-learn major.minor or later. */
export function atLeast(ctx: ReadContext, major: number, minor: number): boolean {
  const [a, b] = ctx.version;
  return a > major || (a === major && b >= minor);
}
