/**
 * What the class view is made from, read from the class folder: the class, its students (usernames
 * only: accounts.csv's passwords are dropped as it is read), the lesson's steps, the event log read
 * as it grows, and the catalog scan. `class status`, `class export` and `class dashboard` share it.
 */
import {findLesson, lessonProblem} from '../lesson/find.js';
import {stepsFor} from '../lesson/steps.js';
import {joinLine, readAccounts, readClassConfig, classPath} from './class-config-file.js';
import {createLogReader} from './class-log-read.js';
import {scanClass} from './class-scan.js';
import {createRegistryLogReader, type LoginFailure} from './registry-log-read.js';
import {classFiles, type ClassConfig, type ClassRecord} from './class-types.js';
import {classView, type ClassView, type ScannedImage, type ViewStep} from './class-view.js';

export type OpenedClass = {
	readonly dir: string;
	readonly config: ClassConfig;
	readonly students: readonly string[];
	readonly steps: readonly ViewStep[];
};

/** The class folder's class, students and steps; a problem says what is wrong and what to do. */
export async function openClass(dir: string): Promise<{ok: true; value: OpenedClass} | {ok: false; problem: string}> {
	const config = await readClassConfig(dir);
	if (!config.ok) return config;
	const accounts = await readAccounts(dir);
	if (!accounts.ok) return accounts;
	const found = await findLesson(config.value.lesson);
	if (!found.ok) return {ok: false, problem: `class.json names the lesson '${config.value.lesson}': ${lessonProblem(found)}`};
	const steps = stepsFor(found.lesson, config.value.kind === 'registry' ? 'class' : 'hub').map(step => ({
		id: step.id,
		title: step.title,
		...(step.command?.args[0] === 'login' ? {login: true} : {}),
	}));
	return {ok: true, value: {dir, config: config.value, students: accounts.value.map(account => account.username), steps}};
}

/** Where students reach the class registry, and the line they type to join. */
export function classAddresses(config: ClassConfig): {registry: string; joinLine: string} {
	return {
		registry: config.kind === 'registry' ? `${config.address}:${config.port}` : 'docker.io',
		joinLine: joinLine(config),
	};
}

export type ScanState = {readonly images?: readonly ScannedImage[]; readonly problem?: string; readonly partial?: boolean};

/** The class as it is read so far: read() takes what the log gained, rescan() the catalog; view(now) folds it. */
export type ClassFeed = {
	read(): Promise<{changed: boolean; problem?: string}>;
	rescan(): Promise<ScanState>;
	view(now: number): ClassView;
	readonly scan: ScanState;
	readonly skipped: number;
};

export function createClassFeed(opened: OpenedClass, stuckMinutes: number): ClassFeed {
	const reader = createLogReader(classPath(opened.dir, classFiles.events));
	const registryLog = createRegistryLogReader(classPath(opened.dir, classFiles.registryLog));
	const records: ClassRecord[] = [];
	const loginFailures: LoginFailure[] = [];
	let scan: ScanState = {};
	let skipped = 0;
	return {
		get scan() {
			return scan;
		},
		get skipped() {
			return skipped;
		},
		async read() {
			const [read, refused] = await Promise.all([reader.read(), registryLog.read()]);
			records.push(...read.records);
			loginFailures.push(...refused);
			skipped += read.skipped;
			return {changed: read.records.length > 0 || refused.length > 0, ...(read.problem ? {problem: read.problem} : {})};
		},
		async rescan() {
			if (opened.config.kind !== 'registry') return scan;
			const result = await scanClass(opened.config);
			// A failed scan keeps what the last one found.
			scan = result.ok ? {images: result.images, partial: result.partial} : {...(scan.images ? {images: scan.images} : {}), problem: result.problem};
			return scan;
		},
		view(now) {
			return classView({
				students: opened.students,
				steps: opened.steps,
				records,
				loginFailures,
				...(scan.images ? {scan: scan.images} : {}),
				now,
				stuckMinutes,
			});
		},
	};
}

/** The class once: the whole log and a catalog scan, folded at `now`. */
export async function classSnapshot(
	opened: OpenedClass,
	stuckMinutes: number,
	now: number = Date.now(),
): Promise<{view: ClassView; scan: ScanState; skipped: number; problem?: string}> {
	const feed = createClassFeed(opened, stuckMinutes);
	const [read, scan] = await Promise.all([feed.read(), feed.rescan()]);
	return {view: feed.view(now), scan, skipped: feed.skipped, ...(read.problem ? {problem: read.problem} : {})};
}

export const maxStuckMinutes = 24 * 60;

/** `--stuck MIN`: whole minutes, 1 to a day; a problem in words otherwise. */
export function stuckOption(value: string | undefined, fallback: number): {ok: true; minutes: number} | {ok: false; problem: string} {
	if (value === undefined) return {ok: true, minutes: fallback};
	if (!/^\d{1,4}$/.test(value.trim()) || Number(value) < 1 || Number(value) > maxStuckMinutes) {
		return {ok: false, problem: `--stuck must be whole minutes from 1 to ${maxStuckMinutes}, not '${value}'.`};
	}
	return {ok: true, minutes: Number(value)};
}
