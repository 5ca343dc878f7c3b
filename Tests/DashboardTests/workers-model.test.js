import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fleetSummary, workerRows } from '../../Sources/Server/Dashboard/js/workers-model.js';

const now = Date.parse('2027-01-15T08:01:10Z');
const answer = {
  workers: [
    { name: 'worker-b', capacity: 400, load: 15, cameraCount: 3, target: 2, cameras: ['gate'], startedAt: '2027-01-15T08:00:00Z', announcedAt: '2027-01-15T08:01:08Z' },
    { name: 'worker-a', capacity: 200, load: 10, cameraCount: 2, target: 2, cameras: ['door', 'hall'], startedAt: '2027-01-15T08:00:00Z', announcedAt: '2027-01-15T08:01:09Z' },
    { name: 'worker-c', capacity: 0, load: 0, cameraCount: 0, cameras: [], startedAt: '2027-01-15T08:01:00Z', announcedAt: '2027-01-15T08:01:10Z' },
    { name: 'worker-d', capacity: 400, load: 5, cameraCount: 1, target: 2, cameras: [], startedAt: '2027-01-15T07:00:00Z', announcedAt: '2027-01-15T08:00:50Z' },
  ],
  unassigned: ['yard'],
};

test('each worker reads as sharing, joining, handing over or not heard from', () => {
  const rows = workerRows(answer.workers, now);
  assert.deepEqual(rows.map((row) => [row.name, row.state, row.age]),
    [['worker-a', 'ok', 1], ['worker-b', 'over', 2], ['worker-c', 'joining', 0], ['worker-d', 'late', 20]]);
  assert.deepEqual(rows.map((row) => row.usage), [5, 4, null, 1]);
  assert.equal(rows[2].target, null);
  assert.deepEqual(rows[0].cameras, ['door', 'hall']);
});

test('a clock behind the worker never shows a negative age', () => {
  assert.equal(workerRows([answer.workers[0]], Date.parse('2027-01-15T08:01:00Z'))[0].age, 0);
});

test("the server's age wins over the browser's clock", () => {
  const worker = { ...answer.workers[1], secondsSinceAnnounced: 6.4 };
  const [row] = workerRows([worker], Date.parse('2030-01-01T00:00:00Z'));
  assert.equal(row.age, 6);
  assert.equal(row.state, 'late');
  assert.equal(workerRows([{ ...worker, secondsSinceAnnounced: 3.3 }], 0)[0].state, 'ok');
});

test('the fleet summary adds up workers, cameras and load', () => {
  assert.deepEqual(fleetSummary(answer), { workers: 4, counted: 6, unassigned: 1, load: 30, capacity: 1000 });
  assert.deepEqual(fleetSummary({ workers: [], unassigned: [] }), { workers: 0, counted: 0, unassigned: 0, load: 0, capacity: 0 });
});
