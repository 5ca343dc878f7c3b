// Reconnect delays: doubling from `min` to `max`, with jitter so that many dashboards that lost
// the same server do not all come back in the same instant.

/**
 * The delay before reconnect attempt `attempt` (0 for the first), in milliseconds.
 * @param {number} attempt
 * @param {{min?: number, max?: number, random?: () => number}} [options]
 */
export function reconnectDelay(attempt, { min = 1000, max = 15000, random = Math.random } = {}) {
  const base = Math.min(max, min * 2 ** Math.max(0, attempt));
  // Between half and all of the base delay.
  return Math.round(base / 2 + (base / 2) * random());
}
