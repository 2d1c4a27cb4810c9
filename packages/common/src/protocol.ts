/**
 * Helpers for pure, I/O-free protocol modules (`src/protocol/*` of every package): importing
 * this entry point pulls in no logger, socket or timer.
 */
export { ChunkQueue } from './chunk-queue.ts';
export { assertNever } from './assert.ts';
