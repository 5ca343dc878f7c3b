// The live WebSocket: reconnects by itself with growing, jittered delays and says how it is
// doing, so the page can show a banner while it is away.

import { reconnectDelay } from './backoff.js';

/**
 * Keeps a WebSocket to `url` open. `onMessage(message)` gets each parsed message;
 * `onState(state)` gets `connecting`, `open` or `lost`; `onOpen()` runs after every (re)connect,
 * when the page should read current totals again. `WebSocketClass` and timers are injectable.
 */
export class LiveSocket {
  constructor(url, { onMessage = () => {}, onState = () => {}, onOpen = () => {}, WebSocketClass = globalThis.WebSocket,
    setTimer = (f, ms) => setTimeout(f, ms), clearTimer = (t) => clearTimeout(t), random = Math.random } = {}) {
    Object.assign(this, { url, onMessage, onState, onOpen, WebSocketClass, setTimer, clearTimer, random });
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close();
  }

  connect() {
    if (this.stopped) return;
    this.onState(this.attempt === 0 ? 'connecting' : 'lost');
    const socket = new this.WebSocketClass(this.url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.onState('open');
      this.onOpen();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.onMessage(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.onState('lost');
      const delay = reconnectDelay(this.attempt, { random: this.random });
      this.attempt += 1;
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.connect();
      }, delay);
    };
    socket.onerror = () => {};
  }
}

/** The live WebSocket's address for a page at `location`. */
export function liveURL(location) {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/v1/live/ws`;
}
