// The record of the user's own definitions as they last confirmed them on the host: exact, kept across
// restarts, private to the user, and forgiving of a missing or broken file (everything then asks once).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileDefinitionLedger } from '../../src/core/confirmedDefinitions';
import { loadTrustedDefinitions, type CommandDefinition } from '../../src/core/definitions';

function definition(id: string, fields: Record<string, unknown>): CommandDefinition {
  const loaded = loadTrustedDefinitions({ [id]: fields });
  assert.deepEqual(loaded.warnings, []);
  return loaded.definitions[0]!;
}

describe('FileDefinitionLedger', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-commands-ledger-'));
    file = path.join(dir, 'storage', 'confirmed-commands.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const deploy = definition('deploy', { program: 'make', args: ['deploy'], confirm: 'never' });

  it('confirms nothing until told, then exactly what it was told, and keeps it across restarts', async () => {
    const ledger = new FileDefinitionLedger(file);
    assert.equal(ledger.isConfirmed(deploy), false);
    await ledger.confirm(deploy);
    assert.equal(ledger.isConfirmed(deploy), true);
    assert.equal(new FileDefinitionLedger(file).isConfirmed(deploy), true, 'read back from the file');
    if (process.platform !== 'win32') assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('any change to the definition, even one character or only "confirm", is not confirmed', async () => {
    const ledger = new FileDefinitionLedger(file);
    await ledger.confirm(deploy);
    const variants = [
      definition('deploy', { program: 'make', args: ['deploy '], confirm: 'never' }),
      definition('deploy', { program: 'make', args: ['deploy'], confirm: 'always' }),
      definition('deploy', { program: 'make', args: ['deploy'], confirm: 'never', env: { X: '1' } }),
      definition('deploy', { program: 'make', args: ['deploy'], confirm: 'never', title: 'Deploy' }),
      // The same definition under another id was not confirmed either.
      definition('deploy2', { program: 'make', args: ['deploy'], confirm: 'never' }),
    ];
    for (const variant of variants) assert.equal(ledger.isConfirmed(variant), false, JSON.stringify(variant));
  });

  it('confirms several one after another without losing any', async () => {
    const ledger = new FileDefinitionLedger(file);
    const many = Array.from({ length: 20 }, (_, i) => definition(`c${i}`, { program: 'true' }));
    await Promise.all(many.map((d) => ledger.confirm(d)));
    const reread = new FileDefinitionLedger(file);
    for (const d of many) assert.equal(reread.isConfirmed(d), true, d.id);
  });

  it('a broken or foreign file confirms nothing and does not throw', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    for (const content of ['{not json', '[]', 'null', '{"v":2,"commands":{"deploy":"x"}}', '{"v":1,"commands":{"deploy":42}}']) {
      fs.writeFileSync(file, content);
      assert.equal(new FileDefinitionLedger(file).isConfirmed(deploy), false, content);
    }
  });

  it('a failed write is reported to the caller and counts for nothing; later confirmations still work', async () => {
    // A file where the folder should be: mkdir fails.
    fs.writeFileSync(path.join(dir, 'storage'), '');
    const ledger = new FileDefinitionLedger(file);
    await assert.rejects(ledger.confirm(deploy));
    assert.equal(ledger.isConfirmed(deploy), false, 'not saved, so asked again');
    fs.rmSync(path.join(dir, 'storage'));
    const other = definition('other', { program: 'true' });
    await ledger.confirm(other);
    assert.equal(new FileDefinitionLedger(file).isConfirmed(other), true);
    assert.equal(new FileDefinitionLedger(file).isConfirmed(deploy), false);
  });

  it('two windows share the file: neither loses the other\'s confirmations, and neither trusts a stale copy', async () => {
    const one = new FileDefinitionLedger(file);
    const two = new FileDefinitionLedger(file);
    const a = definition('a', { program: 'true' });
    const b = definition('b', { program: 'true' });
    assert.equal(two.isConfirmed(a), false); // window two has read the (missing) file
    await one.confirm(a);
    await two.confirm(b);
    const later = new FileDefinitionLedger(file);
    assert.equal(later.isConfirmed(a) && later.isConfirmed(b), true, 'both kept');

    // The user changes d0 to d1 in window one; window two, which knew d0, must not run d0 if it is written back.
    const d0 = definition('d', { program: 'echo', args: ['0'], confirm: 'never' });
    const d1 = definition('d', { program: 'echo', args: ['1'], confirm: 'never' });
    await two.confirm(d0);
    assert.equal(one.isConfirmed(d0), true, 'window one reads the change on disk');
    await one.confirm(d1);
    assert.equal(two.isConfirmed(d0), false, 'window two reads the newer file');
    assert.equal(two.isConfirmed(d1), true);
  });

  it('forgets commands that are no longer in the settings', async () => {
    const ledger = new FileDefinitionLedger(file);
    const keep = definition('keep', { program: 'true' });
    await ledger.confirm(keep);
    await ledger.confirm(deploy);
    await ledger.forgetAllBut(new Set(['keep']));
    const reread = new FileDefinitionLedger(file);
    assert.equal(reread.isConfirmed(keep), true);
    assert.equal(reread.isConfirmed(deploy), false, 'deleted, then written back by someone: asks again');
  });
});
