// The scheduler's public surface: the pure schedule() function and its plain-data types.
export { DEFAULT_PORT_RANGE, schedule } from './schedule.js'
export { fitFailureMessage } from './fit-failure.js'
export type * from './types.js'
