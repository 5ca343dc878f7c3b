// Alerts: what is open now (acknowledge it), what happened lately, and the rules that raise them.

import { describeRule, RULE_KINDS, ruleBody, sortAlerts } from '../alerts-model.js';
import { emptyState, errorNotice, h, notice, replace, timeElement } from '../dom.js';

export async function render(app) {
  const root = h('section', { class: 'page' });
  replace(app.main, root);
  const manage = app.can('alerts.manage');
  const message = h('div', { 'aria-live': 'polite' });
  const openList = h('div');
  const recentList = h('div');
  const rulesList = h('div');
  let cameras = [];
  let sites = [];

  function alertRow(alert, { acknowledge }) {
    return h('tr', { dataset: { alert: alert.id, state: alert.state } },
      h('td', {}, h('span', { class: `badge severity-${alert.severity}` }, alert.severity)),
      h('td', {}, alert.message, h('div', { class: 'muted small' }, alert.subject)),
      h('td', {}, timeElement(alert.fired)),
      h('td', {}, alert.state === 'acknowledged' ? `acknowledged by ${alert.acknowledgedBy ?? '?'}` : alert.state,
        alert.resolved ? h('div', { class: 'muted small' }, 'resolved ', timeElement(alert.resolved)) : null),
      h('td', {}, acknowledge && manage && alert.state === 'firing'
        ? h('button', { type: 'button', 'data-testid': 'acknowledge', onclick: async () => {
          try {
            await app.api.acknowledgeAlert(alert.id);
            replace(message, notice('ok', 'Acknowledged.'));
            await refreshRecent();
          } catch (error) {
            replace(message, notice('error', error.message));
          }
        } }, 'Acknowledge') : null));
  }

  function table(rows, testid) {
    return h('table', { 'data-testid': testid },
      h('thead', {}, h('tr', {}, h('th', {}, 'Severity'), h('th', {}, 'What'), h('th', {}, 'Fired'), h('th', {}, 'State'), h('th', {}, ''))),
      h('tbody', {}, rows));
  }

  function showOpen() {
    const alerts = sortAlerts(app.hub.alerts);
    replace(openList, alerts.length === 0
      ? emptyState('No open alerts', 'Alerts appear here the moment a rule fires.')
      : table(alerts.map((alert) => alertRow(alert, { acknowledge: true })), 'open-alerts'));
  }

  async function refreshRecent() {
    const { alerts } = await app.api.alerts({ state: 'all', limit: 50 });
    replace(recentList, alerts.length === 0 ? h('p', { class: 'muted' }, 'Nothing has fired yet.')
      : table(alerts.map((alert) => alertRow(alert, { acknowledge: false })), 'recent-alerts'));
  }

  async function refreshRules() {
    const { rules } = await app.api.alertRules();
    replace(rulesList, rules.length === 0
      ? emptyState('No rules yet', manage ? 'Add one below: a camera that goes dark, a zone or site over capacity.' : 'An operator can add one.')
      : h('table', { 'data-testid': 'alert-rules' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Watches'), h('th', {}, 'Severity'), h('th', {}, 'Enabled'), h('th', {}, ''))),
        h('tbody', {}, rules.map((rule) => h('tr', { dataset: { rule: rule.id } },
          h('td', {}, rule.name), h('td', {}, describeRule(rule)),
          h('td', {}, h('span', { class: `badge severity-${rule.severity}` }, rule.severity)),
          h('td', {}, rule.enabled ? 'yes' : 'no'),
          h('td', {}, manage ? h('button', { type: 'button', class: 'danger', onclick: async () => {
            try {
              await app.api.deleteAlertRule(rule.id);
              replace(message, notice('ok', `Rule ${rule.name} was removed; its open alerts are resolved.`));
              await refreshRules();
            } catch (error) {
              replace(message, notice('error', error.message));
            }
          } }, 'Remove') : null))))));
  }

  const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const name = h('input', { id: 'rule-name', required: true, maxlength: 200 });
  const kind = h('select', { id: 'rule-kind' }, RULE_KINDS.map((k) => h('option', { value: k.value }, k.label)));
  const camera = h('select', { id: 'rule-camera' });
  const site = h('select', { id: 'rule-site' });
  const zone = h('input', { id: 'rule-zone', placeholder: 'every zone' });
  const threshold = h('input', { id: 'rule-threshold', type: 'number', min: 0, step: 'any' });
  const closing = h('input', { id: 'rule-closing', type: 'time' });
  const hold = h('input', { id: 'rule-hold', type: 'number', min: 0, placeholder: '60' });
  const clear = h('input', { id: 'rule-clear', type: 'number', min: 0, placeholder: '60' });
  const severity = h('select', { id: 'rule-severity' }, ['warning', 'critical', 'info'].map((s) => h('option', { value: s }, s)));
  const form = h('form', { class: 'card form-grid', 'data-testid': 'rule-form', onsubmit: async (event) => {
    event.preventDefault();
    const { body, error } = ruleBody({
      name: name.value, kind: kind.value, camera: camera.value, site: site.value, zone: zone.value,
      threshold: threshold.value, closingTime: closing.value, holdSeconds: hold.value, clearSeconds: clear.value, severity: severity.value,
    });
    if (error) {
      replace(message, notice('error', error.message));
      return;
    }
    try {
      await app.api.createAlertRule(body);
      replace(message, notice('ok', `Rule ${body.name} was added.`));
      form.reset();
      await refreshRules();
    } catch (failure) {
      replace(message, errorNotice(failure));
    }
  } },
  h('h3', {}, 'Add a rule'),
  field('rule-name', 'Name', name), field('rule-kind', 'Watch for', kind), field('rule-camera', 'Camera', camera),
  field('rule-site', 'Site', site), field('rule-zone', 'Zone (zone occupancy)', zone),
  field('rule-threshold', 'Capacity (people), deviations or share', threshold),
  field('rule-closing', 'Closing time (in/out imbalance)', closing), field('rule-hold', 'Fire after (s)', hold),
  field('rule-clear', 'Resolve after (s)', clear), field('rule-severity', 'Severity', severity),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add rule')));

  replace(root, h('div', { class: 'page-header' }, h('h2', {}, 'Alerts')), message,
    h('section', { class: 'card table-wrap' }, h('h3', {}, 'Open now'), openList),
    h('section', { class: 'card table-wrap' }, h('h3', {}, 'Rules'), rulesList),
    manage ? form : null,
    h('section', { class: 'card table-wrap' }, h('h3', {}, 'Recent alerts'), recentList));
  showOpen();
  const unsubscribe = app.hub.subscribe((event) => {
    if (event.alerts || event.reloaded) {
      showOpen();
      refreshRecent().catch(() => {});
    }
  });
  try {
    [cameras, sites] = await Promise.all([app.api.cameras().then((r) => r.cameras), app.api.sites().then((r) => r.sites)]);
    replace(camera, h('option', { value: '' }, 'every camera (of the site)'), cameras.map((c) => h('option', { value: c.id }, `${c.name} (${c.id})`)));
    replace(site, h('option', { value: '' }, 'any site'), sites.map((s) => h('option', { value: s.id }, s.name)));
    await Promise.all([refreshRules(), refreshRecent()]);
  } catch (error) {
    replace(message, notice('error', error.message));
  }
  return { dispose: unsubscribe };
}
