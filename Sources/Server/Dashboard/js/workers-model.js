// What the workers page shows of GET /api/v1/workers: each worker's share and how fresh its
// announcement is, and a summary of the fleet. Pure, so it is tested without a browser.

/**
 * Seconds after which an announcement reads as late: workers announce every third of a lease
 * (3.3 s with the default 10 s), and drop out of the list after two rounds without one.
 */
export const LATE_AFTER_SECONDS = 5;

/**
 * One row per worker, by name: its load as a share of its capacity, its cameras against its
 * target, and its state: `late` (a round without an announcement), `joining` (no share yet),
 * `over` (more cameras than its share: handing some over, or keeping cameras nobody else has
 * room for), or `ok`. The age is the server's (`secondsSinceAnnounced`), so the browser's clock
 * does not matter; `now` is used only when an answer lacks it.
 */
export function workerRows(workers, now) {
  return [...workers].sort((a, b) => a.name.localeCompare(b.name)).map((worker) => {
    const seconds = worker.secondsSinceAnnounced ?? (now - Date.parse(worker.announcedAt)) / 1000;
    const age = Math.max(0, Math.round(seconds));
    const usage = worker.capacity > 0 ? Math.round((worker.load / worker.capacity) * 100) : null;
    let state = 'ok';
    if (age > LATE_AFTER_SECONDS) state = 'late';
    else if (worker.target === undefined || worker.target === null) state = 'joining';
    else if (worker.cameraCount > worker.target) state = 'over';
    return {
      name: worker.name, cameras: worker.cameras, cameraCount: worker.cameraCount, target: worker.target ?? null,
      load: worker.load, capacity: worker.capacity, usage, age, state,
    };
  });
}

/** The fleet at a glance: workers, cameras counted, cameras nobody counts, total load and capacity. */
export function fleetSummary(answer) {
  const workers = answer.workers ?? [];
  return {
    workers: workers.length,
    counted: workers.reduce((sum, w) => sum + w.cameraCount, 0),
    unassigned: (answer.unassigned ?? []).length,
    load: Math.round(workers.reduce((sum, w) => sum + w.load, 0) * 10) / 10,
    capacity: Math.round(workers.reduce((sum, w) => sum + w.capacity, 0) * 10) / 10,
  };
}

/** How a row's state reads. */
export const STATE_LABELS = {
  ok: 'sharing', joining: 'joining', over: 'above its share', late: 'not heard from',
};
