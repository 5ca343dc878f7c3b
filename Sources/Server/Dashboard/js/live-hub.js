// The overview state kept current for every page: camera list + live totals, changed by the
// WebSocket, with listeners told what changed.

import { applyAlertMessage, sortAlerts } from './alerts-model.js';
import { applyLiveMessage, overviewFrom } from './live-model.js';
import { LiveSocket, liveURL } from './live-socket.js';

export class LiveHub {
  constructor(api, { location = window.location, onConnection = () => {} } = {}) {
    this.api = api;
    this.cameras = [];
    this.state = overviewFrom([], null);
    this.alerts = [];
    this.loaded = false;
    this.listeners = new Set();
    this.reloading = null;
    this.again = false;
    this.socket = new LiveSocket(liveURL(location), {
      onMessage: (message) => this.receive(message),
      onState: onConnection,
      onOpen: () => this.reload().catch(() => {}),
    });
  }

  start() {
    this.socket.start();
  }

  stop() {
    this.socket.stop();
    this.listeners.clear();
  }

  /** Calls `listener({changed, reloaded, alerts, message})` on every change; returns a function that stops it. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event) {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Reads the camera list and current totals again (one read at a time). */
  reload() {
    // A change announced while a read is under way may be newer than that read: read once more after it.
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          const [cameras, live, alerts] = await Promise.all([
            this.api.cameras(), this.api.live(), this.api.alerts().catch(() => ({ alerts: this.alerts }))]);
          this.cameras = cameras.cameras;
          this.alerts = sortAlerts(alerts.alerts);
          const recent = this.state.recent;
          this.state = { ...overviewFrom(this.cameras, live), recent };
          this.loaded = true;
          this.emit({ reloaded: true });
        } while (this.again);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  receive(message) {
    if (message?.type === 'alert') {
      const { alerts, changed } = applyAlertMessage(this.alerts, message);
      this.alerts = alerts;
      if (changed) this.emit({ alerts: true, message });
      return;
    }
    const { state, changed, reload } = applyLiveMessage(this.state, message);
    this.state = state;
    if (changed) this.emit({ changed, message });
    if (reload) this.reload().catch(() => {});
  }
}
