import type {ClassIo} from '../class.js';
import {commandLine, parseCommandLine, usageError, warn} from '../args.js';
import {classAddresses, createClassFeed, openClass, stuckOption} from '../../class/class-source.js';
import {defaultStuckMinutes} from '../../class/class-view.js';
import {createCodeChecker} from '../../class/check-codes.js';

export const dashboardHelp = `
  Usage
    $ registry-lab class dashboard [--dir DIR] [--stuck MIN]

  The live class view, for the projector: the class, the registry, the line
  students type to join, how many are done, working, failing, stuck and not
  started; then one row per student: the step they are on, their state
  (failing with its cause and how often, e.g. login: wrong password ×3),
  what they pushed (repository:tag, short digest, when) and whose image
  they pulled, and when they were last heard from. Failing and stuck
  students come first. Pushes into another student's namespace are named
  with who made them. No password is ever shown.

  It starts from the whole event log and a scan of the registry's catalog,
  so a dashboard started late shows the whole class at once; then it reads
  what the log gains every half second and scans the catalog every 30 s.

  A Docker Hub class (class init --hub) has no catalog: what students pushed
  is asked of Docker Hub (each student's public repositories and tags,
  anonymously), each student at most once a minute and within Docker Hub's
  rate limits; the header says when Docker Hub is rate-limiting and until
  when. A pull from Docker Hub cannot be seen (Docker Hub tells nobody): a
  student's pull step shows as their own lab reported it.

  Keys
    ↑ ↓              select a student
    enter            the selected student's timeline (newest first)
    esc, backspace   back to the class
    c                check a completion code: paste it and press Enter (as class check)
    q, ctrl+c        quit

  Options
    --dir DIR        the class folder (default: the current folder)
    --stuck MIN      minutes without news before a student counts as stuck (default ${defaultStuckMinutes})
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  the dashboard was closed
    1  the class folder or its lesson cannot be read
    2  bad usage, or no terminal to show it in (use class status)

  Examples
    $ registry-lab class dashboard --dir period-3
    $ registry-lab class dashboard --dir period-3 --stuck 10
`;

export const dashboardArgs = commandLine({
	name: 'registry-lab class dashboard',
	help: dashboardHelp,
	flags: {dir: {type: 'string', default: '.'}, stuck: {type: 'string'}},
});

export async function dashboardCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, dashboardArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 0) return usageError(dashboardArgs.name, `it takes no words, only options (not '${cli.input[0]}').`).exitCode;
	const stuck = stuckOption(cli.flags.stuck, defaultStuckMinutes);
	if (!stuck.ok) return usageError(dashboardArgs.name, stuck.problem).exitCode;
	if (!io.stdin.isTTY || !process.stdout.isTTY) {
		warn(`${dashboardArgs.name}: the dashboard needs a terminal; for scripts, use registry-lab class status (--json).\n`);
		return 2;
	}
	const opened = await openClass(cli.flags.dir);
	if (!opened.ok) {
		warn(`${dashboardArgs.name}: ${opened.problem}\n`);
		return 1;
	}
	const {registry, joinLine} = classAddresses(opened.value.config);
	// Ink and React load here, for this command only.
	const {renderDashboard} = await import('../../ui/class-dashboard.js');
	const feed = createClassFeed(opened.value, stuck.minutes, io.hubBaseUrl ? {hubBaseUrl: io.hubBaseUrl} : {});
	const checkCode = createCodeChecker(opened.value, io.hubBaseUrl ? {hubBaseUrl: io.hubBaseUrl} : {});
	await renderDashboard({title: {name: opened.value.config.name, registry, joinLine}, feed, checkCode});
	return 0;
}
