import { AlreadyExists, NotFound, RuleViolation, type SealedPersonalData } from '@app/programme';
import { deciderSpec } from '../../../test/support/decider-spec.js';
import { accessTokenDecider, type AccessCommand, type AccessEvent, type AccessGrant, type RecordedGrant } from './access-token.decider.js';

const spec = deciderSpec(accessTokenDecider);
const tokenId = 'tok-1';
const now = new Date('2026-11-22T10:00:00Z');
const secret = { salt: 'c2FsdA', hash: 'aGFzaA' };
const sealed = (keyId: string): SealedPersonalData => ({ keyId, algorithm: 'AES-256-GCM', iv: 'aXY', ciphertext: 'Y2lwaGVy', tag: 'dGFn' });
/** A project economist at Cross Innovation, recording for her project only: her name sealed with the grant's key. */
const staff: AccessGrant = { sealedName: sealed(`accessToken-${tokenId}`), role: 'staff', projectIds: ['cis'], ...secret };

const granted = (grant: Partial<RecordedGrant> = {}): AccessEvent => ({ type: 'AccessGranted', data: { tokenId, ...staff, ...grant } });
const grant = (details: Partial<AccessGrant> = {}): AccessCommand => ({ type: 'GrantAccess', data: { tokenId, ...staff, ...details }, now });
const sealedReason = sealed(`accessToken-${tokenId}`);
const revoke: AccessCommand = { type: 'RevokeAccess', data: { tokenId, sealedReason }, otherActiveAdmins: 0, now };
const revokeAdmin = (otherActiveAdmins: number): AccessCommand => ({ type: 'RevokeAccess', data: { tokenId }, otherActiveAdmins, now });

describe('access token decider', () => {
  it('grants a staff member their projects', () => {
    spec.given([]).when(grant()).then([granted()]);
  });

  it('lists each project once', () => {
    spec.given([]).when(grant({ projectIds: ['cis', 'cis'] })).then([granted({ projectIds: ['cis'] })]);
  });

  it('grants an auditor every project, without a project list', () => {
    const auditor = { role: 'auditor' as const, projectIds: undefined };
    const { projectIds: _, ...rest } = { ...staff, ...auditor };
    spec.given([]).when({ type: 'GrantAccess', data: { tokenId, ...rest }, now }).then([{ type: 'AccessGranted', data: { tokenId, ...rest } }]);
  });

  it('grants a monitoring token (a metrics scraper) programme-wide, without a project list', () => {
    const { projectIds: _, ...rest } = { ...staff, role: 'monitoring' as const };
    spec.given([]).when({ type: 'GrantAccess', data: { tokenId, ...rest }, now }).then([{ type: 'AccessGranted', data: { tokenId, ...rest } }]);
  });

  it('refuses a monitoring token limited to projects: it reads no project at all', () => {
    spec.given([]).when(grant({ role: 'monitoring' })).thenThrows(RuleViolation, 'leave projectIds out');
  });

  it('keeps an expiry in the future', () => {
    spec.given([]).when(grant({ expiresAt: '2027-06-30T00:00:00.000Z' })).then([granted({ expiresAt: '2027-06-30T00:00:00.000Z' })]);
  });

  it.each([
    ['a staff token without projects', { projectIds: undefined }, 'needs projectIds'],
    ['a viewer token with an empty project list', { role: 'viewer' as const, projectIds: [] }, 'needs projectIds'],
    ['an admin token limited to projects', { role: 'admin' as const }, 'leave projectIds out'],
    ['an expiry in the past', { expiresAt: '2026-11-22T09:59:59.000Z' }, 'must be in the future'],
  ])('refuses %s', (_, details, message) => {
    spec.given([]).when(grant(details)).thenThrows(RuleViolation, message);
  });

  it('never grants the same token twice', () => {
    spec.given([granted()]).when(grant()).thenThrows(AlreadyExists);
  });

  it('revokes a granted token, with the reason sealed with the grant\'s own key', () => {
    spec.given([granted()]).when(revoke).then([{ type: 'AccessRevoked', data: { tokenId, sealedReason } }]);
    const elsewhere: AccessCommand = { type: 'RevokeAccess', data: { tokenId, sealedReason: sealed('participant-someone-else') }, otherActiveAdmins: 0, now };
    spec.given([granted()]).when(elsewhere).thenThrows(RuleViolation, "holder's own key");
  });

  it('never revokes the last active admin token, saying why', () => {
    const admin = granted({ role: 'admin', projectIds: undefined });
    spec.given([admin]).when(revokeAdmin(0)).thenThrows(RuleViolation, 'last active admin token');
    spec.given([admin]).when(revokeAdmin(1)).then([{ type: 'AccessRevoked', data: { tokenId } }]);
    // An expired admin token no longer counts as one: revoking it leaves the same admins as before.
    spec.given([granted({ role: 'admin', projectIds: undefined, expiresAt: '2026-01-01T00:00:00.000Z' })]).when(revokeAdmin(0)).then([{ type: 'AccessRevoked', data: { tokenId } }]);
  });

  it('refuses to revoke a token twice, or one never granted', () => {
    spec.given([granted(), { type: 'AccessRevoked', data: { tokenId } }]).when(revoke).thenThrows(RuleViolation, 'already revoked');
    spec.given([]).when(revoke).thenThrows(NotFound);
  });

  describe("erasing a token's holder", () => {
    const erase = (data: Partial<Extract<AccessCommand, { type: 'EraseAccessHolder' }>['data']> = {}): AccessCommand => ({
      type: 'EraseAccessHolder',
      data: { tokenId, reasonCategory: 'data-subject-request', ...data },
    });
    const erased: AccessEvent = { type: 'AccessHolderErased', data: { tokenId, reasonCategory: 'data-subject-request' } };

    it('records the erasure of a granted or revoked token, with the reason sealed with the grant\'s own key', () => {
      spec.given([granted()]).when(erase({ sealedReason })).then([{ type: 'AccessHolderErased', data: { tokenId, reasonCategory: 'data-subject-request', sealedReason } }]);
      spec.given([granted(), { type: 'AccessRevoked', data: { tokenId } }]).when(erase()).then([erased]);
    });

    it('keeps the grant: an erased staff token is still revoked once, and the last admin is still kept', () => {
      spec.given([granted(), erased]).when(revokeAdmin(0)).then([{ type: 'AccessRevoked', data: { tokenId } }]);
      spec.given([granted({ role: 'admin', projectIds: undefined }), erased]).when(revokeAdmin(0)).thenThrows(RuleViolation, 'last active admin token');
    });

    it('erases the holder of a grant recorded before names were sealed (the old event keeps its plaintext)', () => {
      const { sealedName: _, ...terms } = staff;
      spec.given([{ type: 'AccessGranted', data: { tokenId, ...terms, name: 'Anna Svensson' } }]).when(erase()).then([erased]);
    });

    it('refuses to erase a holder twice, a token never granted, or with a reason sealed with another key', () => {
      spec.given([granted(), erased]).when(erase()).thenThrows(RuleViolation, 'already been erased');
      spec.given([]).when(erase()).thenThrows(NotFound);
      spec.given([granted()]).when(erase({ sealedReason: sealed('participant-someone-else') })).thenThrows(RuleViolation, "holder's own key");
    });
  });
});
