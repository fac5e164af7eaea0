export { createEmulator, buildSnapshot, DEFAULT_URL } from './emulator.ts'
export type { Emulator, EmulatorOptions } from './emulator.ts'
export type { TraceEvent, TraceListener } from './trace.ts'
export { DATASET_NAMES, loadDatasetSql } from './datasets.ts'
