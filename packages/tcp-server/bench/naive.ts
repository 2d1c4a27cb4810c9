/**
 * The seeds' decoder, rebuilt as the benchmark baseline (never used by the server): on every
 * chunk it does `rest = Buffer.concat([rest, chunk])`, copying the whole backlog again, then
 * slices frames off the front. Same 4-byte header as netlab's `length` framing so both parse
 * the same bytes (the seeds had a 2-byte Int16 header; the copying is what is measured).
 * Quadratic in the frame size when a large frame arrives in small chunks.
 */
export class NaiveLengthDecoder {
  // Per instance here; the seeds kept it in a module variable shared by every connection.
  rest: Buffer = Buffer.alloc(0);

  /** Calls `onFrame` for each complete payload. */
  push(chunk: Buffer, onFrame: (payload: Buffer) => void): void {
    this.rest = Buffer.concat([this.rest, chunk]);
    while (this.rest.length >= 4) {
      const length = this.rest.readUInt32BE(0);
      if (this.rest.length < 4 + length) return;
      onFrame(this.rest.subarray(4, 4 + length));
      this.rest = this.rest.subarray(4 + length);
    }
  }
}
