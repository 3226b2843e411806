#!/usr/bin/env node
import module from 'node:module';
import {main} from './cli.js';

// Node.js 22.1+ keeps V8's compiled code of the bundle on disk (in the temp directory): the next
// `npx registry-lab` skips compiling it again. Older Node.js has no such cache and skips this.
(module as {enableCompileCache?: () => unknown}).enableCompileCache?.();
process.exitCode = await main();
// Safety net: if anything still holds the event loop once the command is over
// (a child that ignores its signal), leave anyway; execa kills children on exit.
setTimeout(() => process.exit(), 2000).unref();
