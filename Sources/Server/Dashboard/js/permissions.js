// What each role may do, as the API decides it (docs/api.md). The dashboard hides what a role
// may not do; the API refuses it anyway.

const RANK = { viewer: 0, operator: 1, admin: 2 };

const NEEDS = {
  'cameras.view': 'viewer',
  'history.view': 'viewer',
  'tokens.own': 'viewer',
  'cameras.edit': 'operator',
  'geometry.edit': 'operator',
  'alerts.manage': 'operator',
  'users.manage': 'admin',
  'sites.manage': 'admin',
  'audit.read': 'admin',
};

/** Whether `role` may do `action` (one of the keys above); unknown actions and roles may not. */
export function can(role, action) {
  const needed = NEEDS[action];
  if (needed === undefined || !(role in RANK)) return false;
  return RANK[role] >= RANK[needed];
}

/** Every action the dashboard asks about. */
export const ACTIONS = Object.keys(NEEDS);
