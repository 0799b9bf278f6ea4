// Runs end with the window: reloading it ends the extension host, and every host process it started —
// with the children they started — goes with it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as wb from '../../scripts/lib/workbench.mjs';
import { RUN_COMMAND_TITLE, Session, eventually, scratchDir } from './support/fixture';
import { isAlive } from './support/processes';

describe('host processes end with the window', function () {
  this.timeout(120_000);
  let session: Session;
  const host = scratchDir('host-commands-lifecycle-');
  const pids = path.join(host, 'pids');

  before(async function () {
    this.timeout(180_000);
    session = await Session.start({
      commands: {
        'long-tree': {
          title: 'Long tree',
          program: 'sh',
          args: ['-c', `sleep 600 & echo "$$ $!" > ${pids}; wait`],
          confirm: 'never',
        },
      },
    });
  });

  after(async () => {
    await session?.stop();
  });

  it('reloading the window ends a running host command and the child it started', async () => {
    await wb.runPaletteCommand(session.page, RUN_COMMAND_TITLE);
    await wb.pickQuickPickItem(session.page, 'Long tree');
    const [shell, child] = await eventually(() => {
      const text = fs.existsSync(pids) ? fs.readFileSync(pids, 'utf8').trim() : '';
      return /^\d+ \d+$/.test(text) ? text.split(' ').map(Number) : undefined;
    });
    assert.ok(isAlive(shell!) && isAlive(child!), 'both processes run');

    await wb.runPaletteCommand(session.page, 'Developer: Reload Window');
    await eventually(() => !isAlive(shell!) && !isAlive(child!), 15_000);
  });
});
