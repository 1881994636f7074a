// Edit distance, for "did you mean" suggestions.

export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Up to n candidates close to the target, best first. */
export function closest(target: string, candidates: string[], n: number): string[] {
  const t = target.toLowerCase();
  return candidates
    .map((c) => ({ c, d: c.toLowerCase().includes(t) || t.includes(c.toLowerCase()) ? 0 : distance(t, c.toLowerCase()) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(t.length / 3)))
    .sort((x, y) => x.d - y.d)
    .slice(0, n)
    .map(({ c }) => c);
}
