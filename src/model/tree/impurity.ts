// Gini and Entropy impurity of one node side from its weighted class sums, as scikit-learn 1.2.1 computes them.

export function gini(sums: Float64Array, w: number): number {
  let sq = 0.0;
  for (let c = 0; c < sums.length; c++) {
    const v = sums[c] as number;
    sq += v * v;
  }
  return 0.0 + (1.0 - sq / (w * w));
}

/** sklearn's `_utils.log`: a base-2 log computed as ln(x) / ln(2.0) with the C library's ln. */
export function entropy(sums: Float64Array, w: number, ln: (x: number) => number): number {
  const ln2 = ln(2.0);
  let e = 0.0;
  for (let c = 0; c < sums.length; c++) {
    let v = sums[c] as number;
    if (v > 0.0) {
      v /= w;
      e -= v * (ln(v) / ln2);
    }
  }
  return e;
}
