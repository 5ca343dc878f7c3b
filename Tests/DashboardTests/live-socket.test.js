import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveSocket, liveURL } from '../../Sources/Server/Dashboard/js/live-socket.js';

/** A WebSocket stand-in the test opens, feeds and closes by hand. */
class FakeSocket {
  static made = [];
  constructor(url) {
    this.url = url;
    this.closed = false;
    FakeSocket.made.push(this);
  }
  close() {
    this.closed = true;
  }
}

test('reconnects after a loss with growing delays and reports its state', () => {
  FakeSocket.made = [];
  const timers = [];
  const states = [];
  const messages = [];
  let opens = 0;
  const socket = new LiveSocket('ws://x/api/v1/live/ws', {
    WebSocketClass: FakeSocket, random: () => 1,
    setTimer: (f, ms) => { timers.push({ f, ms }); return timers.length; }, clearTimer: () => {},
    onState: (s) => states.push(s), onMessage: (m) => messages.push(m), onOpen: () => { opens += 1; },
  });
  socket.start();
  FakeSocket.made[0].onopen();
  FakeSocket.made[0].onmessage({ data: '{"type":"hello","time":"2026-11-25T10:00:00Z"}' });
  FakeSocket.made[0].onmessage({ data: 'not json' });
  FakeSocket.made[0].onclose();
  assert.deepEqual(timers.map((t) => t.ms), [1000]);
  timers[0].f();
  FakeSocket.made[1].onclose();
  assert.deepEqual(timers.map((t) => t.ms), [1000, 2000]);
  timers[1].f();
  FakeSocket.made[2].onopen();
  assert.deepEqual(states, ['connecting', 'open', 'lost', 'lost', 'lost', 'lost', 'open']);
  assert.equal(opens, 2, 'every reconnect reads the totals again');
  assert.deepEqual(messages, [{ type: 'hello', time: '2026-11-25T10:00:00Z' }]);
  FakeSocket.made[2].onclose();
  assert.equal(timers.at(-1).ms, 1000, 'a connection that opened starts the delays again');
});

test('a stopped socket does not come back', () => {
  FakeSocket.made = [];
  const timers = [];
  const socket = new LiveSocket('ws://x', { WebSocketClass: FakeSocket, setTimer: (f, ms) => timers.push(ms), clearTimer: () => {} });
  socket.start();
  socket.stop();
  assert.equal(FakeSocket.made[0].closed, true);
  FakeSocket.made[0].onclose();
  assert.deepEqual(timers, []);
});

test('the address follows the page’s scheme', () => {
  assert.equal(liveURL({ protocol: 'https:', host: 'counts.example:8443' }), 'wss://counts.example:8443/api/v1/live/ws');
  assert.equal(liveURL({ protocol: 'http:', host: '127.0.0.1:8080' }), 'ws://127.0.0.1:8080/api/v1/live/ws');
});
