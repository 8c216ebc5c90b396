import { PERMISSIONS, permissionsOf, roleMay, type Permission } from './access-policy.js';
import { ROLES } from './access-token.decider.js';

describe('access policy: who may read the metrics', () => {
  it('gives a monitoring token metrics:read and nothing else', () => {
    expect(permissionsOf('monitoring')).toEqual(['metrics:read']);
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      expect(roleMay('monitoring', permission)).toBe(permission === 'metrics:read');
    }
  });

  it('lets an admin read the metrics, and no programme role but the admin', () => {
    const readers = ROLES.filter((role) => roleMay(role, 'metrics:read'));
    expect(readers.sort()).toEqual(['admin', 'monitoring']);
  });
});
