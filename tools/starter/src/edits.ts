/** Text edits: how the exporter changes a file it copies. */

/** Replace `text` between `start` and `end` (offsets in the original file). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** `text` with `edits` applied (non-overlapping, offsets into `text`). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}
