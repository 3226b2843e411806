import * as fs from 'node:fs';
import path from 'node:path';
import {createInterface} from 'node:readline/promises';
import {engineCommand} from '../container/commands.js';
import {defaultEngine, type Engine, type EngineName} from '../container/engine.js';
import {imageId, joinOutput} from '../container/images.js';
import {readLoginState} from '../container/login-state.js';
import {labHome, madeFileName, readMade, removeMadeFile, writeMade, type Made} from '../progress/made-by-lab.js';
import {runCommand} from '../run/run-command.js';
import {loginStorage} from '../text/login-storage.js';
import {terminalSafe} from '../text/terminal-safe.js';
import {commandLine, parseCommandLine, warn, type CommandIo} from './args.js';

export const cleanupHelp = `
  Usage
    $ registry-lab cleanup [--yes] [--dry-run] [--engine docker|podman]

  Removes what registry-lab made on this computer, so the next person at it
  finds none of your logins or images: the tags it made, the images it
  pulled, the starter image, the logins it stored (it logs out), and your
  saved progress. It lists them and asks first. Images and logins that
  registry-lab did not make are never touched, and a tag you pointed at
  another image since is left as it is.

  Options
    --yes            remove without asking (needed when there is no terminal to ask in)
    --dry-run        only list what would be removed
    --engine docker|podman
                     the container engine whose images and logins to remove (default: docker)
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  everything listed was removed or was already gone (or --dry-run)
    1  something could not be removed, you answered no, or the record of what
       registry-lab made cannot be read (then nothing is removed)
    2  bad usage, or no terminal to ask in and no --yes

  Examples
    $ registry-lab cleanup
    $ registry-lab cleanup --dry-run
    $ registry-lab cleanup --yes
`;

export const cleanupArgs = commandLine({
	name: 'registry-lab cleanup',
	help: cleanupHelp,
	flags: {yes: {type: 'boolean'}, 'dry-run': {type: 'boolean'}, engine: {type: 'string', default: 'docker', choices: ['docker', 'podman']}},
});

export type CleanupIo = CommandIo;

export async function cleanupCommand(argv: readonly string[], io: CleanupIo): Promise<number> {
	const cli = parseCommandLine(argv, cleanupArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 0) {
		warn(`registry-lab cleanup: it takes no names ('${cli.input[0]}'): it removes only what registry-lab recorded making.\n`);
		warn('Run registry-lab cleanup --help to see every option.\n');
		return 2;
	}
	const engine = defaultEngine(cli.flags.engine as EngineName);
	return runCleanup({engine, yes: cli.flags.yes, dryRun: cli.flags['dry-run'], io});
}

export type CleanupOptions = {
	readonly engine: Engine;
	/** Remove without asking. */
	readonly yes: boolean;
	readonly dryRun: boolean;
	readonly io: CleanupIo;
	/** The folder of the progress file and the record (default: REGISTRY_LAB_HOME, else the user's config folder). */
	readonly home?: string;
};

/** One thing registry-lab made that is still here, or why it is left. */
type Entry = {
	/** "the tag 127.0.0.1:5000/alice/app:1.0", as the list shows it. */
	readonly what: string;
	/** undefined: it is to be removed. */
	readonly left?: string;
	/** Removes it: undefined when done, else why it could not be. */
	readonly remove?: () => Promise<string | undefined>;
	/** The record entry it came from: kept in the record while the thing could not be removed. */
	readonly made?: Made;
	/** It is not here any more: nothing to do. */
	readonly gone?: boolean;
};

/**
 * List what registry-lab made that is still here, ask (unless `yes`), remove exactly that, one line
 * each, and last the record itself. Exit 0: everything was removed or already gone; 1: something
 * could not be, the student said no, or the record cannot be trusted; 2: no terminal to ask in.
 */
export async function runCleanup(options: CleanupOptions): Promise<number> {
	const {engine, io} = options;
	const home = options.home ?? labHome();
	const record = readMade(home);
	if (record.kind === 'unreadable') {
		warn(
			`registry-lab cleanup: the record of what registry-lab made cannot be trusted (${record.why}), so nothing was removed. ` +
				`Remove the tags and logins you know are yours by hand (docker images, docker logout HOST), then delete ${path.join(home, madeFileName)}.\n`,
		);
		return 1;
	}
	const made = record.kind === 'ok' ? record.made : [];
	const entries = await listEntries(made, engine, home);
	const toRemove = entries.filter(entry => entry.remove);
	const left = entries.filter(entry => entry.left !== undefined);
	if (toRemove.length === 0) {
		const lines =
			left.length === 0
				? ['registry-lab has made nothing on this computer that is still here.']
				: [`registry-lab has made nothing on this computer that ${engine.name} can remove now:`, ...entries.map(line)];
		io.out(lines.join('\n'));
		if (!options.dryRun) {
			const problem = forget(made, [], engine, home);
			if (problem) io.out(problem);
		}
		return 0;
	}
	io.out(['registry-lab made these on this computer:', ...entries.filter(entry => entry.gone !== true).map(line)].join('\n'));
	if (options.dryRun) {
		io.out('--dry-run: nothing was removed. Run registry-lab cleanup to remove them.');
		return 0;
	}
	if (!options.yes) {
		if (!io.input.isTTY || !io.output.isTTY) {
			warn('registry-lab cleanup: there is no terminal to ask in, so nothing was removed; run registry-lab cleanup --yes to remove them.\n');
			return 2;
		}
		const asker = createInterface({input: io.input, output: io.output});
		const question = `Remove ${toRemove.length === 1 ? 'it' : `these ${toRemove.length}`}? [y/N] `;
		const answer = await asker.question(terminalSafe(question)).finally(() => asker.close());
		if (!/^\s*y(es)?\s*$/i.test(answer)) {
			io.out('Nothing was removed.');
			return 1;
		}
	}
	const failed: Entry[] = [];
	const lines: string[] = [];
	for (const entry of entries) {
		if (!entry.remove) {
			lines.push(line(entry));
			continue;
		}
		const problem = await entry.remove().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
		if (problem === undefined) lines.push(`  removed       ${entry.what}`);
		else if (problem === goneMeanwhile) lines.push(`  already gone  ${entry.what}`);
		else {
			failed.push(entry);
			lines.push(`  left          ${entry.what}: it could not be removed: ${problem}`);
		}
	}
	io.out(lines.join('\n'));
	const recordProblem = forget(made, failed, engine, home);
	if (recordProblem) io.out(recordProblem);
	if (failed.length > 0) {
		io.out(`${failed.length} thing${failed.length === 1 ? '' : 's'} could not be removed; do what is said above and run registry-lab cleanup again.`);
		return 1;
	}
	io.out(left.length === 0 ? 'Done: nothing registry-lab made is left on this computer.' : 'Done: what is left above is not for registry-lab to remove now.');
	return 0;
}

/** One line of the list: what is removed, what is already gone, and what is left and why. */
function line(entry: Entry): string {
	if (entry.gone) return `  already gone  ${entry.what}`;
	if (entry.left !== undefined) return `  left          ${entry.what}: ${entry.left}`;
	return `  remove        ${entry.what}`;
}

/** Said by a removal when the thing went away between the list and the removal. */
const goneMeanwhile = '\u0000gone';

/** Everything the record names, and the progress file, in the order they are removed. */
async function listEntries(made: readonly Made[], engine: Engine, home: string): Promise<Entry[]> {
	const entries: Entry[] = [];
	const order: readonly Made['kind'][] = ['tag', 'pull', 'starter', 'login'];
	const sorted = [...made].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
	for (const thing of sorted) {
		entries.push(thing.engine === engine.name ? await entryFor(thing, engine) : otherEngine(thing));
	}
	const {practiceLeftovers} = await import('../registry/practice/leftovers.js');
	for (const leftover of practiceLeftovers()) entries.push(leftover);
	const progress = path.join(home, 'progress.json');
	if (fs.existsSync(progress)) {
		entries.push({
			what: `your saved progress ${progress}`,
			remove: async () => {
				fs.rmSync(progress, {force: true});
				return undefined;
			},
		});
	}
	return entries;
}

function otherEngine(thing: Made): Entry {
	const what = thing.kind === 'login' ? `the login to ${thing.registry}` : `${kindWords[thing.kind]} ${thing.reference}`;
	return {what, left: `made with ${thing.engine}: run registry-lab cleanup --engine ${thing.engine}`, made: thing};
}

const kindWords: Record<Exclude<Made['kind'], 'login'>, string> = {tag: 'the tag', pull: 'the pulled image', starter: 'the starter image'};

async function entryFor(thing: Made, engine: Engine): Promise<Entry> {
	if (thing.kind === 'login') {
		const state = await readLoginState(engine, thing.registry);
		if (!state.loggedIn) return {what: `the login to ${thing.registry}`, gone: true};
		const replaced = thing.replaced ? '; it replaced a login that was there before registry-lab, which cannot be brought back' : '';
		return {
			what: `the login to ${thing.registry}${state.username ? ` as ${state.username}` : ''}, ${loginStorage(state.store, state.configPath)}${replaced}`,
			made: thing,
			remove: async () => {
				const result = await runCommand(engineCommand(engine, ['logout', thing.registry], {timeoutMs: 20_000}));
				if (result.exitCode !== 0) return joinOutput(result) || `${engine.name} logout failed`;
				const after = await readLoginState(engine, thing.registry);
				return after.loggedIn ? `${engine.name} logout ${thing.registry} left the login in place` : undefined;
			},
		};
	}
	const what = `${kindWords[thing.kind]} ${thing.reference}`;
	const now = await imageId(engine, thing.reference);
	if (!now.ok) return {what, gone: true};
	if (now.value !== thing.imageId) {
		return {what, left: `it now points at another image (${short(now.value)}, not ${short(thing.imageId)}): you tagged it again, so it is yours`};
	}
	return {
		what: `${what} (image ${short(thing.imageId)})`,
		made: thing,
		remove: async () => {
			// Looked at again just before: a name moved since the list is not ours any more.
			const still = await imageId(engine, thing.reference);
			if (!still.ok) return goneMeanwhile;
			if (still.value !== thing.imageId) return `it now points at another image (${short(still.value)})`;
			const result = await runCommand(engineCommand(engine, ['rmi', thing.reference], {timeoutMs: 60_000}));
			return result.exitCode === 0 ? undefined : firstLine(joinOutput(result)) || `${engine.name} rmi failed`;
		},
	};
}

/**
 * The record once the removals are over: only what could not be removed, and what another engine
 * made, stays in it; with nothing left the file goes (last of all). Returns a sentence when the
 * record could not be written.
 */
function forget(made: readonly Made[], failed: readonly Entry[], engine: Engine, home: string): string | undefined {
	const keep = made.filter(thing => thing.engine !== engine.name || failed.some(entry => entry.made === thing));
	try {
		if (keep.length === 0) removeMadeFile(home);
		else writeMade(keep, home);
		return undefined;
	} catch (error) {
		const file = path.join(home, madeFileName);
		return `The record ${file} could not be ${keep.length === 0 ? 'removed' : 'updated'} (${error instanceof Error ? error.message : String(error)}).`;
	}
}

const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
const firstLine = (text: string): string => text.trim().split('\n')[0]?.slice(0, 300) ?? '';
