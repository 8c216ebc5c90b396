import { assertNever, type Decider, type DomainEvent, type PersonReason, type SealedPersonalData } from '@app/programme';
import { AlreadyExists, NotFound, RuleViolation } from '@app/programme';

/** `monitoring`: a scraper's token (Prometheus), which reads /metrics and nothing of the programme. */
export const ROLES = ['admin', 'staff', 'auditor', 'viewer', 'monitoring'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that see only the projects they are granted; the others see every project. */
export const SCOPED_ROLES: readonly Role[] = ['staff', 'viewer'];

/** What a grant allows and how its token is checked: everything about a grant but who holds it. */
export interface GrantTerms {
  role: Role;
  /** The projects a staff member or viewer may touch; absent for admin and auditor (everything). */
  projectIds?: string[];
  /** ISO 8601; absent: until revoked. */
  expiresAt?: string;
  /**
   * Finds the grant of a token that carries no id (one chosen by hand, LEDGER_ADMIN_TOKEN): 16 hex digits of
   * HMAC-SHA-256 under the server key, which is kept outside the log. Absent for tokens the ledger makes:
   * they carry their grant's id.
   */
  keyedLookup?: string;
  /**
   * Grants recorded before tokens carried ids: 16 hex digits of the token's unsalted SHA-256. Never written
   * any more (it lets whoever reads the log test guesses offline); read to find old generated tokens.
   */
  lookup?: string;
  /** scrypt of the token with this salt (both base64url): the token itself is never stored. */
  salt: string;
  hash: string;
}

/**
 * A grant as the ledger records it now: the holder's name is personal data, sealed with a key of the grant's
 * own (keys.sqlite, outside the log), so erasing the holder destroys the key and leaves the grant for the audit.
 */
export interface AccessGrant extends GrantTerms {
  sealedName: SealedPersonalData;
}

/**
 * A grant as the log may hold it: grants recorded before names were sealed carry the name in plaintext, and
 * keep it (events are immutable); erasing such a holder hides the name from the ledger's answers only.
 */
export type RecordedGrant = GrantTerms & { sealedName?: SealedPersonalData; /** Before names were sealed. */ name?: string };

export type AccessEvent =
  | DomainEvent<'AccessGranted', { tokenId: string } & RecordedGrant>
  /** Why, in the caller's words sealed with the grant's key (they are about the holder); a plain `reason` before reasons were sealed. */
  | DomainEvent<'AccessRevoked', { tokenId: string; sealedReason?: SealedPersonalData; reason?: string }>
  /** The holder's name is erased (its key destroyed); the grant, its role, projects and status stay. */
  | DomainEvent<'AccessHolderErased', { tokenId: string } & PersonReason>;

export type AccessCommand =
  | { type: 'GrantAccess'; data: { tokenId: string } & AccessGrant; now: Date }
  | {
      type: 'RevokeAccess';
      data: { tokenId: string; sealedReason?: SealedPersonalData };
      /** Active admin tokens besides this one, as the handler found them: the last one is never revoked. */
      otherActiveAdmins: number;
      now: Date;
    }
  | { type: 'EraseAccessHolder'; data: { tokenId: string } & PersonReason };

export type AccessState =
  | { status: 'none' }
  | ({ status: 'granted' | 'revoked'; tokenId: string; holderErased: boolean } & RecordedGrant);

/** Words about the holder sealed with another key would outlive the holder's erasure. */
function assertHoldersKey(sealedReason: SealedPersonalData | undefined, state: RecordedGrant): void {
  if (sealedReason && sealedReason.keyId !== state.sealedName?.keyId) {
    throw new RuleViolation("The reason must be sealed with the holder's own key");
  }
}

/** A token's life: granted once (with a role, projects and an expiry), revoked at most once, its holder erased at most once. */
export const accessTokenDecider: Decider<AccessState, AccessCommand, AccessEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'GrantAccess': {
        const { data, now } = command;
        if (state.status !== 'none') throw new AlreadyExists('Access token', data.tokenId);
        const scoped = SCOPED_ROLES.includes(data.role);
        if (scoped && !(data.projectIds && data.projectIds.length > 0)) {
          throw new RuleViolation(`A ${data.role} token needs projectIds: the projects it may touch`);
        }
        if (!scoped && data.projectIds !== undefined) {
          throw new RuleViolation(`An ${data.role} token sees every project; leave projectIds out`);
        }
        if (data.expiresAt !== undefined && Date.parse(data.expiresAt) <= now.getTime()) {
          throw new RuleViolation(`expiresAt (${data.expiresAt}) must be in the future`);
        }
        const { projectIds, ...rest } = data;
        return [{ type: 'AccessGranted', data: { ...rest, ...(projectIds ? { projectIds: [...new Set(projectIds)] } : {}) } }];
      }
      case 'RevokeAccess': {
        if (state.status === 'none') throw new NotFound('Access token', command.data.tokenId);
        if (state.status === 'revoked') throw new RuleViolation(`Access token ${command.data.tokenId} is already revoked`);
        assertHoldersKey(command.data.sealedReason, state);
        const active = state.expiresAt === undefined || Date.parse(state.expiresAt) > command.now.getTime();
        if (state.role === 'admin' && active && command.otherActiveAdmins === 0) {
          // Without an admin nobody could grant access or erase personal data again, and LEDGER_ADMIN_TOKEN is
          // read only on a store without grants.
          throw new RuleViolation(
            `Access token ${command.data.tokenId} is the last active admin token: revoking it would leave nobody able to ` +
              'grant access or erase personal data. Grant another admin token first, then revoke this one',
          );
        }
        return [{ type: 'AccessRevoked', data: command.data }];
      }
      case 'EraseAccessHolder': {
        const { data } = command;
        if (state.status === 'none') throw new NotFound('Access token', data.tokenId);
        if (state.holderErased) throw new RuleViolation(`The holder of access token ${data.tokenId} has already been erased`);
        assertHoldersKey(data.sealedReason, state);
        return [{ type: 'AccessHolderErased', data }];
      }
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AccessGranted':
        return { status: 'granted', holderErased: false, ...event.data };
      case 'AccessRevoked':
        return state.status === 'none' ? state : { ...state, status: 'revoked' };
      case 'AccessHolderErased':
        return state.status === 'none' ? state : { ...state, holderErased: true };
      default:
        return assertNever(event);
    }
  },
};
