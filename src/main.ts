#!/usr/bin/env node
import module from 'node:module';
import {main} from './cli.js';
import {installExitSignals} from './run/signals.js';

// Node.js 22.1+ keeps V8's compiled code of the bundle on disk (in the temp directory): the next
// `npx registry-lab` skips compiling it again. Older Node.js has no such cache and skips this.
(module as {enableCompileCache?: () => unknown}).enableCompileCache?.();
// SIGTERM, SIGHUP and SIGINT end every command the same way: cleaned up, with 128 + the signal's number.
installExitSignals();
process.exitCode = await main();
// Safety net: if anything still holds the event loop once the command is over
// (a child that ignores its signal), leave anyway; execa kills children on exit.
setTimeout(() => process.exit(), 2000).unref();
