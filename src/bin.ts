#!/usr/bin/env node
// Entry point: turn on Node's compile cache before loading the rest, so
// later runs skip parsing and compiling the bundle; and keep a long session's
// memory near what it holds.
import diagnostics from 'node:diagnostics_channel';
import module from 'node:module';
import v8 from 'node:v8';

// An older Node fails deep inside the bundle on an API it lacks; say what is needed instead.
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(`nanocode needs Node.js 22 or newer; this is ${process.version} (${process.execPath}).\n`);
  process.exit(2);
}

module.enableCompileCache?.();

// Each request re-sends the whole history, so every turn leaves garbage the
// size of the history, and V8's defaults let the heap grow to several times
// what is live (250 MB at 500 turns). From the first model request on:
// - the young generation stops growing: by then it holds a turn's garbage;
// - the heap grows by half of what is live before a full collection;
// - undici's HTTP parser (WebAssembly) is not recompiled by the optimizing
//   compiler, which takes 20 MB for good to do it.
// Not sooner: Node's precompiled built-ins are checked against V8's flags,
// and every built-in loaded after they change is compiled from source (a
// start 20% slower). By the first request, all a turn needs is loaded.
const firstRequest = 'undici:request:create';
const tuneHeap = () => {
  diagnostics.unsubscribe(firstRequest, tuneHeap);
  v8.setFlagsFromString('--semi-space-growth-factor=1 --heap-growing-percent=50 --wasm-tiering-budget=2147483647');
};
diagnostics.subscribe(firstRequest, tuneHeap);

await import('./main.ts');
