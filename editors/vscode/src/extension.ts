// The leakls extension: starts the leakls language server for Go files, passes the `leakls`
// settings through to it, and restarts it on demand or when the binary's settings change.

import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import { findServer, ServerNotFound } from "./server";

/** Settings that only the extension reads; everything else under `leakls` is the server's. */
const CLIENT_ONLY = ["server", "trace"];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
let extensionPath: string;
/** Serialises start/stop so that quick restarts never run two servers. */
let pending: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): void {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel("leakls");
  traceOutput = vscode.window.createOutputChannel("leakls Trace");
  context.subscriptions.push(
    output,
    traceOutput,
    vscode.commands.registerCommand("leakls.restartServer", () => queue(restart)),
    vscode.commands.registerCommand("leakls.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("leakls.showHeapProfile", showHeapProfile),
    vscode.commands.registerCommand("leakls.hideHeapProfile", hideHeapProfile),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
  );
  queue(start);
}

export function deactivate(): Thenable<void> | undefined {
  return stop();
}

function queue(step: () => Promise<void>): Promise<void> {
  pending = pending.then(step, step);
  return pending;
}

/**
 * The server's settings: the `leakls` section without the extension's own keys. The server
 * defines which keys exist (see its README); the extension passes them through unchanged.
 */
function serverSettings(scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("leakls", scope);
  const settings = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  for (const key of CLIENT_ONLY) delete settings[key];
  return settings;
}

/** The value at `dotted` (e.g. "checks.disabled") inside the server's settings, or null. */
function lookup(settings: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = settings;
  for (const part of dotted.split(".")) {
    if (value === null || typeof value !== "object") return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value ?? null;
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("leakls");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let server;
  try {
    server = await findServer(config.get<string>("server.path", ""), extensionPath, folder);
  } catch (e) {
    reportMissingServer(e);
    return;
  }
  output.appendLine(`Using ${server.version} (${server.origin}: ${server.command})`);

  const args = config.get<string[]>("server.extraArgs", []);
  const serverOptions: ServerOptions = {
    run: { command: server.command, args, transport: TransportKind.stdio },
    debug: { command: server.command, args, transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "go" },
      { scheme: "untitled", language: "go" },
    ],
    initializationOptions: serverSettings(),
    outputChannel: output,
    traceOutputChannel: traceOutput,
    middleware: {
      workspace: {
        // Answer `workspace/configuration` for the `leakls` section (and its sub-keys) with the
        // server's settings only; other sections get VS Code's default answer.
        configuration: async (params, token, next) => {
          const defaults = await next(params, token);
          if (!Array.isArray(defaults)) return defaults;
          return params.items.map((item, i) => {
            const section = item.section ?? "";
            if (section !== "leakls" && !section.startsWith("leakls.")) return defaults[i];
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            const settings = serverSettings(scope);
            return section === "leakls" ? settings : lookup(settings, section.slice("leakls.".length));
          });
        },
      },
    },
  };
  // The id `leakls` makes vscode-languageclient follow the `leakls.trace.server` setting.
  client = new LanguageClient("leakls", "leakls", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    output.appendLine(`The server failed to start: ${String(e)}`);
    void vscode.window.showErrorMessage(`leakls: the server (${server.command}) failed to start: ${String(e)}`, "Show Output").then(
      (choice) => choice && output.show(true),
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) return;
  try {
    await running.stop();
  } catch (e) {
    output.appendLine(`Stopping the server: ${String(e)}`);
  }
  await running.dispose();
}

async function restart(): Promise<void> {
  output.appendLine("Restarting the server");
  await stop();
  await start();
}

function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
  if (event.affectsConfiguration("leakls.server")) {
    // A new binary or new arguments: only a new process takes them.
    void queue(restart);
    return;
  }
  if (!event.affectsConfiguration("leakls") || event.affectsConfiguration("leakls.trace")) return;
  if (client === undefined || !client.isRunning()) return;
  // Push the new settings; a server that prefers to pull asks with `workspace/configuration`.
  void client.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { leakls: serverSettings() },
  });
}

/**
 * Picks a heap profile (and, if wanted, a base to compare it with) and puts them in the
 * workspace's settings: the server then shows them as inlay hints.
 */
async function showHeapProfile(): Promise<void> {
  const filters = { "Go heap profiles": ["gz", "pb", "pprof", "prof", "heap"], "All files": ["*"] };
  const current = await vscode.window.showOpenDialog({
    title: "leakls: the heap profile to show",
    canSelectMany: false,
    filters,
  });
  if (current === undefined || current.length === 0) return;
  const choice = await vscode.window.showQuickPick(
    [
      { label: "Live memory", description: "what this profile holds, per line" },
      { label: "Growth since a base profile…", description: "what grew between two profiles" },
    ],
    { title: "leakls: show" },
  );
  if (choice === undefined) return;
  let base = "";
  if (choice.label.startsWith("Growth")) {
    const picked = await vscode.window.showOpenDialog({
      title: "leakls: the base profile (taken earlier)",
      canSelectMany: false,
      filters,
    });
    if (picked === undefined || picked.length === 0) return;
    base = picked[0].fsPath;
  }
  const config = vscode.workspace.getConfiguration("leakls");
  const target = vscode.workspace.workspaceFolders
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await config.update("heap_base_profile", base, target);
  await config.update("heap_profile", current[0].fsPath, target);
  output.appendLine(
    `Heap profile: ${current[0].fsPath}${base ? ` against ${base}` : ""} (inlay hints)`,
  );
}

async function hideHeapProfile(): Promise<void> {
  const config = vscode.workspace.getConfiguration("leakls");
  const target = vscode.workspace.workspaceFolders
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await config.update("heap_profile", undefined, target);
  await config.update("heap_base_profile", undefined, target);
}

function reportMissingServer(e: unknown): void {
  const found = e instanceof ServerNotFound ? e : undefined;
  const why = found ? found.tried.join("; ") : String(e);
  output.appendLine(`No usable leakls server: ${why}`);
  const message = found?.fromSetting
    ? `leakls: the server set in leakls.server.path cannot be used (${why}). Fix the setting, or clear it to use leakls from PATH.`
    : "leakls: no leakls server found (this .vsix bundles none for this platform, and none is on PATH or in ~/.cargo/bin). " +
      "Install it with `cargo install --path .` in the leakls repository (it goes to ~/.cargo/bin, which is looked in), " +
      "or set leakls.server.path to the binary; then run \"leakls: Restart Server\".";
  void vscode.window.showErrorMessage(message, "Open Settings", "Show Output").then((choice) => {
    if (choice === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "leakls.server.path");
    } else if (choice === "Show Output") {
      output.show(true);
    }
  });
}
