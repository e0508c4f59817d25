// Finding the leakls binary: the `leakls.server.path` setting, then the binary bundled in the
// platform's .vsix (`server/leakls`), then `PATH`, then Cargo's bin folder (`cargo install` puts
// it there, and the extension host does not inherit a terminal's PATH). Each candidate must
// answer `--version` with `leakls <version>`.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const EXE = process.platform === "win32" ? "leakls.exe" : "leakls";

export interface Server {
  command: string;
  version: string;
  /** Where it came from, for the log: "setting", "bundled", "PATH" or "~/.cargo/bin". */
  origin: string;
}

/** Why no usable server was found: one line per candidate tried, for the notification and log. */
export class ServerNotFound extends Error {
  constructor(
    readonly tried: string[],
    readonly fromSetting: boolean,
  ) {
    super(tried.join("; "));
  }
}

/** `~/x` → home; `${userHome}` and `${workspaceFolder}` as VS Code users write them. */
function expand(p: string, workspaceFolder: string | undefined): string {
  let out = p.trim().replace(/\$\{userHome\}/g, os.homedir());
  if (workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  if (out === "~" || out.startsWith("~/")) {
    out = path.join(os.homedir(), out.slice(1));
  }
  return out;
}

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, EXE);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `command --version`; resolves to the version line or rejects with a readable reason. */
export function probe(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, ["--version"], { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) {
        const detail = (stderr || err.message).trim().split("\n")[0];
        reject(new Error(`\`${command} --version\` failed: ${detail}`));
        return;
      }
      const line = stdout.trim().split("\n")[0] ?? "";
      if (!line.startsWith("leakls ")) {
        reject(new Error(`\`${command} --version\` printed ${JSON.stringify(line)}, not "leakls <version>"`));
        return;
      }
      resolve(line);
    });
  });
}

/**
 * The server to start. A path set in `leakls.server.path` is used or fails: it is never silently
 * replaced by another binary.
 */
export async function findServer(
  configured: string,
  extensionPath: string,
  workspaceFolder: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Server> {
  if (configured.trim() !== "") {
    const command = expand(configured, workspaceFolder);
    if (!isExecutableFile(command)) {
      throw new ServerNotFound([`leakls.server.path is ${JSON.stringify(configured)}, which is not an executable file`], true);
    }
    try {
      return { command, version: await probe(command), origin: "setting leakls.server.path" };
    } catch (e) {
      throw new ServerNotFound([(e as Error).message], true);
    }
  }

  const tried: string[] = [];
  const cargoBin = path.join(env.CARGO_HOME ?? path.join(os.homedir(), ".cargo"), "bin", EXE);
  const candidates: [string | undefined, string][] = [
    [path.join(extensionPath, "server", EXE), "bundled"],
    [onPath(env), "PATH"],
    [cargoBin, "~/.cargo/bin"],
  ];
  for (const [command, origin] of candidates) {
    if (command === undefined) {
      tried.push(`no ${EXE} on PATH`);
      continue;
    }
    if (!isExecutableFile(command)) {
      tried.push(`no ${origin} binary (${command})`);
      continue;
    }
    try {
      return { command, version: await probe(command), origin };
    } catch (e) {
      tried.push((e as Error).message);
    }
  }
  throw new ServerNotFound(tried, false);
}
