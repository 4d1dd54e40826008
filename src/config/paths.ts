import { homedir } from "node:os";
import { join } from "node:path";

/** Where openkoi keeps things. OPENKOI_HOME moves both config and data (data under `$OPENKOI_HOME/data`). */
export interface Paths {
  home: string;
  configFile: string;
  dataDir: string;
  stateDir: string;
  cacheDir: string;
  credentialsDir: string;
  database: string;
  toolOutputDir: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const home = env.OPENKOI_HOME || join(homedir(), ".openkoi");
  const defaultData = env.OPENKOI_HOME ? join(home, "data") : join(homedir(), ".local", "share", "openkoi");
  const dataDir = env.OPENKOI_DATA || defaultData;
  return {
    home,
    configFile: env.OPENKOI_CONFIG || join(home, "config.toml"),
    dataDir,
    stateDir: join(home, "state"),
    cacheDir: join(home, "cache"),
    credentialsDir: join(home, "credentials"),
    database: join(dataDir, "openkoi.db"),
    toolOutputDir: join(dataDir, "tool-output"),
  };
}
