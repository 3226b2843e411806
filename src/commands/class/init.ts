import type {ClassIo} from '../class.js';
import {commandLine, parseCommandLine, usageError} from '../args.js';
import {findLesson, lessonProblem} from '../../lesson/find.js';
import {loadLessons} from '../../lesson/load.js';
import {dirOption, report} from './folder-output.js';

export const initHelp = `
  Usage
    $ registry-lab class init --roster FILE [--dir DIR] [options]

  Makes a class folder (private to you: passwords are in it) with an
  account and a generated password per student on the roster: htpasswd,
  accounts.csv, accounts.md (the sheet to print: one slip per student, with
  the one line they type), registry.yml and class.json.
  Run it again with a longer roster to add students: every password stays.

  The roster is one name per line (blank lines and # comments are skipped),
  or a CSV with a header row and a username (or name) column. Names are used
  as written: one that cannot be an account is refused, with its line and a
  name that would do, and nothing is written.

  Options
    --roster FILE          the list of students (at most 1 MB)
    --dir DIR              the class folder (default: the current folder)
    --address HOST         the address students use to reach this machine
                           (default: its first network address)
    --port N               the class registry's port (default 5000)
    --listener-port N      the class listener's port, in the line students
                           type (default 5001)
    --name TEXT            the class's name on the sheet (default: the folder's name)
    --lesson ID            the lesson the class runs (default: the first lesson)
    --hub                  a Docker Hub class: the roster holds the students'
                           Docker Hub usernames; each gets a join code, and
                           there is no class registry
    -h, --help             show this help
    -v, --version          show the version

  Exit codes
    0  the class folder is made (or brought up to the roster)
    1  the roster or the folder is refused (nothing is written)
    2  bad usage

  Examples
    $ registry-lab class init --roster roster.txt --dir period-3
    $ registry-lab class init --roster students.csv --dir period-3 --address 192.168.1.20
    $ registry-lab class init --roster hub-names.txt --dir hub-class --hub
`;

export const initArgs = commandLine({
	name: 'registry-lab class init',
	help: initHelp,
	flags: {
		roster: {type: 'string'},
		dir: {type: 'string'},
		address: {type: 'string'},
		port: {type: 'string'},
		'listener-port': {type: 'string'},
		name: {type: 'string'},
		lesson: {type: 'string'},
		hub: {type: 'boolean'},
	},
});

export async function initCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, initArgs);
	if (!cli.ok) return cli.exitCode;
	const usage = (message: string) => usageError(initArgs.name, message).exitCode;
	const {flags} = cli;
	if (cli.input.length > 0) return usage(`unexpected '${cli.input[0]}': the roster is given with --roster FILE.`);
	if (flags.roster === undefined) return usage('give the list of students with --roster FILE (one name per line, or a CSV with a username column).');
	const port = portOption('--port', flags.port);
	if (typeof port === 'string') return usage(port);
	const listenerPort = portOption('--listener-port', flags['listener-port']);
	if (typeof listenerPort === 'string') return usage(listenerPort);
	if (flags.address !== undefined && !/^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/.test(flags.address)) {
		return usage(`--address must be a host name or IP address students can reach (like 192.168.1.20), not '${flags.address}'.`);
	}
	if (flags.name !== undefined && (flags.name.length > 100 || /[\p{Cc}\p{Cf}]/u.test(flags.name))) {
		return usage('--name must be one line of at most 100 characters.');
	}
	if (flags.lesson !== undefined) {
		const problem = await lessonOption(flags.lesson);
		if (problem) return usage(problem);
	}
	const {initClass} = await import('../../class/class-folder.js');
	const outcome = await initClass({
		dir: flags.dir ?? '.',
		roster: flags.roster,
		kind: flags.hub ? 'hub' : 'registry',
		dirOption: dirOption(flags.dir),
		...(flags.name !== undefined ? {name: flags.name.trim()} : {}),
		...(flags.lesson !== undefined ? {lesson: flags.lesson} : {}),
		...(flags.address !== undefined ? {address: flags.address} : {}),
		...(port !== undefined ? {port} : {}),
		...(listenerPort !== undefined ? {listenerPort} : {}),
	});
	return report(initArgs.name, outcome, io.out, 'Nothing was written.');
}

function portOption(option: string, value: string | undefined): number | string | undefined {
	if (value === undefined) return undefined;
	const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
	return port >= 1 && port <= 65535 ? port : `${option} must be a port number (1-65535), not '${value}'.`;
}

/** A bundled lesson's id (a class runs one of the lessons that ship), or why not. */
async function lessonOption(id: string): Promise<string | undefined> {
	// Named imports, statically: a dynamic import of load.js would keep its every export in the bundle.
	if (/[/\\]|\.ya?ml$/i.test(id)) {
		const known = (await loadLessons()).flatMap(result => (result.ok ? [result.lesson.id] : []));
		return `--lesson must name a lesson that ships with registry-lab (${known.join(', ')}), not a file.`;
	}
	const found = await findLesson(id);
	if (!found.ok) return `--lesson: ${lessonProblem(found)}.`;
	return undefined;
}
