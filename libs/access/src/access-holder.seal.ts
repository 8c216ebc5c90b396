import { streamName } from '@app/event-store';
import type { AggregateStore, PersonalDataVault, SealedPersonalData } from '@app/programme';
import { accessTokenDecider, type RecordedGrant } from './access-token.decider.js';

/** Each grant has a key of its own in the personal-data vault, named after its stream. */
export function holderKeyId(tokenId: string): string {
  return streamName('accessToken', tokenId);
}

/**
 * Seals the holder's name with the grant's own key before the grant is decided, so the name never reaches the
 * log in plaintext. A key made for a grant that is then refused is destroyed again: a refusal leaves nothing.
 */
export async function withSealedHolderName<T>(
  vault: PersonalDataVault,
  aggregates: AggregateStore,
  tokenId: string,
  name: string,
  grant: (sealedName: SealedPersonalData) => Promise<T>,
): Promise<T> {
  const keyId = holderKeyId(tokenId);
  const { sealed, createdKey } = await vault.seal(keyId, { name });
  try {
    return await grant(sealed);
  } catch (error) {
    const { state } = await aggregates.load(accessTokenDecider, keyId);
    if (createdKey && state.status === 'none') vault.destroy(keyId);
    throw error;
  }
}

/**
 * The holder's name as the ledger shows it: unsealed, or null once the holder is erased. A grant from before
 * names were sealed shows its plaintext name until its holder is erased (the old event still holds it).
 */
export function holderName(vault: PersonalDataVault, grant: RecordedGrant, erased: boolean): string | null {
  if (erased) {
    // The erasure is on the record; should destroying the key have failed then, it is retried here.
    if (grant.sealedName && vault.hasKey(grant.sealedName.keyId)) vault.destroy(grant.sealedName.keyId);
    return null;
  }
  if (grant.sealedName) return vault.unseal(grant.sealedName)?.name ?? null;
  return grant.name ?? null;
}
