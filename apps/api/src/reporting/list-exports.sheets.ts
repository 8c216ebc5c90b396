import type {
  EnterpriseSupportedRow,
  ExportColumn,
  ExportLanguage,
  ExportSheet,
  OrganisationExportRow,
  ParticipantExportRow,
  SupportRecordRow,
} from '@app/reporting';

/** A participant with their person unsealed, or none when erased. */
export type ParticipantExport = ParticipantExportRow & { person: { name: string; email?: string; phone?: string } | null };

/** The labels the import reads too (issue 15): an exported participant list can be filled in and imported back. */
const GENDER_LABELS: Record<string, { en: string; sv: string }> = {
  woman: { en: 'Woman', sv: 'Kvinna' },
  man: { en: 'Man', sv: 'Man' },
  another: { en: 'Another', sv: 'Annat' },
  'not-stated': { en: 'Not stated', sv: 'Vill ej ange' },
};

const SUPPORT_KIND_LABELS: Record<string, { en: string; sv: string }> = {
  grant: { en: 'grant', sv: 'bidrag' },
  voucher: { en: 'voucher', sv: 'check' },
  'non-financial': { en: 'non-financial', sv: 'icke-finansiellt' },
  lab: { en: 'lab place', sv: 'labbplats' },
};

const label = (labels: Record<string, { en: string; sv: string }>, code: string, lang: ExportLanguage) => labels[code]?.[lang] ?? code;

/**
 * A project's participants, one row per person, for callers who may read personal data (records:read): with
 * gender, organisation and registration date a row can single a person out even without the name, so there is no
 * reduced version for figures-only callers.
 */
export function participantsSheet(rows: readonly ParticipantExport[], lang: ExportLanguage): ExportSheet<ParticipantExport> {
  return {
    name: { en: 'Participants', sv: 'Deltagare' },
    columns: [
      { header: { en: 'Participant id', sv: 'Deltagar-id' }, kind: 'text', value: (r) => r.id },
      { header: { en: 'Name', sv: 'Namn' }, kind: 'text', value: (r) => r.person?.name },
      { header: { en: 'Email', sv: 'E-post' }, kind: 'text', value: (r) => r.person?.email },
      { header: { en: 'Phone', sv: 'Telefon' }, kind: 'text', value: (r) => r.person?.phone },
      { header: { en: 'Gender', sv: 'Kön' }, kind: 'text', value: (r) => label(GENDER_LABELS, r.gender, lang) },
      { header: { en: 'Birth year', sv: 'Födelseår' }, kind: 'number', value: (r) => r.birthYear },
      { header: { en: 'Role', sv: 'Roll' }, kind: 'text', value: (r) => r.role },
      { header: { en: 'Organisation', sv: 'Organisation' }, kind: 'text', value: (r) => r.organisationId },
      { header: { en: 'Organisation name', sv: 'Organisationens namn' }, kind: 'text', value: (r) => r.organisationName },
      { header: { en: 'Registered on', sv: 'Registrerad' }, kind: 'date', value: (r) => r.registeredOn },
      { header: { en: 'Erased', sv: 'Raderad' }, kind: 'boolean', value: (r) => r.erased },
    ],
    rows,
  };
}

export function organisationsSheet(rows: readonly OrganisationExportRow[]): ExportSheet<OrganisationExportRow> {
  return {
    name: { en: 'Organisations', sv: 'Organisationer' },
    columns: [
      { header: { en: 'Organisation id', sv: 'Organisations-id' }, kind: 'text', value: (r) => r.id },
      { header: { en: 'Name', sv: 'Namn' }, kind: 'text', value: (r) => r.name },
      { header: { en: 'Organisation number', sv: 'Organisationsnummer' }, kind: 'text', value: (r) => r.organisationNumber },
      { header: { en: 'Country', sv: 'Land' }, kind: 'text', value: (r) => r.country },
      { header: { en: 'Type', sv: 'Typ' }, kind: 'text', value: (r) => r.type },
      { header: { en: 'Size class', sv: 'Storlek' }, kind: 'text', value: (r) => r.sizeClass },
      { header: { en: 'Founded', sv: 'Grundat' }, kind: 'number', value: (r) => r.foundedYear },
    ],
    rows,
  };
}

/** The list funders ask for with a progress report: one row per enterprise, as RCO01 counts them. */
export function enterprisesSupportedSheet(rows: readonly EnterpriseSupportedRow[], lang: ExportLanguage): ExportSheet<EnterpriseSupportedRow> {
  return {
    name: { en: 'Enterprises supported', sv: 'Företag som fått stöd' },
    columns: [
      { header: { en: 'Name', sv: 'Namn' }, kind: 'text', value: (r) => r.name },
      { header: { en: 'Organisation number', sv: 'Organisationsnummer' }, kind: 'text', value: (r) => r.organisationNumber },
      { header: { en: 'Country', sv: 'Land' }, kind: 'text', value: (r) => r.country },
      { header: { en: 'Size class', sv: 'Storlek' }, kind: 'text', value: (r) => r.sizeClass },
      { header: { en: 'Kinds of support', sv: 'Typer av stöd' }, kind: 'text', value: (r) => r.kinds.map((k) => label(SUPPORT_KIND_LABELS, k, lang)).join(', ') },
      { header: { en: 'First supported on', sv: 'Första stöd' }, kind: 'date', value: (r) => r.firstSupportedOn },
      { header: { en: 'Last supported on', sv: 'Senaste stöd' }, kind: 'date', value: (r) => r.lastSupportedOn },
      { header: { en: 'Supports', sv: 'Antal stödinsatser' }, kind: 'number', value: (r) => r.supports },
      { header: { en: 'Amount (EUR)', sv: 'Belopp (EUR)' }, kind: 'number', value: (r) => r.amountEur },
      { header: { en: 'State aid (EUR)', sv: 'Statligt stöd (EUR)' }, kind: 'number', value: (r) => r.aidAmountEur },
      { header: { en: 'Projects', sv: 'Projekt' }, kind: 'number', value: (r) => r.projects },
      { header: { en: 'Organisation id', sv: 'Organisations-id' }, kind: 'text', value: (r) => r.organisationId },
    ],
    rows,
  };
}

/** The dates and amounts behind the enterprises sheet: each support record and lab place, by date. */
export function supportRecordsSheet(rows: readonly SupportRecordRow[], lang: ExportLanguage): ExportSheet<SupportRecordRow> {
  return {
    name: { en: 'Support', sv: 'Stödinsatser' },
    columns: [
      { header: { en: 'Date', sv: 'Datum' }, kind: 'date', value: (r) => r.date },
      { header: { en: 'Name', sv: 'Namn' }, kind: 'text', value: (r) => r.name },
      { header: { en: 'Organisation number', sv: 'Organisationsnummer' }, kind: 'text', value: (r) => r.organisationNumber },
      { header: { en: 'Kind of support', sv: 'Typ av stöd' }, kind: 'text', value: (r) => label(SUPPORT_KIND_LABELS, r.kind, lang) },
      { header: { en: 'Amount (EUR)', sv: 'Belopp (EUR)' }, kind: 'number', value: (r) => r.amountEur },
      { header: { en: 'Aid basis', sv: 'Stödgrund' }, kind: 'text', value: (r) => r.aidBasis },
      { header: { en: 'State aid (EUR)', sv: 'Statligt stöd (EUR)' }, kind: 'number', value: (r) => r.aidAmountEur },
      { header: { en: 'Project', sv: 'Projekt' }, kind: 'text', value: (r) => r.projectName },
      { header: { en: 'Organisation id', sv: 'Organisations-id' }, kind: 'text', value: (r) => r.organisationId },
    ],
    rows,
  };
}
