// Tests of the client in extension.js, run by `node --test` outside VS Code:
// the `vscode` module and vscode-languageclient are replaced by fakes that
// record what the extension asks of them.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

// The fake VS Code: settings, workspace folders, messages and commands.
const fake = {
  settings: {},
  folders: undefined,
  messages: [],
  commands: {},
  configListeners: [],
  clients: [],
};

const vscode = {
  workspace: {
    getConfiguration: (section) => ({ get: (key) => fake.settings[`${section}.${key}`] }),
    get workspaceFolders() {
      return fake.folders;
    },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    onDidChangeConfiguration: (fn) => {
      fake.configListeners.push(fn);
      return { dispose() {} };
    },
  },
  window: {
    createOutputChannel: (name) => ({ name, dispose() {} }),
    showWarningMessage: (message) => {
      fake.messages.push(message);
      return Promise.resolve(undefined);
    },
  },
  commands: {
    registerCommand: (id, fn) => {
      fake.commands[id] = fn;
      return { dispose() {} };
    },
    executeCommand: () => Promise.resolve(),
  },
};

class FakeLanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, state: 'new' });
    fake.clients.push(this);
  }
  async start() {
    this.state = 'running';
  }
  async stop() {
    this.state = 'stopped';
  }
  async dispose() {
    this.state = 'disposed';
  }
}

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient: FakeLanguageClient, RevealOutputChannelOn: { Never: 4 } };
  return load.call(this, request, ...rest);
};
const extension = require('../extension.js');

// A fake occ binary in a folder of its own.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'occ-vscode-test-'));
const occ = path.join(dir, 'occ');
fs.writeFileSync(occ, '#!/bin/sh\n', { mode: 0o755 });
fs.writeFileSync(path.join(dir, 'not-executable'), '', { mode: 0o644 });
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

function reset(settings) {
  fake.settings = settings;
  fake.folders = undefined;
  fake.messages = [];
  fake.commands = {};
  fake.configListeners = [];
  fake.clients = [];
}

const context = () => ({ subscriptions: [] });

test('findExecutable looks on PATH and at paths', () => {
  assert.equal(extension.findExecutable('occ', { PATH: `/nonexistent:${dir}` }, 'linux'), occ);
  assert.equal(extension.findExecutable(occ, { PATH: '' }, 'linux'), occ);
  assert.equal(extension.findExecutable('occ', { PATH: '/nonexistent' }, 'linux'), undefined);
  assert.equal(extension.findExecutable('not-executable', { PATH: dir }, 'linux'), undefined);
  assert.equal(extension.findExecutable(dir, { PATH: '' }, 'linux'), undefined, 'a folder is not a command');
});

test('activate starts `occ lsp` with the occ.path setting, for occ documents', async () => {
  reset({ 'occ.path': occ });
  await extension.activate(context());
  assert.equal(fake.clients.length, 1);
  const [client] = fake.clients;
  assert.equal(client.state, 'running');
  assert.deepEqual(client.serverOptions, { command: occ, args: ['lsp'] });
  assert.deepEqual(client.clientOptions.documentSelector.map((s) => s.language), ['occ', 'occ']);
  assert.deepEqual(fake.messages, []);
  await extension.deactivate();
  assert.equal(client.state, 'stopped');
});

test('occ.path defaults to occ, looked up on PATH', async () => {
  reset({});
  const saved = process.env.PATH;
  process.env.PATH = dir;
  try {
    await extension.activate(context());
  } finally {
    process.env.PATH = saved;
  }
  assert.equal(fake.clients.length, 1);
  assert.equal(fake.clients[0].serverOptions.command, 'occ');
  await extension.deactivate();
});

test('a relative occ.path is taken from the workspace folder', async () => {
  reset({ 'occ.path': './occ' });
  fake.folders = [{ uri: { scheme: 'file', fsPath: dir } }];
  assert.equal(extension.serverCommand(), occ);
});

test('a missing occ is a warning that names the setting, and no client', async () => {
  reset({ 'occ.path': path.join(dir, 'missing') });
  await extension.activate(context());
  assert.equal(fake.clients.length, 0);
  assert.equal(fake.messages.length, 1);
  assert.match(fake.messages[0], /occ\.path/);
  await extension.deactivate();
});

test('changing occ.path restarts the server with the new command', async () => {
  reset({ 'occ.path': path.join(dir, 'missing') });
  await extension.activate(context());
  assert.equal(fake.clients.length, 0);
  fake.settings['occ.path'] = occ;
  fake.configListeners.forEach((fn) => fn({ affectsConfiguration: (s) => s === 'occ.path' }));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fake.clients.length, 1);
  assert.equal(fake.clients[0].state, 'running');
  assert.equal(fake.clients[0].serverOptions.command, occ);

  // The restart command stops the running client and starts another.
  await fake.commands['occ.restartServer']();
  assert.equal(fake.clients.length, 2);
  assert.equal(fake.clients[0].state, 'stopped');
  assert.equal(fake.clients[1].state, 'running');
  await extension.deactivate();
});
