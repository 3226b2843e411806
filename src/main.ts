#!/usr/bin/env node
import {main} from './cli.js';

process.exitCode = await main();
// Safety net: if anything still holds the event loop once the command is over
// (a child that ignores its signal), leave anyway; execa kills children on exit.
setTimeout(() => process.exit(), 2000).unref();
