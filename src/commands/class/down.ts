import path from 'node:path';
import {readClassConfig} from '../../class/class-config-file.js';
import {classState, stopClass} from '../../class/class-processes.js';
import {commandLine, parseCommandLine, usageError, warn} from '../args.js';
import type {ClassIo} from '../class.js';

export const downHelp = `
  Usage
    $ registry-lab class down [--dir DIR]

  Stops the class that class up started: the class listener (SIGTERM, then
  SIGKILL after 5 seconds) and the class registry (its process, or its
  container). Everything in the class folder stays: the accounts, the
  registry's storage, the event log; the next class up starts where this
  one stopped.

  Options
    --dir DIR        the class folder (default: the current folder)
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  stopped, or nothing was up
    1  something did not stop (said what)
    2  bad usage, or the folder is not a class folder

  Examples
    $ registry-lab class down
    $ registry-lab class down --dir period-3
`;

export const downArgs = commandLine({name: 'registry-lab class down', help: downHelp, flags: {dir: {type: 'string', default: '.'}}});

export async function downCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, downArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 0) return usageError(downArgs.name, `class down takes no words, only options (not '${cli.input[0]}').`).exitCode;
	const dir = path.resolve(cli.flags.dir);
	const read = await readClassConfig(dir);
	if (!read.ok) {
		warn(`${downArgs.name}: ${read.problem}\n`);
		return 2;
	}
	const state = await classState(dir);
	if (state.kind === 'down') {
		io.out(`The class ${read.value.name} is not up: nothing to stop.`);
		return 0;
	}
	const {stopped, problems} = await stopClass(dir, state.running);
	if (stopped.length > 0) io.out([`Stopped ${stopped.join(' and ')}.`, `The class folder keeps everything else: ${dir}`].join('\n'));
	if (problems.length > 0) {
		warn(`${downArgs.name}: ${problems.join('\n')}\nrunning.json is kept, so class down can try again.\n`);
		return 1;
	}
	return 0;
}
