// Runs inside the extension host: the harness loads, the real vscode API answers, and the bridge has
// registered its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitForCommand } from '../support/inhost';

describe('in-host harness', () => {
  it('runs with the real vscode API', () => {
    assert.equal(typeof vscode.version, 'string');
    assert.ok(vscode.workspace.workspaceFolders?.length, 'a workspace folder is open');
  });

  it('sees the bridge command hostCommands.bridge.list', async () => {
    await waitForCommand('hostCommands.bridge.list');
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('hostCommands.bridge.list'));
  });
});
