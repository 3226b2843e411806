import {closest, say, usageError, type Out} from './args.js';

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

/** Each subcommand is its own module under class/, loaded only when it is asked for. */
const commands: Record<string, () => Promise<Command>> = {
	init: async () => (await import('./class/init.js')).initCommand,
	add: async () => (await import('./class/add.js')).addCommand,
	password: async () => (await import('./class/password.js')).passwordCommand,
	remove: async () => (await import('./class/remove.js')).removeCommand,
	up: async () => (await import('./class/up.js')).upCommand,
	down: async () => (await import('./class/down.js')).downCommand,
	listen: async () => (await import('./class/listen.js')).listenCommand,
	dashboard: async () => (await import('./class/dashboard.js')).dashboardCommand,
	status: async () => (await import('./class/status.js')).statusCommand,
	export: async () => (await import('./class/export.js')).exportCommand,
};

export async function classCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const [word, ...rest] = argv;
	if (word === undefined || word === '-h' || word === '--help' || word === 'help') {
		say(`${classHelp.replace(/^\n/, '')}\n`);
		return word === undefined ? 2 : 0;
	}
	const load = Object.hasOwn(commands, word) ? commands[word] : undefined;
	if (!load) {
		const near = closest(word, Object.keys(commands));
		return usageError('registry-lab class', `there is no class command '${word}'${near ? ` (did you mean class ${near}?)` : ''}.`).exitCode;
	}
	return (await load())(rest, io);
}
