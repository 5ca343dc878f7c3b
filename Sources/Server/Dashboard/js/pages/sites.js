// Sites (administrators): groups of cameras with a time zone; users may be limited to some.

import { emptyState, errorNotice, h, notice, replace } from '../dom.js';

export async function render(app) {
  const root = h('section', { class: 'page' });
  replace(app.main, root);
  const manage = app.can('sites.manage');
  const message = h('div', { 'aria-live': 'polite' });
  const list = h('div');

  async function refresh() {
    const { sites } = await app.api.sites();
    replace(list, sites.length === 0 ? emptyState('No sites yet', manage ? 'Add one to group cameras, for example by building.' : 'An administrator can add one.')
      : h('table', { 'data-testid': 'sites' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Id'), h('th', {}, 'Name'), h('th', {}, 'Time zone'), h('th', {}, ''))),
        h('tbody', {}, sites.map((site) => h('tr', {},
          h('td', {}, h('code', {}, site.id)), h('td', {}, site.name), h('td', {}, site.timeZone ?? 'UTC'),
          h('td', {}, manage ? h('button', { type: 'button', class: 'danger', onclick: async () => {
            try {
              await app.api.deleteSite(site.id);
              replace(message, notice('ok', `Site ${site.name} was removed.`));
              await refresh();
            } catch (error) {
              replace(message, notice('error', error.message));
            }
          } }, 'Remove') : null))))));
  }

  const id = h('input', { id: 'site-id', required: true, autocomplete: 'off' });
  const name = h('input', { id: 'site-name', required: true, maxlength: 200 });
  const zone = h('input', { id: 'site-zone', placeholder: Intl.DateTimeFormat().resolvedOptions().timeZone });
  const form = h('form', { class: 'card form-grid', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const body = { name: name.value.trim() };
      if (zone.value.trim()) body.timeZone = zone.value.trim();
      await app.api.saveSite(id.value.trim(), body);
      replace(message, notice('ok', `Site ${body.name} was saved.`));
      form.reset();
      await refresh();
    } catch (error) {
      replace(message, errorNotice(error));
    }
  } },
  h('h3', {}, 'Add or rename a site'),
  h('div', { class: 'field' }, h('label', { for: 'site-id' }, 'Id'), id),
  h('div', { class: 'field' }, h('label', { for: 'site-name' }, 'Name'), name),
  h('div', { class: 'field' }, h('label', { for: 'site-zone' }, 'Time zone (IANA)'), zone),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save site')));

  replace(root, h('div', { class: 'page-header' }, h('h2', {}, 'Sites')), message, h('div', { class: 'card table-wrap' }, list), manage ? form : null,
    h('p', { class: 'muted small' }, 'A site with cameras cannot be removed; move its cameras first.'));
  try {
    await refresh();
  } catch (error) {
    replace(message, notice('error', error.message));
  }
  return null;
}
