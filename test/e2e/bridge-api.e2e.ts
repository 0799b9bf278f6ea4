// Scenarios 3 and 4 (and the API's happy path): the bridge's internal commands called from inside the
// extension host with valid, unknown and malformed messages. The calls themselves run in the in-host
// suite (inhost/bridge-api.inhost.ts); this side prepares the host, starts the workbench, reports each
// in-host test, and checks from the outside what ran.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as wb from '../../scripts/lib/workbench.mjs';
import { Session, addInhostTests, logTiming, scratchDir, sleep } from './support/fixture';

describe('bridge API from the extension host (valid, unknown and malformed messages)', function () {
  this.timeout(180_000);
  let session: Session | undefined;
  const host = scratchDir('host-commands-api-');
  const markerFile = path.join(host, 'marker-created-by-api-marker');
  const plantedMarker = path.join(host, 'marker-created-by-planted');
  /** The host prompts that appeared while the in-host suite ran, each answered with Don't Run. */
  const prompts: string[] = [];
  const secretFile = path.join(host, 'secret.txt');
  const secret = `only-the-host-knows-${randomBytes(8).toString('hex')}`;

  before(async function () {
    const started = Date.now();
    fs.writeFileSync(secretFile, `${secret}\n`);
    session = await Session.start({
      inhostSuite: 'bridge-api',
      workspace: 'empty', // no proposals: the suite knows every command there is
      context: { markerFile, plantedMarker, secretFile, secret },
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
    // A person at the host: answers every prompt with Don't Run (only the planted command should ask).
    let watching = true;
    const page = session.page;
    const watcher = (async () => {
      while (watching) {
        if (await wb.dialog(page).isVisible()) {
          prompts.push(await wb.dialogText(page));
          await wb.clickDialogButton(page, "Don't Run");
        }
        await sleep(100);
      }
    })();
    const results = await session.inhostResults().finally(() => (watching = false));
    await watcher;
    logTiming('cold start to in-host results', Date.now() - started);
    addInhostTests(this.test!.parent!, results, session);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.fullTitle());
  });

  after(async () => {
    await session?.stop();
  });

  it('the command an extension planted in the user settings was asked about on the host, as new in the settings, and did not run', () => {
    assert.equal(prompts.length, 1, JSON.stringify(prompts));
    assert.match(prompts[0]!, /Run "Planted" on the host\? It is new or changed in your settings\./);
    assert.match(prompts[0]!, /Extensions can write your settings too, including extensions running in the container/);
    assert.ok(prompts[0]!.includes(plantedMarker), prompts[0]);
    assert.equal(fs.existsSync(plantedMarker), false);
    const audit = session!.auditRecords().filter((record) => record.command === 'planted');
    assert.deepEqual(audit.map((record) => record.decision), ['denied']);
  });

  it('the output channel shows only the runs that were accepted (two api-echo, one api-marker)', function () {
    const text = session!.outputLog();
    const headers = text.split('\n').filter((line) => line.includes('▶'));
    assert.equal(headers.filter((line) => /▶ api-echo\b/.test(line)).length, 2, text);
    assert.equal(headers.filter((line) => /▶ api-marker\b/.test(line)).length, 1, text);
    assert.equal(headers.length, 3, `unexpected runs:\n${headers.join('\n')}`);
  });
});
