// Scenarios 3 and 4 (and the API's happy path): the bridge's internal commands called from inside the
// extension host with valid, unknown and malformed messages. The calls themselves run in the in-host
// suite (inhost/bridge-api.inhost.ts); this side prepares the host, starts the workbench, reports each
// in-host test, and checks from the outside what ran.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Session, addInhostTests, logTiming, scratchDir } from './support/fixture';

describe('bridge API from the extension host (valid, unknown and malformed messages)', function () {
  this.timeout(180_000);
  let session: Session | undefined;
  const host = scratchDir('host-commands-api-');
  const markerFile = path.join(host, 'marker-created-by-api-marker');
  const secretFile = path.join(host, 'secret.txt');
  const secret = `only-the-host-knows-${randomBytes(8).toString('hex')}`;

  before(async function () {
    const started = Date.now();
    fs.writeFileSync(secretFile, `${secret}\n`);
    session = await Session.start({
      inhostSuite: 'bridge-api',
      workspace: 'empty', // no proposals: the suite knows every command there is
      context: { markerFile, secretFile, secret },
      commands: {
        'api-echo': {
          title: 'API echo',
          program: 'sh',
          args: ['-c', 'printf "secret: %s\\n" "$(cat "$1")"; echo "to stderr" >&2', 'api-echo', secretFile],
          confirm: 'never',
        },
        'api-marker': { title: 'API marker', program: 'touch', args: [markerFile], confirm: 'never' },
      },
    });
    const results = await session.inhostResults();
    logTiming('cold start to in-host results', Date.now() - started);
    addInhostTests(this.test!.parent!, results, session);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.fullTitle());
  });

  after(async () => {
    await session?.stop();
  });

  it('the output channel shows only the runs that were accepted (two api-echo, one api-marker)', function () {
    const text = session!.outputLog();
    const headers = text.split('\n').filter((line) => line.includes('▶'));
    assert.equal(headers.filter((line) => /▶ api-echo\b/.test(line)).length, 2, text);
    assert.equal(headers.filter((line) => /▶ api-marker\b/.test(line)).length, 1, text);
    assert.equal(headers.length, 3, `unexpected runs:\n${headers.join('\n')}`);
  });
});
