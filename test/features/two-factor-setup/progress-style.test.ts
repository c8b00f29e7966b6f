import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const CSS = fs.readFileSync(path.join(__dirname, '../../../public/css/app.css'), 'utf8');

/** The declarations of every rule whose selector is exactly `selector`, in file order. */
function declarationsOf(selector: string): string[] {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...CSS.matchAll(new RegExp(`(?:^|[}\\s])${escaped}\\{([^}]*)\\}`, 'g'))].map((m) => m[1]!);
}

describe('two-step setup: the dash between the steps of the progress bar', () => {
  it('is decoration: the generated "—" has empty alternative text, after a plain fallback for browsers without it', () => {
    const [wide] = declarationsOf('.progress li+li::before');
    expect(wide, 'the rule for wide screens').to.be.a('string');
    const contents = wide!.split(';').map((d) => d.trim()).filter((d) => d.startsWith('content:'));
    // A browser that does not know "/ alt" drops the second declaration and keeps the first.
    expect(contents).to.deep.equal(['content:"—"', 'content:"—" / ""']);
  });
});
