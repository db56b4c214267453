// The occ extension's client. It starts `occ lsp`, the language server, on
// standard input and output for .occ files, and restarts it when the
// `occ.path` setting changes. Highlighting comes from the grammar in
// syntaxes/ and works without the server.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, RevealOutputChannelOn } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;

// findExecutable returns the file that running `command` would start: the
// command itself when it names a path, otherwise the first match on PATH
// (with PATHEXT's extensions on Windows). It returns undefined when there
// is none.
function findExecutable(command, env = process.env, platform = process.platform) {
  const windows = platform === 'win32';
  const exts = windows ? ['', ...(env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
  const named = command.includes('/') || (windows && command.includes('\\'));
  const dirs = named ? [''] : (env.PATH || '').split(windows ? ';' : ':').filter(Boolean);
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = dir ? path.join(dir, command + ext) : command + ext;
      try {
        if (!fs.statSync(file).isFile()) continue;
        if (!windows) fs.accessSync(file, fs.constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

// serverCommand returns the occ command from the `occ.path` setting. A
// relative path (./bin/occ) is taken from the first workspace folder.
function serverCommand() {
  let command = vscode.workspace.getConfiguration('occ').get('path') || 'occ';
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  if (folder && folder.uri.scheme === 'file' && command.includes('/') && !path.isAbsolute(command)) {
    command = path.join(folder.uri.fsPath, command);
  }
  return command;
}

// serverOptions runs the occ command with the argument `lsp`; the
// language server speaks LSP on its standard input and output.
function serverOptions(command) {
  return { command, args: ['lsp'] };
}

function clientOptions() {
  return {
    documentSelector: [
      { scheme: 'file', language: 'occ' },
      { scheme: 'untitled', language: 'occ' },
    ],
    synchronize: {
      // A contract's tests may sit in *_test.occ files beside it; the server
      // can ask to watch more (data files) itself.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.occ'),
    },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
}

async function start() {
  const command = serverCommand();
  if (!findExecutable(command)) {
    // Not awaited: a message waiting for a click must not hold up activation.
    vscode.window.showWarningMessage(
      `occ: "${command}" was not found, so \`occ lsp\` is not running: highlighting works, ` +
        'but there are no diagnostics. Install occ (`go install ./cmd/occ`) or set occ.path to the occ binary.',
      'Open settings',
    ).then((choice) => {
      if (choice) vscode.commands.executeCommand('workbench.action.openSettings', 'occ.path');
    });
    return;
  }
  client = new LanguageClient('occ', 'occ language server', serverOptions(command), clientOptions());
  try {
    await client.start(); // a failure is reported by the client, in a message and the output channel
  } catch {
    const failed = client;
    client = undefined;
    await Promise.resolve(failed.dispose()).catch(() => {});
  }
}

async function stop() {
  if (!client) return;
  const running = client;
  client = undefined;
  await Promise.resolve(running.stop()).catch(() => {});
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  output = vscode.window.createOutputChannel('occ');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('occ.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('occ.path')) restart();
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, findExecutable, serverCommand, serverOptions };
