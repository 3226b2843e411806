import type {ClassIo} from '../class.js';
import {commandLine, parseCommandLine, usageError, warn} from '../args.js';
import {classAddresses, classSnapshot, hubDeadlineMs, openClass, stuckOption, type OpenedClass, type ScanState} from '../../class/class-source.js';
import {ago, countsText, defaultStuckMinutes, hubLines, strayText, tableLines, viewJson, type ClassView, type HubState} from '../../class/class-view.js';

export const statusHelp = `
  Usage
    $ registry-lab class status [--dir DIR] [--json] [--stuck MIN]

  The class view once, for scripts and grading: one row per student with
  the step they are on, their state (done, working, failing and why,
  stuck, not started), what they pushed and whose image they pulled, and
  when they were last heard from. Failing and stuck students come first.
  Made from the event log and a scan of the class registry's catalog, so
  pushes made while no listener ran show too (their time unknown).

  A Docker Hub class (class init --hub) has no catalog: each student's
  public repositories and tags are asked of Docker Hub, anonymously and
  within its rate limits, for at most ${hubDeadlineMs / 1000} seconds; a line says when not
  every student could be read, or Docker Hub asked to wait. A pull from
  Docker Hub cannot be seen (Docker Hub tells nobody): a student's pull step
  shows as their own lab reported it.

  Options
    --dir DIR        the class folder (default: the current folder)
    --json           print {students: [...], strays: [...]} as JSON; a Docker Hub
                     class adds hub: {complete, limited, until, missing, problem?}
    --stuck MIN      minutes without news before a student counts as stuck (default ${defaultStuckMinutes})
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  the class view was printed
    1  the class folder or its lesson cannot be read
    2  bad usage

  Examples
    $ registry-lab class status --dir period-3
    $ registry-lab class status --dir period-3 --json > period-3.json
`;

export const statusArgs = commandLine({
	name: 'registry-lab class status',
	help: statusHelp,
	flags: {dir: {type: 'string', default: '.'}, json: {type: 'boolean'}, stuck: {type: 'string'}},
});

export async function statusCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, statusArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 0) return usageProblem(`it takes no words, only options (not '${cli.input[0]}').`);
	const stuck = stuckOption(cli.flags.stuck, defaultStuckMinutes);
	if (!stuck.ok) return usageProblem(stuck.problem);
	const opened = await openClass(cli.flags.dir);
	if (!opened.ok) {
		warn(`registry-lab class status: ${opened.problem}\n`);
		return 1;
	}
	const snapshot = await classSnapshot(opened.value, stuck.minutes, undefined, io.hubBaseUrl ? {hubBaseUrl: io.hubBaseUrl} : {});
	for (const note of notes(snapshot)) warn(`registry-lab class status: ${note}\n`);
	if (cli.flags.json) io.out(JSON.stringify({...viewJson(snapshot.view), ...(snapshot.hub ? {hub: snapshot.hub} : {})}, null, 2), 'json');
	else io.out(statusText(opened.value, snapshot.view, snapshot.now, snapshot.hub).join('\n'));
	return 0;
}

function usageProblem(problem: string): number {
	return usageError('registry-lab class status', problem).exitCode;
}

/** What the view may be missing, for standard error. */
export function notes(snapshot: {scan: ScanState; skipped: number; problem?: string}): string[] {
	return [
		...(snapshot.problem ? [snapshot.problem] : []),
		...(snapshot.skipped > 0 ? [`${snapshot.skipped} line(s) of the event log are not records: skipped.`] : []),
		...(snapshot.scan.problem ? [`the class registry's catalog was not read (${snapshot.scan.problem}); pushes show as the listener logged them.`] : []),
		...(snapshot.scan.partial ? ['the class registry holds more than one scan reads: some pushes may be missing.'] : []),
	];
}

/** The class view as text that fits 100 columns (a Docker Hub class: what the Hub watch could not do, under the counts). */
export function statusText(opened: OpenedClass, view: ClassView, now: number, hub?: HubState): string[] {
	const {registry, joinLine} = classAddresses(opened.config);
	return [
		`${opened.config.name} · registry ${registry} · students type: ${joinLine}`,
		countsText(view.counts),
		...(hub ? hubLines(hub, now).flatMap(line => wrapWords(line, 100)) : []),
		'',
		...(view.students.length > 0 ? tableLines(view, now, 100) : ['No students in accounts.csv.']),
		...(view.strays.length > 0
			? ['', "Pushed into another student's namespace:", ...view.strays.map(stray => `  ${strayText(stray)} (${ago(stray.at, now)})`)]
			: []),
	];
}

/** A line cut at spaces into lines of at most `width` characters (a word longer than that stays whole). */
export function wrapWords(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line && [...line].length + 1 + [...word].length > width) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	return [...lines, line];
}
