/**
 * Organisation numbers of the countries whose registers the programmes ask for. A Swedish number has 10 digits
 * and a Luhn (mod 10) check digit, written NNNNNN-NNNN; a Norwegian one has 9 digits and a mod 11 check digit,
 * written without separators as Brønnøysundregistrene does. Other countries' numbers are kept as given (trimmed),
 * with no rule checked.
 *
 * A problem is stated twice: `problem` is answered to the one who sent the number (a check digit's refusal shows the
 * number as read, digits grouped the canonical way), `rule` states the same rule without it: what an import's outcome
 * may keep in the event log, where a mistyped personnummer would stay for ever.
 */
export type OrganisationNumberReading = { canonical: string; key: string } | { problem: string; rule: string };

export const SWEDISH_NUMBER_RULE = 'a Swedish organisation number: 10 digits written NNNNNN-NNNN, the last a Luhn check digit';
export const NORWEGIAN_NUMBER_RULE = 'a Norwegian organisation number: 9 digits, the last a mod 11 check digit';

export function readOrganisationNumber(country: string, raw: string): OrganisationNumberReading {
  const text = raw.trim();
  switch (country) {
    case 'SE': {
      const match = /^(\d{6})-?(\d{4})$/.exec(text.replace(/\s+/g, ''));
      if (!match) return stated(`organisationNumber must be ${SWEDISH_NUMBER_RULE}`);
      const digits = match[1] + match[2];
      if (!luhnValid(digits)) {
        return { problem: `organisationNumber ${match[1]}-${match[2]} fails the Luhn check digit of ${SWEDISH_NUMBER_RULE}`, rule: `organisationNumber fails the Luhn check digit of ${SWEDISH_NUMBER_RULE}` };
      }
      return { canonical: `${match[1]}-${match[2]}`, key: `SE${digits}` };
    }
    case 'NO': {
      const digits = text.replace(/[\s.]+/g, '');
      if (!/^\d{9}$/.test(digits)) return stated(`organisationNumber must be ${NORWEGIAN_NUMBER_RULE}`);
      if (!mod11Valid(digits)) {
        return { problem: `organisationNumber ${digits} fails the mod 11 check digit of ${NORWEGIAN_NUMBER_RULE}`, rule: `organisationNumber fails the mod 11 check digit of ${NORWEGIAN_NUMBER_RULE}` };
      }
      return { canonical: digits, key: `NO${digits}` };
    }
    default: {
      // No rule known: the key ignores spacing, dashes and case, so "de 123-45" and "DE12345" are one number.
      const key = text.toUpperCase().replace(/[^0-9A-Z]/g, '');
      if (key.length === 0) return stated('organisationNumber must hold at least one letter or digit');
      return { canonical: text, key: `${country}${key}` };
    }
  }
}

/** A number written wrong: the rule alone, for the answer too (its sender has the text; the rule is what they need). */
function stated(rule: string): { problem: string; rule: string } {
  return { problem: rule, rule };
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function mod11Valid(digits: string): boolean {
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
  const remainder = sum % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  // A remainder of 1 leaves no valid check digit: such numbers are never issued.
  return check !== 10 && check === Number(digits[8]);
}

/** NACE Rev. 2 codes as registers write them: a division, optionally its group and class (`03`, `03.2`, `03.21`). */
export const NACE_CODE = /^\d{2}(\.\d{1,2})?$/;
