import type { RecordedEvent } from '@app/event-store';
import type { PersonalDataVault, SealedPersonalData } from '@app/programme';
import { auditEvent, type AuditEvent } from '@app/reporting';

/**
 * Events as the history routes show them to callers who may see personal data: a reason sealed with a
 * person's key is shown in words (`reason`), or as null once the person is erased and the key destroyed;
 * `reasonCategory` beside it says why either way (and is all there is when the words were never kept, about a
 * person already erased). The ciphertext itself is not repeated.
 */
export function historyEvent(vault: PersonalDataVault): (event: RecordedEvent) => AuditEvent {
  return (event) => {
    const shown = auditEvent(event);
    const data = shown.data;
    if (data === null || typeof data !== 'object') return shown;
    if ('sealedReason' in data) {
      const { sealedReason, ...rest } = data as { sealedReason: SealedPersonalData };
      return { ...shown, data: { ...rest, reason: vault.unsealText(sealedReason) ?? null } };
    }
    // Recorded for a person already erased: the words were never kept.
    if ('reasonCategory' in data && !('reason' in data)) return { ...shown, data: { ...data, reason: null } };
    return shown;
  };
}
