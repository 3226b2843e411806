import {closest, say, usageError, type Out} from './args.js';
import {addCommand} from './class/add.js';
import {checkCommand} from './class/check.js';
import {dashboardCommand} from './class/dashboard.js';
import {downCommand} from './class/down.js';
import {exportCommand} from './class/export.js';
import {initCommand} from './class/init.js';
import {listenCommand} from './class/listen.js';
import {passwordCommand} from './class/password.js';
import {removeCommand} from './class/remove.js';
import {statusCommand} from './class/status.js';
import {upCommand} from './class/up.js';

export const classHelp = `
  Usage
    $ registry-lab class COMMAND [options]

  For instructors: a class folder with an account per student, a class
  registry, and a live view of who is stuck and why. Every command works on
  the class folder named by --dir DIR (by default the current folder).

  Commands
    init --roster FILE      make the class folder: accounts, the sheet to hand out, registry.yml
    add NAME                add a student (a new account and slip)
    password NAME           give a student a new password
    remove NAME             remove a student (--purge: their images too)
    up                      start the class registry and listener in the background
    down                    stop them (the data stays)
    listen                  run the listener in the foreground (class up runs it for you)
    dashboard               the live class view, for the projector
    status                  the class view once (--json for scripts)
    export --csv FILE       the class view as CSV, for a gradebook
    check CODE...           confirm students' completion codes with the registry and the event log
    Run registry-lab class COMMAND --help for a command's own options.

  Examples
    $ registry-lab class init --roster roster.txt --dir period-3
    $ registry-lab class up --dir period-3
    $ registry-lab class dashboard --dir period-3
`;

/** What a class command reads and writes besides its arguments. */
export type ClassIo = {
	readonly out: Out;
	readonly stdin: NodeJS.ReadableStream & {isTTY?: boolean};
	/** Docker Hub's web API somewhere else (the Hub client's baseUrl), for the view of a Docker Hub class: tests give a replay server. */
	readonly hubBaseUrl?: string;
};

type Command = (argv: readonly string[], io: ClassIo) => Promise<number>;

/**
 * Each subcommand is its own module under class/. They load together, as one file of the package, when any
 * class command runs (an instructor's computer, not a student's start-up): one file packs smaller than ten.
 */
const commands: Record<string, Command> = {
	init: initCommand,
	add: addCommand,
	password: passwordCommand,
	remove: removeCommand,
	up: upCommand,
	down: downCommand,
	listen: listenCommand,
	dashboard: dashboardCommand,
	status: statusCommand,
	export: exportCommand,
	check: checkCommand,
};

export async function classCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const [word, ...rest] = argv;
	if (word === undefined || word === '-h' || word === '--help' || word === 'help') {
		say(`${classHelp.replace(/^\n/, '')}\n`);
		return word === undefined ? 2 : 0;
	}
	const run = Object.hasOwn(commands, word) ? commands[word] : undefined;
	if (!run) {
		const near = closest(word, Object.keys(commands));
		return usageError('registry-lab class', `there is no class command '${word}'${near ? ` (did you mean class ${near}?)` : ''}.`).exitCode;
	}
	return run(rest, io);
}
