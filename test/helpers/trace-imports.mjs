// `node --import ./trace-imports.mjs …`: appends every module the process resolves to $OPENKOI_TRACE_FILE (one URL a line).
import { register } from "node:module";

register(new URL("./trace-imports-hooks.mjs", import.meta.url), { data: { file: process.env.OPENKOI_TRACE_FILE } });
