/*
 * Problems the browser checks find in files this suite's owner may not change (they belong to
 * another part of the code). Each entry names the file and the fix. The checks let a problem
 * through only when an entry matches it; an entry that no longer matches anything is reported at
 * the end of the run so it can be removed. Keep this list short and each entry precise.
 */

export type CheckName = 'axe' | 'html-validate' | 'weight' | 'keyboard' | 'focus' | 'reflow' | 'zoom' | 'target-size';

export interface KnownIssue {
  check: CheckName;
  /** Matches the problem as reported: "<page name> (<path>): <problem>". */
  problem: RegExp;
  /** Where the fix belongs. */
  file: string;
  fix: string;
}

export const KNOWN_ISSUES: KnownIssue[] = [
  {
    check: 'html-validate',
    problem: /: tel-non-breaking at /,
    file: 'src/i18n/locales/nl/two-factor.json (twoFactor.help.phone, shown by views/two-factor-setup/help.ejs)',
    fix: 'the helpdesk number inside <a href="tel:+31307370323"> must not break: write it as 030&nbsp;–&nbsp;737&nbsp;0323',
  },
  {
    check: 'html-validate',
    problem: /\(\/account\/twee-stappen\/instellen\/[a-z]+\): long-title at /,
    file: 'views/two-factor-setup/step-start.ejs',
    fix: '<title> is longer than 70 characters ("1. Kies hoe je de code wilt ontvangen – Authenticatie in twee stappen instellen – Karify"): '
      + 'use "<step name> – <caption>" (e.g. "Telefoonnummer – Verificatiecode via SMS instellen – Karify"), at most 70 characters with "Fout: "',
  },
  {
    check: 'html-validate',
    problem: /\(\/account\/twee-stappen\/[a-z/-]+\): aria-label-misuse at /,
    file: 'views/two-factor-setup/progress.ejs, views/two-factor-setup/recovery-codes.ejs',
    fix: 'aria-label on <ol class="progress"> and <ol class="recovery-codes"> is ignored by several screen readers: '
      + 'drop it, and name the list with text before it (e.g. a visually hidden "Voortgang:" paragraph; the recovery codes already follow their explanation)',
  },
  {
    check: 'html-validate',
    problem: /\(\/account\/twee-stappen\/(instellen\/telefoonnummer|telefoonnummer-wijzigen|overstappen\/sms)\): valid-autocomplete at /,
    file: 'views/two-factor-setup/phone-fields.ejs',
    fix: 'autocomplete="tel-national" is not allowed on <input type="tel"> (HTML: it belongs to the Text group): '
      + "pass type: 'text', inputmode: 'tel' to the text-field include (keeps the phone keypad and national-number autofill)",
  },
  {
    check: 'keyboard',
    problem: /\(\/account\/wachtwoord\): (after the skip link, Tab goes to .*, not to the error summary|\d+ link\(s\) or field\(s\) in main come before the error summary)/,
    file: 'views/password-change/index.ejs',
    fix: 'the account menu comes before the error summary: include ../partials/error-summary as the first thing in main, before <div class="with-menu">',
  },
];
