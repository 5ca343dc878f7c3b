import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconnectDelay } from '../../Sources/Server/Dashboard/js/backoff.js';
import { can } from '../../Sources/Server/Dashboard/js/permissions.js';
import { hashFor, parseRoute } from '../../Sources/Server/Dashboard/js/router.js';

test('routes round-trip through the hash', () => {
  assert.deepEqual(parseRoute(''), { page: 'overview', params: {}, query: {} });
  assert.deepEqual(parseRoute('#/cameras/new'), { page: 'camera-setup', params: { id: null }, query: {} });
  assert.deepEqual(parseRoute(hashFor('camera-setup', { id: 'north gate/2' })), { page: 'camera-setup', params: { id: 'north gate/2' }, query: {} });
  assert.deepEqual(parseRoute(hashFor('history', {}, { camera: 'door', range: 'week', bucket: '' })), { page: 'history', params: {}, query: { camera: 'door', range: 'week' } });
  assert.equal(parseRoute('#/nowhere').page, 'not-found');
  // Every page a menu links to comes back as itself (the alerts link once led to the overview).
  for (const page of ['overview', 'history', 'alerts', 'users', 'sites', 'tokens', 'audit', 'workers', 'login']) {
    assert.equal(parseRoute(hashFor(page)).page, page, page);
  }
  assert.equal(parseRoute('#/cameras/%E0/setup').page, 'not-found', 'a malformed address is not an error');
});

test('roles may do what the API lets them', () => {
  assert.equal(can('viewer', 'cameras.view'), true);
  assert.equal(can('viewer', 'geometry.edit'), false);
  assert.equal(can('operator', 'geometry.edit'), true);
  assert.equal(can('operator', 'users.manage'), false);
  assert.equal(can('admin', 'audit.read'), true);
  assert.equal(can('admin', 'launch.rockets'), false);
  assert.equal(can('superuser', 'cameras.view'), false);
});

test('reconnect delays grow, stay within bounds and are jittered', () => {
  assert.equal(reconnectDelay(0, { random: () => 0 }), 500);
  assert.equal(reconnectDelay(0, { random: () => 1 }), 1000);
  assert.equal(reconnectDelay(3, { random: () => 1 }), 8000);
  assert.equal(reconnectDelay(30, { random: () => 1 }), 15000);
  assert.equal(reconnectDelay(30, { random: () => 0 }), 7500);
});
