// The best-first builder's frontier: a max-heap on improvement that moves elements exactly like
// libstdc++'s std::push_heap / std::pop_heap, so ties pop in the same order as in scikit-learn.

export interface FrontierRecord {
  nodeId: number;
  start: number;
  end: number;
  pos: number;
  depth: number;
  isLeaf: boolean;
  impurity: number;
  impurityLeft: number;
  impurityRight: number;
  improvement: number;
}

/** sklearn's `_compare_records`: a "less than" on improvement. */
function less(a: FrontierRecord, b: FrontierRecord): boolean {
  return a.improvement < b.improvement;
}

export class FrontierHeap {
  private readonly a: FrontierRecord[] = [];

  get size(): number {
    return this.a.length;
  }

  /** libstdc++ `__push_heap(first, hole, top, value)`. */
  private siftUp(hole0: number, top: number, value: FrontierRecord): void {
    const a = this.a;
    let hole = hole0;
    let parent = Math.floor((hole - 1) / 2);
    while (hole > top && less(a[parent] as FrontierRecord, value)) {
      a[hole] = a[parent] as FrontierRecord;
      hole = parent;
      parent = Math.floor((hole - 1) / 2);
    }
    a[hole] = value;
  }

  push(rec: FrontierRecord): void {
    this.a.push(rec);
    this.siftUp(this.a.length - 1, 0, rec);
  }

  /** `pop_heap` then `back()` / `pop_back()`. */
  pop(): FrontierRecord {
    const a = this.a;
    const n = a.length;
    if (n > 1) {
      const last = n - 1;
      const value = a[last] as FrontierRecord;
      a[last] = a[0] as FrontierRecord;
      this.adjust(0, last, value);
    }
    return a.pop() as FrontierRecord;
  }

  /** libstdc++ `__adjust_heap(first, hole, len, value)`. */
  private adjust(hole0: number, len: number, value: FrontierRecord): void {
    const a = this.a;
    const top = hole0;
    let hole = hole0;
    let child = hole0;
    while (child < Math.floor((len - 1) / 2)) {
      child = 2 * (child + 1);
      if (less(a[child] as FrontierRecord, a[child - 1] as FrontierRecord)) child -= 1;
      a[hole] = a[child] as FrontierRecord;
      hole = child;
    }
    if ((len & 1) === 0 && child === Math.floor((len - 2) / 2)) {
      child = 2 * (child + 1);
      a[hole] = a[child - 1] as FrontierRecord;
      hole = child - 1;
    }
    this.siftUp(hole, top, value);
  }
}
