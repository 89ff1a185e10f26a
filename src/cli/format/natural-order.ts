// The docker CLI's sortorder.NaturalLess: digits sort before other characters, and runs of digits compare by value, so "v2" sorts before "v10".
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [digitA, digitB] = [isDigit(a[i]), isDigit(b[j])];
    if (digitA !== digitB) return digitA ? -1 : 1;
    if (!digitA) {
      if (a[i] !== b[j]) return a[i] < b[j] ? -1 : 1;
      i++;
      j++;
      continue;
    }
    const [valueA, valueB] = [skipZeros(a, i), skipZeros(b, j)];
    [i, j] = [digitsEnd(a, valueA), digitsEnd(b, valueB)];
    if (i - valueA !== j - valueB) return (i - valueA) - (j - valueB);
    const [runA, runB] = [a.slice(valueA, i), b.slice(valueB, j)];
    if (runA !== runB) return runA < runB ? -1 : 1;
    // equal values: fewer leading zeros first
    if (valueA !== valueB) return valueA - valueB;
  }
  return a.length - b.length;
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function skipZeros(text: string, start: number): number {
  let end = start;
  while (end < text.length && text[end] === '0') end++;
  return end;
}

function digitsEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && isDigit(text[end])) end++;
  return end;
}
