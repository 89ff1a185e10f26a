// docker/cli's formatter.Ellipsis: cuts text to a display width, the last column becoming `…`.
import { displayWidth } from './text-width.ts';

export function ellipsis(text: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const runes = [...text];
  if (maxWidth === 1) return runes[0] ?? '';
  if (displayWidth(text) <= maxWidth) return text;
  let width = 0;
  for (let i = 0; i < runes.length; i++) {
    const next = width + displayWidth(runes[i]);
    if (next > maxWidth - 1) return `${runes.slice(0, i).join('')}…`;
    width = next;
  }
  return text;
}
