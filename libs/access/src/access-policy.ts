import type { Principal } from './access.registry.js';
import type { Role } from './access-token.decider.js';

/**
 * What a route needs. `project` permissions are checked against the project the route touches as well;
 * the others are programme-wide.
 */
export const PERMISSIONS = {
  /** Indicators, evidence, reports and the lists without personal data (activities, outcomes, pilot cases). */
  'figures:read': 'project',
  /** Records that may hold personal data: participants, entities, a project's history. */
  'records:read': 'project',
  'records:write': 'project',
  'reports:submit': 'project',
  /** Recording that a report was checked: the one thing an auditor writes. */
  'reports:verify': 'project',
  /** Organisations are legal entities shared by all projects. */
  'organisations:read': 'programme',
  'organisations:write': 'programme',
  /** An enterprise's de minimis status; staff only for enterprises their projects supported (checked by the route). */
  'state-aid:read': 'programme',
  /** Figures across all projects, and the list of every project. */
  'programme:read': 'programme',
  /** The global log and any stream's history. */
  'log:read': 'programme',
  'projects:register': 'programme',
  'personal-data:erase': 'project',
  'access:manage': 'programme',
  /** The service's own figures (/metrics): counts and timings by route template, never an id or a name. */
  'metrics:read': 'programme',
} as const;

export type Permission = keyof typeof PERMISSIONS;

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: Object.keys(PERMISSIONS) as Permission[],
  staff: ['figures:read', 'records:read', 'records:write', 'reports:submit', 'reports:verify', 'organisations:read', 'organisations:write', 'state-aid:read'],
  auditor: ['figures:read', 'records:read', 'reports:verify', 'organisations:read', 'programme:read', 'log:read', 'state-aid:read'],
  viewer: ['figures:read', 'organisations:read'],
  monitoring: ['metrics:read'],
};

export function roleMay(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** Whether the principal may touch this project (admin and auditor: every project). */
export function mayTouchProject(principal: Principal, projectId: string): boolean {
  return principal.projects === 'all' || principal.projects.includes(projectId);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}
