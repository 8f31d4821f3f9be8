// "Did you mean": the closest accepted name to a mistyped one (edit distance, case-insensitive).

/** Levenshtein distance between `a` and `b`. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * The accepted name closest to `given`, when it is close enough to be a typo (at most a third of its
 * length in edits, and at least as close as any other name); null otherwise.
 */
export function closest(given: string, accepted: readonly string[]): string | null {
  const g = given.toLowerCase();
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of accepted) {
    const d = distance(g, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(given.length / 3)) ? best : null;
}

/** ` did you mean "x"?` or an empty string, to append to a message about an unknown name. */
export function didYouMean(given: string, accepted: readonly string[]): string {
  const match = closest(given, accepted);
  return match === null ? '' : ` did you mean ${JSON.stringify(match)}?`;
}
