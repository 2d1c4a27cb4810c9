/**
 * buffer-demo as a library: each demo of chapter 6 (理解Buffer) as a function that returns plain
 * data, plus its text printer. The CLI (`src/main.ts`) adds flags, `--json` and charts.
 */
export { structureDemo, formatStructure, type StructureResult } from './demos/structure.ts';
export {
  allocationDemo,
  formatAllocation,
  type AllocationResult,
  type AllocationOptions,
} from './demos/allocation.ts';
export {
  encodingsDemo,
  formatEncodings,
  legacyRoundTrip,
  textDecoderDecode,
  type EncodingsResult,
} from './demos/encodings.ts';
export {
  garbledDemo,
  formatGarbled,
  type GarbledResult,
  type GarbledOptions,
} from './demos/garbled.ts';
export {
  concatDemo,
  formatConcat,
  cutIntoChunks,
  plusEquals,
  decoderPlusEquals,
  bufferConcat,
  CONCAT_STRATEGIES,
  type ConcatResult,
  type ConcatOptions,
} from './demos/concat.ts';
export {
  highWaterMarkDemo,
  formatHighWaterMark,
  defaultHighWaterMarks,
  type HighWaterMarkResult,
  type HighWaterMarkOptions,
} from './demos/highwatermark.ts';
export {
  staticContentDemo,
  type StaticContentResult,
  type StaticContentOptions,
} from './demos/static-content/index.ts';
export { formatStaticContent } from './demos/static-content/format.ts';
export {
  summarizeProfile,
  type CpuProfile,
  type ProfileSummary,
} from './demos/static-content/profile.ts';
export { StaticServerError, type StaticServerErrorCode } from './errors.ts';
export * from './limits.ts';
