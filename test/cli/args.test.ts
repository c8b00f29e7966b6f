import { expect } from 'chai';
import { parseOptions, UsageError } from '../../src/cli/args';

/** The usage error `parse` refuses `args` with. */
const refusedBy = (parse: (args: string[]) => unknown) => (args: string[]) => {
  try {
    parse(args);
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${args.join(' ')} was accepted`);
};

describe('admin command options (util.parseArgs)', () => {
  const parse = (args: string[]) => parseOptions(args, ['email', 'name'], ['limit']);
  const refused = refusedBy(parse);

  it('reads --name value and --name=value, optional options included', () => {
    expect(parse(['--email', 'cas@example.nl', '--name=Cas de Vries'])).to.deep.equal({ email: 'cas@example.nl', name: 'Cas de Vries' });
    expect(parse(['--name', 'Cas', '--email=cas@example.nl', '--limit', '5'])).to.deep.equal({ email: 'cas@example.nl', name: 'Cas', limit: '5' });
    expect(parse(['--email=', '--name', 'Cas'])).to.deep.equal({ email: '', name: 'Cas' }, 'an empty value given with = is a value');
    expect(parse(['--email=-x', '--name', 'Cas']).email).to.equal('-x');
  });

  it('refuses unknown, missing and repeated options, and options without a value', () => {
    expect(refused(['--email', 'e', '--name', 'n', '--colour', 'red'])).to.equal('Unknown option --colour.');
    expect(refused(['--email', 'e'])).to.equal('Missing option --name.');
    expect(refused([])).to.equal('Missing option --email, --name.');
    expect(refused(['--email', 'a', '--name', 'n', '--email=b'])).to.equal('Option --email is given twice.');
    expect(refused(['--name', 'n', '--email'])).to.equal('Option --email needs a value.');
    expect(refused(['--email', '--name', 'n'])).to.equal('Option --email needs a value.');
    expect(refused(['--name', 'n', '--email', '-5'])).to.equal('Option --email needs a value. A value that starts with "-" is written --email=-5.');
    expect(refused(['--email', 'e', '--name', 'n', 'extra'])).to.equal('Unexpected argument "extra".');
  });

  it('refuses a password on the command line, in either form, before anything else', () => {
    const message = 'Passwords are never accepted on the command line. Leave out --password; the command reads the password from standard input.';
    expect(refused(['--password', 'geheim', '--email', 'e', '--name', 'n'])).to.equal(message);
    expect(refused(['--email', 'e', '--name', 'n', '--password=geheim'])).to.equal(message);
    expect(refused(['--password'])).to.equal(message);
  });
});

describe('admin command flags (util.parseArgs)', () => {
  const parse = (args: string[]) => parseOptions(args, [], ['limit'], ['failed']);
  const refused = refusedBy(parse);

  it('reads a flag given alone as "true", next to options with values', () => {
    expect(parse(['--failed'])).to.deep.equal({ failed: 'true' });
    expect(parse(['--limit', '5', '--failed'])).to.deep.equal({ limit: '5', failed: 'true' });
    expect(parse([])).to.deep.equal({});
  });

  it('refuses a flag with a value, or given twice', () => {
    expect(refused(['--failed=yes'])).to.equal('Option --failed takes no value.');
    expect(refused(['--failed', 'yes'])).to.equal('Unexpected argument "yes".');
    expect(refused(['--failed', '--failed'])).to.equal('Option --failed is given twice.');
  });
});
