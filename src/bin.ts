#!/usr/bin/env node
// Entry point: turn on Node's compile cache before loading the rest, so
// later runs skip parsing and compiling the bundle.
import module from 'node:module';

module.enableCompileCache?.();
await import('./main.ts');
