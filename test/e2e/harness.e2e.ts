// The harness itself: a real workbench loads the two extensions built from this repository, and a mocha
// suite runs inside its extension host with the real vscode API.
import * as assert from 'node:assert/strict';
import { Session, addInhostTests, logTiming } from './support/fixture';

describe('e2e harness: workbench with both extensions and an in-host suite', function () {
  this.timeout(180_000);
  let session: Session | undefined;
  let started = 0;

  before(async function () {
    started = Date.now();
    session = await Session.start({ inhostSuite: 'smoke' });
    logTiming('server ready', session.timings.serverMs);
    logTiming('workbench and extensions active', session.timings.workbenchMs);
    const results = await session.inhostResults();
    logTiming('in-host suite finished', Date.now() - started);
    addInhostTests(this.test!.parent!, results, session);
  });

  after(async function () {
    await session?.stop();
    logTiming('whole suite incl. stop', Date.now() - started);
  });

  it('loads both Host Commands extensions into the extensions folder', function () {
    const ids = session!.workbench.extensions.map((extension) => extension.id);
    assert.ok(ids.includes('host-commands.host-commands-bridge'));
    assert.ok(ids.includes('host-commands.host-commands'));
  });
});
