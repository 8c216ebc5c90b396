import { createHash } from 'node:crypto';
import { DE_MINIMIS_REGULATION, formatEur, type DeMinimisCertificate } from '@app/programme';

const STYLE =
  'body{font-family:Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#111}' +
  'h1{font-size:1.5rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ccc;vertical-align:top}' +
  '@media print{body{margin:0}}';

/**
 * The certificate is a static page: no script, one inline style block allowed by its hash and nothing else, so
 * the API's own policy (`default-src 'none'`) is relaxed for this answer only, and only for that style.
 */
export const CERTIFICATE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'`;

const TEXT = {
  sv: {
    title: 'Intyg om stöd av mindre betydelse',
    lead: 'Detta intyg bekräftar att stödet nedan har beviljats som stöd av mindre betydelse (de minimis-stöd).',
    recipient: 'Stödmottagare',
    number: 'Organisationsnummer',
    country: 'Land',
    grantor: 'Stödgivare',
    project: 'projektet',
    kind: 'Stödets form',
    kinds: { grant: 'bidrag', voucher: 'check', 'non-financial': 'icke-finansiellt stöd' } as Record<string, string>,
    grantedOn: 'Beviljat den',
    amount: 'Belopp',
    rate: 'växelkurs',
    amountEur: 'Värde i euro (bruttobidragsekvivalent)',
    valuation: 'Värdering',
    hours: (h: number, r: number, c: string) => `${h} timmar à ${r} ${c}`,
    legal: `Stödet är stöd av mindre betydelse enligt kommissionens förordning (EU) 2023/2831 av den 13 december 2023 om tillämpningen av artiklarna 107 och 108 i fördraget om Europeiska unionens funktionssätt på stöd av mindre betydelse.`,
    undertaking: 'Ett enda företag den dagen',
    total: (from: string, to: string) => `Sammanlagt stöd av mindre betydelse till det enda företaget ${from}–${to}, detta stöd inräknat`,
    ceiling: 'Tak för tre år',
    keep: 'Spara intyget i tio år. Ange stödet när ni lämnar en försäkran om stöd av mindre betydelse till en annan stödgivare.',
  },
  en: {
    title: 'Certificate of de minimis aid',
    lead: 'This certificate confirms that the aid below was granted as de minimis aid.',
    recipient: 'Recipient',
    number: 'Organisation number',
    country: 'Country',
    grantor: 'Granted by',
    project: 'the project',
    kind: 'Form of aid',
    kinds: { grant: 'grant', voucher: 'voucher', 'non-financial': 'non-financial support' } as Record<string, string>,
    grantedOn: 'Granted on',
    amount: 'Amount',
    rate: 'exchange rate',
    amountEur: 'Value in euro (gross grant equivalent)',
    valuation: 'Valuation',
    hours: (h: number, r: number, c: string) => `${h} hours at ${r} ${c}`,
    legal: `The aid is de minimis aid under ${DE_MINIMIS_REGULATION} of 13 December 2023 on the application of Articles 107 and 108 of the Treaty on the Functioning of the European Union to de minimis aid.`,
    undertaking: 'Single undertaking on that date',
    total: (from: string, to: string) => `Total de minimis aid to the single undertaking from ${from} to ${to}, this aid included`,
    ceiling: 'Ceiling over three years',
    keep: 'Keep this certificate for ten years. State this aid whenever you declare de minimis aid to another grantor.',
  },
};

/** Everything a user typed is escaped: names, organisation numbers, notes, the project's name. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function certificateHtml(certificate: DeMinimisCertificate, lang: 'sv' | 'en'): string {
  const t = TEXT[lang];
  const { enterprise, grantor, aid, status } = certificate;
  const e = escapeHtml;
  const row = (label: string, value: string) => `<tr><th scope="row">${e(label)}</th><td>${value}</td></tr>`;
  const valuation = aid.valuation
    ? aid.valuation.method === 'hours'
      ? e(t.hours(aid.valuation.hours ?? 0, aid.valuation.hourlyRate ?? 0, aid.currency))
      : e(`${aid.valuation.method}${aid.valuation.note ? `: ${aid.valuation.note}` : ''}`)
    : '';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${e(t.title)}: ${e(enterprise.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${e(t.title)}</h1>
<p>${e(t.lead)}</p>
<table>
${row(t.recipient, e(enterprise.name))}
${row(t.number, e(enterprise.organisationNumber ?? '–'))}
${row(t.country, e(enterprise.country))}
${row(t.grantor, `${e(t.project)} ${e(grantor.projectName)} (${e(grantor.programme)})`)}
${row(t.kind, e(t.kinds[certificate.supportKind] ?? certificate.supportKind))}
${row(t.grantedOn, e(aid.grantedOn))}
${row(t.amount, `${e(aid.amount)} ${e(aid.currency)}${aid.eurRate !== undefined ? ` (${e(t.rate)} ${e(aid.eurRate)} ${e(aid.currency)}/EUR)` : ''}`)}
${row(t.amountEur, e(formatEur(aid.amountEur)))}
${valuation ? row(t.valuation, valuation) : ''}
${row(t.undertaking, status.singleUndertaking.map((m) => e(m.name)).join('<br>'))}
${row(t.total(status.window.from, status.window.to), e(formatEur(status.usedEur)))}
${row(t.ceiling, e(formatEur(status.ceilingEur)))}
</table>
<p>${e(t.legal)}</p>
<p>${e(t.keep)}</p>
</body>
</html>
`;
}
