// Hop times are integer microseconds since the Unix epoch on the stamping agent's clock.

/** 2015-01-01T00:00:00Z: no smart-metering hop predates it; earlier times are a broken clock. */
export const EARLIEST_PLAUSIBLE_US = Date.UTC(2015, 0, 1) * 1000;
