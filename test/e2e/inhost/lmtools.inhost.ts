// Agent mode, through the real language-model tool API: the tools are registered, listing works, an
// unknown id is refused, and a run of a "confirm: never" command still waits for the host prompt
// (answered by the Node side, which clicks Run in the dialog).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sleep } from '../support/inhost';

async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

async function waitForTools(): Promise<void> {
  for (let i = 0; i < 100 && !vscode.lm.tools.some((tool) => tool.name === 'host-commands_run'); i++) await sleep(200);
}

describe('language-model tools for agent mode', function () {
  this.timeout(60_000);
  before(waitForTools);

  it('both tools are registered with their descriptions', () => {
    const names = vscode.lm.tools.map((tool) => tool.name);
    assert.ok(names.includes('host-commands_list'), names.join(', '));
    assert.ok(names.includes('host-commands_run'), names.join(', '));
    const run = vscode.lm.tools.find((tool) => tool.name === 'host-commands_run')!;
    assert.match(run.description, /confirms every run/);
  });

  it('the list tool names each command and its parameters', async () => {
    const text = await invoke('host-commands_list', {});
    assert.match(text, /- agent-greet: Greet for an agent; parameters: who \(matching \[a-z\]\+\)/);
  });

  it('an unknown id is refused with the reason', async () => {
    const text = await invoke('host-commands_run', { command: 'no-such-command' });
    assert.match(text, /was not run: "no-such-command" is not a host command/);
  });

  it('a run waits for the host prompt even for a confirm: never command, then returns exit code and output', async () => {
    const text = await invoke('host-commands_run', { command: 'agent-greet', params: { who: 'agent' } });
    assert.match(text, /exited with exit code 0/);
    assert.match(text, /hello agent from the host/);
  });
});
