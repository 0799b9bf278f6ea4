// Agent mode: the in-host suite calls the language-model tools; this side plays the user on the host,
// who sees the prompt for the agent's request and clicks Run.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as wb from '../../scripts/lib/workbench.mjs';
import { SCREENSHOTS, Session, addInhostTests } from './support/fixture';

describe('language-model tools (agent mode) still confirm on the host', function () {
  this.timeout(180_000);
  let session: Session | undefined;
  let promptText = '';

  before(async function () {
    session = await Session.start({
      inhostSuite: 'lmtools',
      workspace: 'empty',
      commands: {
        'agent-greet': {
          title: 'Greet for an agent',
          program: 'sh',
          args: ['-c', 'echo "hello $1 from the host"', 'greet', '${param:who}'],
          parameters: { who: { pattern: '[a-z]+' } },
          confirm: 'never',
        },
      },
    });
    promptText = await wb.dialogText(session.page, { timeout: 60_000 });
    await session.docsScreenshot(path.join(SCREENSHOTS, 'agent-prompt.png'));
    await wb.clickDialogButton(session.page, 'Run');
    addInhostTests(this.test!.parent!, await session.inhostResults(), session);
  });

  after(async () => {
    await session?.stop();
  });

  it('the host prompt says an AI agent asked, and shows the exact argv', () => {
    assert.match(promptText, /Requested by an AI agent tool/);
    assert.match(promptText, /\[4\] agent/);
    const audit = session!.auditRecords().find((record) => record.command === 'agent-greet');
    assert.equal(audit?.source, 'tool');
    assert.equal(audit?.exitCode, 0);
  });
});
