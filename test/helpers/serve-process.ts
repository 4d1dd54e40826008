import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { waitFor } from "../fakes/http.js";
import { CLI } from "./cli.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  log: () => string;
  /** SIGKILL, as a crash would. */
  crash(): Promise<void>;
  stop(): Promise<number | null>;
}

/** Writes config.toml into `home` and starts the built `openkoi serve`; resolves when /health answers. */
export async function startServe(options: { home: string; port: number; toml: string; env: Record<string, string> }): Promise<ServeProcess> {
  mkdirSync(options.home, { recursive: true });
  writeFileSync(join(options.home, "config.toml"), options.toml);
  const child = spawn(process.execPath, [CLI, "serve"], { env: { ...options.env, OPENKOI_HOME: options.home }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d;
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d;
  });
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`openkoi serve exited early:\n${output}`);
      try {
        return (await fetch(`${url}/health`)).ok;
      } catch {
        return false;
      }
    },
    15_000,
    "openkoi serve to answer /health",
  );
  return {
    child,
    url,
    log: () => output,
    async crash() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
