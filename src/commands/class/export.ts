import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {ClassIo} from '../class.js';
import {commandLine, parseCommandLine, usageError, warn} from '../args.js';
import {classSnapshot, openClass} from '../../class/class-source.js';
import {defaultStuckMinutes, failureText, type ClassView} from '../../class/class-view.js';
import {terminalSafe} from '../../text/terminal-safe.js';
import {notes} from './status.js';

export const exportHelp = `
  Usage
    $ registry-lab class export --csv FILE [--dir DIR] [--force]

  The class view as a CSV file for a gradebook: one row per student, in the
  order of the class view, with the columns username, step, state, cause,
  pushed, digest, pulled, owner, lastActivity. Several pushes or pulls are
  separated by spaces, in the same order in pushed and digest (pulled and
  owner). A cell that a spreadsheet would read as a formula (it starts with
  = + - @) is written with a ' in front. No password is ever written.

  Options
    --csv FILE       the file to write (it must not exist yet)
    --dir DIR        the class folder (default: the current folder)
    --force          replace FILE when it exists
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  the file was written
    1  the class folder cannot be read, or FILE exists (without --force) or cannot be written
    2  bad usage (no --csv)

  Examples
    $ registry-lab class export --dir period-3 --csv period-3.csv
`;

export const exportArgs = commandLine({
	name: 'registry-lab class export',
	help: exportHelp,
	flags: {csv: {type: 'string'}, dir: {type: 'string', default: '.'}, force: {type: 'boolean'}},
});

export const csvColumns = ['username', 'step', 'state', 'cause', 'pushed', 'digest', 'pulled', 'owner', 'lastActivity'] as const;

export async function exportCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, exportArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 0) return usageError(exportArgs.name, `it takes no words, only options (not '${cli.input[0]}').`).exitCode;
	if (cli.flags.csv === undefined) return usageError(exportArgs.name, 'name the file to write with --csv FILE.').exitCode;
	const opened = await openClass(cli.flags.dir);
	if (!opened.ok) {
		warn(`${exportArgs.name}: ${opened.problem}\n`);
		return 1;
	}
	const snapshot = await classSnapshot(opened.value, defaultStuckMinutes, undefined, io.hubBaseUrl ? {hubBaseUrl: io.hubBaseUrl} : {});
	for (const note of notes(snapshot)) warn(`${exportArgs.name}: ${note}\n`);
	const file = path.resolve(cli.flags.csv);
	try {
		await writeFile(file, classCsv(snapshot.view), {flag: cli.flags.force ? 'w' : 'wx'});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		warn(
			code === 'EEXIST'
				? `${exportArgs.name}: ${file} exists already: name another file, or pass --force to replace it.\n`
				: `${exportArgs.name}: ${file} cannot be written (${code ?? String(error)}).\n`,
		);
		return 1;
	}
	io.out(`Wrote ${view(snapshot.view)} to ${file}.`);
	return 0;
}

const view = (classView: ClassView): string => `${classView.students.length} student${classView.students.length === 1 ? '' : 's'}`;

/** The class view as RFC 4180 CSV (CRLF line ends), a header row first. */
export function classCsv(classView: ClassView): string {
	const rows = classView.students.map(row => [
		row.username,
		row.step ? `${row.step.number}/${row.step.of} ${row.step.title}` : '',
		row.state,
		row.failure ? failureText(row.failure) : '',
		row.pushed.map(image => image.reference).join(' '),
		row.pushed.map(image => image.digest).join(' '),
		row.pulled.map(image => image.reference).join(' '),
		row.pulled.map(image => image.owner).join(' '),
		row.lastActivity ?? '',
	]);
	return [[...csvColumns], ...rows].map(cells => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * One cell: made terminal-safe (the file may be printed with cat), a formula-looking start defused
 * with ', then quoted when it holds a comma, quote or line break.
 */
export function csvCell(value: string): string {
	const safe = terminalSafe(value);
	const defused = /^[=+\-@\t\r]/.test(safe) ? `'${safe}` : safe;
	return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}
