/**
 * The progress file: `{version: 3, lessons: {LESSON: {REGISTRY: run}}}` in a folder private to the
 * user, one run per lesson and registry (runKey), so a run on one registry never replaces a run on
 * another. A run keeps the lesson's variables as `vars`, whatever the lesson calls them: the driver
 * chooses which (save-progress.ts), the store only bounds them. A version-1 file (one run per
 * lesson) and a version-2 file (the registry lesson's variables as fields of their own) are read as
 * version 3, and written as version 3 at the next save. Writes go to a new temp file beside it that
 * is then renamed over it, under a lock file, after reading the file again: several labs saving at
 * once keep each other's runs, and a crash never leaves half a file.
 */
import * as nodeFs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod/mini';
import {useEnglishMessages} from '../lesson/zod-messages.js';
import type {RegistryKind} from '../lesson/schema.js';
import {dockerHubDomain, registryName} from '../registry/address.js';
import {isAlive} from '../run/process-alive.js';

useEnglishMessages();

/** At most this many saved variables in a run, each name at most 64 characters and each value at most maxSavedValue. */
export const maxSavedVars = 100;
export const maxSavedValue = 2000;
const varName = /^[a-zA-Z][a-zA-Z0-9]{0,63}$/;

/** A run's saved variables: read from a file anyone may have edited, so names, values and their number are bounded. */
const savedVarsSchema = z
	.record(z.string().check(z.regex(varName, 'must be a variable name')), z.string().check(z.maxLength(maxSavedValue)))
	.check(z.refine(vars => Object.keys(vars).length <= maxSavedVars, `must hold at most ${maxSavedVars} variables`));

/** What is kept of one run of a lesson: choices and proof, never a password or a registry token. */
export const lessonProgressSchema = z.object({
	registry: z.string().check(z.maxLength(300)),
	registryKind: z.enum(['hub', 'class', 'practice']),
	/** The lesson's own variables (its inputs, derived variables and the facts its checks found), never a secret. */
	vars: z._default(savedVarsSchema, {}),
	stepId: z.string(),
	completed: z.array(z.string()),
	finished: z._default(z.boolean(), false),
	stats: z._default(z.record(z.string(), z.object({attempts: z.int().check(z.nonnegative()), hints: z.int().check(z.nonnegative())})), {}),
	updatedAt: z.string(),
	/** Step id → when that step first passed in this run (ISO 8601): the pull step's is the completion code's time. */
	passedAt: z.optional(z.record(z.string().check(z.maxLength(100)), z.string().check(z.maxLength(40)))),
	/** `--class HOST:PORT`: the listener the run reports to, and the report token it gave (a secret of the class, not a password). */
	classListener: z.optional(z.string().check(z.maxLength(300))),
	classToken: z.optional(z.string().check(z.maxLength(512))),
});
export type LessonProgress = z.infer<typeof lessonProgressSchema>;

/**
 * Versions 1 and 2 kept the registry lesson's variables as fields of their own (username, image, target,
 * digest, pullRef): they become the run's vars. Version 1 kept one run per lesson, whatever its registry.
 */
const oldFields = ['username', 'image', 'target', 'digest', 'pullRef'] as const;
const oldRunSchema = z.object({
	...lessonProgressSchema.shape,
	...Object.fromEntries(oldFields.map(name => [name, z.optional(z.string().check(z.maxLength(maxSavedValue)))])),
}) as unknown as z.ZodMiniType<LessonProgress & Partial<Record<(typeof oldFields)[number], string>>>;
const fileV1Schema = z.object({version: z.literal(1), lessons: z.record(z.string(), oldRunSchema)});
const fileV2Schema = z.object({version: z.literal(2), lessons: z.record(z.string(), z.record(z.string(), oldRunSchema))});
const fileSchema = z.object({version: z.literal(3), lessons: z.record(z.string(), z.record(z.string(), lessonProgressSchema))});
const fileVersion = 3;

/** A run of version 1 or 2 as version 3: its fixed fields become vars. */
function migrated(run: LessonProgress & Partial<Record<(typeof oldFields)[number], string>>): LessonProgress {
	const vars: Record<string, string> = {...run.vars};
	const rest: Record<string, unknown> = {...run};
	for (const name of oldFields) {
		const value = run[name];
		delete rest[name];
		if (value) vars[name] = value;
	}
	return {...(rest as LessonProgress), vars};
}
/** Lesson id, then runKey, then the run. */
type Lessons = Record<string, Record<string, LessonProgress>>;

/**
 * Which registry a run belongs to, the key it is saved under: 'docker.io' for Docker Hub, a class
 * registry's host[:port] in lowercase, and 'practice' for every practice registry (its port changes
 * each time it starts, so a practice run goes on with the next one).
 */
export function runKey(run: {readonly registryKind: RegistryKind; readonly registry: string}): string {
	if (run.registryKind === 'practice') return 'practice';
	if (run.registryKind === 'hub') return dockerHubDomain;
	return registryName(run.registry).toLowerCase();
}

export type ProgressStore = {
	readonly path: string;
	/** Set when the file could not be read and was moved aside. */
	readonly notice?: string;
	/** The lesson's run on one registry (a runKey); without one, the lesson's most recently updated run. */
	get(lessonId: string, registry?: string): LessonProgress | undefined;
	/** Every saved run of the lesson, the most recently updated first. */
	runs(lessonId: string): readonly LessonProgress[];
	/** Each lesson that has a run, with its most recently updated run. */
	all(): Readonly<Record<string, LessonProgress>>;
	/**
	 * Saves the run under its lesson and its registry (runKey): it replaces the lesson's run on that
	 * registry only. Throws a ProgressStoreError (one sentence) when the file cannot be written.
	 */
	save(lessonId: string, progress: LessonProgress): void;
	/** Clears every run of one lesson, or of every lesson. Throws a ProgressStoreError (one sentence) when the file cannot be written. */
	clear(lessonId?: string): void;
};

/** The file operations the store uses; tests replace one to play a full disk or a refused write. */
export type StoreFs = Pick<
	typeof nodeFs,
	'mkdirSync' | 'lstatSync' | 'statSync' | 'chmodSync' | 'openSync' | 'readFileSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'unlinkSync'
>;

export type StoreOptions = {
	/** Folder of the progress file; default: the user's config folder (REGISTRY_LAB_HOME overrides). */
	readonly cwd?: string;
	readonly fs?: Partial<StoreFs>;
	/** How long a save waits for another lab's lock before giving up (default 5 s). */
	readonly lockWaitMs?: number;
};

/** A problem with the progress file, said in one sentence; `reason` is its short form, as in "(the disk is full)". */
export class ProgressStoreError extends Error {
	override readonly name = 'ProgressStoreError';
	constructor(
		message: string,
		readonly reason: string,
		readonly code?: string,
	) {
		super(message);
	}
}

/** One sentence for anything a store operation threw. */
export function storeProblem(error: unknown): {message: string; reason: string} {
	if (error instanceof ProgressStoreError) return {message: error.message, reason: error.reason};
	const text = error instanceof Error ? error.message : String(error);
	return {message: `Your progress file could not be used (${text}).`, reason: text};
}

/** The folder conf (through env-paths) used, so progress saved before stays where it was. */
export function defaultProgressDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
	const home = os.homedir();
	const name = 'registry-lab';
	if (platform === 'darwin') return path.join(home, 'Library', 'Preferences', name);
	if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), name, 'Config');
	return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), name);
}

const fileName = 'progress.json';
const staleLockMs = 30_000;
const noFollow = nodeFs.constants.O_NOFOLLOW ?? 0;

export function openProgressStore(options: StoreOptions = {}): ProgressStore {
	const fs: StoreFs = {...nodeFs, ...options.fs};
	const dir = path.resolve(options.cwd ?? (process.env.REGISTRY_LAB_HOME || defaultProgressDir()));
	const file = path.join(dir, fileName);
	const lockWaitMs = options.lockWaitMs ?? 5000;

	prepareFolder(fs, dir, options.cwd === undefined && !process.env.REGISTRY_LAB_HOME);
	let notice: string | undefined;
	// Reading takes no lock, so `verify` works on a folder it may not write; only moving a bad file aside does.
	const first = readFile(fs, file);
	let lessons: Lessons =
		first.kind === 'ok'
			? first.lessons
			: first.kind === 'missing'
				? {}
				: withLock(fs, file, lockWaitMs, () => {
						const again = readFile(fs, file);
						if (again.kind === 'ok') return again.lessons;
						if (again.kind === 'unreadable') notice = moveAside(fs, file, again.why);
						return {};
					});

	/** Under the lock: read what is there now (other labs save too), change it, write it back. */
	const update = (change: (current: Lessons) => Lessons) => {
		lessons = withLock(fs, file, lockWaitMs, () => {
			const read = readFile(fs, file);
			if (read.kind === 'unreadable') moveAside(fs, file, read.why);
			const next = change(read.kind === 'ok' ? read.lessons : {});
			writeAtomically(fs, file, `${JSON.stringify({version: fileVersion, lessons: next}, null, '\t')}\n`);
			return next;
		});
	};

	return {
		path: file,
		...(notice ? {notice} : {}),
		get: (lessonId, registry) => (registry === undefined ? newestFirst(lessons[lessonId])[0] : lessons[lessonId]?.[registry]),
		runs: lessonId => newestFirst(lessons[lessonId]),
		all: () =>
			Object.fromEntries(
				Object.keys(lessons).flatMap(id => {
					const newest = newestFirst(lessons[id])[0];
					return newest ? [[id, newest]] : [];
				}),
			),
		save(lessonId, progress) {
			const parsed = lessonProgressSchema.parse(progress);
			const key = runKey(parsed);
			// Last in the file: of two runs saved within the same millisecond, the one saved last counts as the more recent.
			update(current => ({...current, [lessonId]: {...withoutKey(current[lessonId], key), [key]: parsed}}));
		},
		clear(lessonId) {
			update(current => (lessonId === undefined ? {} : Object.fromEntries(Object.entries(current).filter(([id]) => id !== lessonId))));
		},
	};
}

/** The folder is made private (0700); an existing folder the user named is left as it is, the file in it is private anyway. */
function prepareFolder(fs: StoreFs, dir: string, ours: boolean): void {
	try {
		const made = fs.mkdirSync(dir, {recursive: true, mode: 0o700});
		const stat = fs.statSync(dir);
		if (!stat.isDirectory()) throw Object.assign(new Error('not a directory'), {code: 'ENOTDIR'});
		if ((made !== undefined || ours) && process.platform !== 'win32' && (stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
	} catch (error) {
		throw explain(error, dir, 'folder');
	}
}

type Read = {kind: 'ok'; lessons: Lessons} | {kind: 'missing'} | {kind: 'unreadable'; why: string};

function readFile(fs: StoreFs, file: string): Read {
	let text: string;
	try {
		refuseLink(fs, file);
		const fd = fs.openSync(file, nodeFs.constants.O_RDONLY | noFollow);
		try {
			text = fs.readFileSync(fd, 'utf8');
		} finally {
			fs.closeSync(fd);
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {kind: 'missing'};
		throw explain(error, file, 'file');
	}
	tighten(fs, file);
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (error) {
		return {kind: 'unreadable', why: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`};
	}
	const version = data !== null && typeof data === 'object' ? (data as {version?: unknown}).version : undefined;
	// A version-1 file kept one run per lesson: it becomes the lesson's run on its registry.
	if (version === 1) {
		const old = fileV1Schema.safeParse(data);
		if (!old.success) return unexpected(data, old.error);
		return {kind: 'ok', lessons: keyed(Object.entries(old.data.lessons).map(([id, run]) => [id, [migrated(run)]]))};
	}
	if (version === 2) {
		const old = fileV2Schema.safeParse(data);
		if (!old.success) return unexpected(data, old.error);
		return {kind: 'ok', lessons: keyed(Object.entries(old.data.lessons).map(([id, runs]) => [id, Object.values(runs).map(migrated)]))};
	}
	const checked = fileSchema.safeParse(data);
	if (!checked.success) return unexpected(data, checked.error);
	return {kind: 'ok', lessons: keyed(Object.entries(checked.data.lessons).map(([id, runs]) => [id, Object.values(runs)]))};
}

function unexpected(data: unknown, error: z.core.$ZodError): Read {
	const where = data === null || typeof data !== 'object' ? '' : error.issues[0]?.path.join('.');
	return {kind: 'unreadable', why: `unexpected contents at ${where || 'the top'}`};
}

/**
 * Each run under its runKey, whatever key the file gave it (a version-1 file had none; a file
 * edited by hand may have a wrong one), in the order of the file; of two runs on one registry,
 * the more recent stays.
 */
function keyed(lessons: readonly (readonly [string, readonly LessonProgress[]])[]): Lessons {
	const result: Lessons = {};
	for (const [id, runs] of lessons) {
		const byKey = new Map<string, LessonProgress>();
		for (const run of runs) {
			const key = runKey(run);
			const there = byKey.get(key);
			if (there && timeOf(run) < timeOf(there)) continue;
			byKey.delete(key);
			byKey.set(key, run);
		}
		if (byKey.size > 0) result[id] = Object.fromEntries(byKey);
	}
	return result;
}

function withoutKey(runs: Readonly<Record<string, LessonProgress>> | undefined, key: string): Record<string, LessonProgress> {
	return Object.fromEntries(Object.entries(runs ?? {}).filter(([other]) => other !== key));
}

/** A time that cannot be read counts as the oldest. */
function timeOf(run: LessonProgress): number {
	return Date.parse(run.updatedAt) || 0;
}

/** The runs, the most recently updated first; at the same time, the one later in the file (saved last) first. */
function newestFirst(runs: Readonly<Record<string, LessonProgress>> | undefined): LessonProgress[] {
	return Object.values(runs ?? {})
		.map((run, index) => ({run, index}))
		.sort((a, b) => timeOf(b.run) - timeOf(a.run) || b.index - a.index)
		.map(({run}) => run);
}

/** A file written by an older registry-lab may be readable by others: make it the user's alone. */
function tighten(fs: StoreFs, file: string): void {
	if (process.platform === 'win32') return;
	try {
		if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
	} catch {
		// A file we may read but not change (a read-only disk) is still read.
	}
}

function moveAside(fs: StoreFs, file: string, why: string): string {
	const aside = `${file}.unreadable-${new Date().toISOString().replaceAll(':', '-')}`;
	try {
		fs.renameSync(file, aside);
	} catch (error) {
		throw explain(error, file, 'file');
	}
	return `Your saved progress could not be read (${why}); it was moved to ${aside} and you start afresh.`;
}

function refuseLink(fs: StoreFs, file: string): void {
	let isLink: boolean;
	try {
		isLink = fs.lstatSync(file).isSymbolicLink();
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw error;
	}
	if (isLink) throw Object.assign(new Error('symbolic link'), {code: 'ELOOP'});
}

/** A new file (never an existing one, never through a link) renamed over the old: readers see the old file or the new, whole. */
function writeAtomically(fs: StoreFs, file: string, text: string): void {
	const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
	try {
		refuseLink(fs, file);
		const fd = fs.openSync(temp, 'wx', 0o600);
		try {
			fs.writeSync(fd, text);
			fs.fsyncSync(fd);
		} finally {
			fs.closeSync(fd);
		}
		fs.renameSync(temp, file);
	} catch (error) {
		try {
			fs.unlinkSync(temp);
		} catch {
			// It may never have been made.
		}
		throw explain(error, file, 'file');
	}
}

/**
 * An exclusive lock file made with `wx`, holding our pid. A lock whose lab is gone, or older than
 * any save takes, is stale and removed; past lockWaitMs the save gives up rather than hang the lesson.
 */
function withLock<T>(fs: StoreFs, file: string, lockWaitMs: number, work: () => T): T {
	const lock = `${file}.lock`;
	const deadline = Date.now() + lockWaitMs;
	const token = `${process.pid} ${Date.now()} ${Math.random().toString(36).slice(2, 10)}`;
	for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
		let fd: number | undefined;
		try {
			fd = fs.openSync(lock, 'wx', 0o600);
			fs.writeSync(fd, token);
			fs.closeSync(fd);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
				if (fd !== undefined) dropLock(fs, lock, fd);
				throw explain(error, path.dirname(file), 'folder');
			}
		}
		removeIfStale(fs, lock);
		if (Date.now() > deadline) {
			throw new ProgressStoreError(
				`Another registry-lab kept the progress file locked for more than ${Math.round(lockWaitMs / 1000)} s (${lock}).`,
				'another registry-lab is saving at the same time',
				'ELOCKED',
			);
		}
		Atomics.wait(sleeper, 0, 0, pause);
	}
	try {
		return work();
	} finally {
		try {
			if (readText(fs, lock) === token) fs.unlinkSync(lock);
		} catch {
			// Gone already: a stale-lock check elsewhere took it, which only happens past staleLockMs.
		}
	}
}

/** A lock we made but could not fill in (a full disk) is taken away again, so it never blocks the next save. */
function dropLock(fs: StoreFs, lock: string, fd: number): void {
	try {
		fs.closeSync(fd);
	} catch {
		// Closed already.
	}
	try {
		fs.unlinkSync(lock);
	} catch {
		// Nothing to take away.
	}
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function removeIfStale(fs: StoreFs, lock: string): void {
	try {
		const text = readText(fs, lock);
		const pid = Number(text.split(' ')[0]);
		const age = Date.now() - fs.statSync(lock).mtimeMs;
		// A lock just being written is empty for a moment: only age makes it stale.
		const dead = Number.isInteger(pid) && pid > 0 && !isAlive(pid);
		if (!dead && age < staleLockMs) return;
		// Read once more: only the lock judged stale goes, never a fresh one another lab has just made.
		if (readText(fs, lock) === text) fs.unlinkSync(lock);
	} catch {
		// Gone meanwhile: the next try takes it.
	}
}

function readText(fs: StoreFs, file: string): string {
	return fs.readFileSync(file, 'utf8');
}

function explain(error: unknown, where: string, what: 'file' | 'folder'): ProgressStoreError {
	if (error instanceof ProgressStoreError) return error;
	const code = (error as NodeJS.ErrnoException).code;
	const the = what === 'folder' ? `the folder ${where}` : where;
	switch (code) {
		case 'ENOTDIR':
		case 'EEXIST':
			return new ProgressStoreError(
				`Your progress cannot be kept in ${where}: part of that path is a file, not a folder (check REGISTRY_LAB_HOME).`,
				'its folder is a file',
				code,
			);
		case 'EACCES':
		case 'EPERM':
			return new ProgressStoreError(`You are not allowed to read or write ${the}, where your progress is kept.`, 'permission denied', code);
		case 'EROFS':
			return new ProgressStoreError(`Your progress cannot be saved: ${the} is on a read-only file system.`, 'the file system is read-only', code);
		case 'ENOSPC':
		case 'EDQUOT':
			return new ProgressStoreError(`Your progress cannot be saved in ${the}: the disk is full.`, 'the disk is full', code);
		case 'ELOOP':
			return new ProgressStoreError(
				`The progress file ${where} is a symbolic link, which registry-lab does not follow: remove the link and start again.`,
				'the progress file is a symbolic link',
				code,
			);
		default: {
			const text = error instanceof Error ? error.message : String(error);
			return new ProgressStoreError(`Your progress file ${where} could not be used (${text}).`, text, code);
		}
	}
}

/**
 * The saved form of a lesson run: where it got to, and the variables the driver chose to keep (never a
 * secret: see src/driver/save-progress.ts). Variables past the bounds are left out rather than refusing the save.
 */
export function progressFrom(run: {
	registry: string;
	registryKind: RegistryKind;
	vars: Readonly<Record<string, string>>;
	completed: readonly string[];
	stats: LessonProgress['stats'];
	stepId: string;
	finished: boolean;
	passedAt?: Readonly<Record<string, string>>;
}): LessonProgress {
	const kept = Object.entries(run.vars)
		.filter(([name, value]) => varName.test(name) && value.length > 0 && value.length <= maxSavedValue)
		.slice(0, maxSavedVars);
	return lessonProgressSchema.parse({
		registry: run.registry,
		registryKind: run.registryKind,
		vars: Object.fromEntries(kept),
		stepId: run.stepId,
		completed: [...run.completed],
		finished: run.finished,
		stats: run.stats,
		updatedAt: new Date().toISOString(),
		...(run.passedAt && Object.keys(run.passedAt).length > 0 ? {passedAt: {...run.passedAt}} : {}),
	});
}
