import {existsSync, renameSync} from 'node:fs';
import Conf from 'conf';
import {z} from 'zod';

/** What is kept of one lesson: choices and proof, never a password or token. */
export const lessonProgressSchema = z.object({
	registry: z.string(),
	registryKind: z.enum(['hub', 'class', 'practice']),
	username: z.string().optional(),
	image: z.string().optional(),
	target: z.string().optional(),
	digest: z.string().optional(),
	pullRef: z.string().optional(),
	stepId: z.string(),
	completed: z.array(z.string()),
	finished: z.boolean().default(false),
	stats: z.record(z.string(), z.object({attempts: z.number().int().nonnegative(), hints: z.number().int().nonnegative()})).default({}),
	updatedAt: z.string(),
});
export type LessonProgress = z.infer<typeof lessonProgressSchema>;

const fileSchema = z.object({version: z.literal(1), lessons: z.record(z.string(), lessonProgressSchema)});
type ProgressFile = z.infer<typeof fileSchema>;

/** The variables that may be saved; everything else (passwords above all) stays in memory. */
export const savedVariables = ['registry', 'registryKind', 'username', 'image', 'target', 'digest', 'pullRef'] as const;

export type ProgressStore = {
	readonly path: string;
	/** Set when the file could not be read and was moved aside. */
	readonly notice?: string;
	get(lessonId: string): LessonProgress | undefined;
	all(): Readonly<Record<string, LessonProgress>>;
	save(lessonId: string, progress: LessonProgress): void;
	clear(lessonId?: string): void;
};

export type StoreOptions = {
	/** Folder of the progress file; default: the user's config folder (REGISTRY_LAB_HOME overrides). */
	readonly cwd?: string;
};

export function openProgressStore(options: StoreOptions = {}): ProgressStore {
	const cwd = options.cwd ?? process.env.REGISTRY_LAB_HOME;
	let unreadable: string | undefined;
	const make = () =>
		new Conf<ProgressFile>({
			projectName: 'registry-lab',
			projectSuffix: '',
			configName: 'progress',
			...(cwd ? {cwd} : {}),
			// Never let a broken file throw or be wiped: note it, and it is moved aside below.
			deserialize(text) {
				try {
					return JSON.parse(text) as ProgressFile;
				} catch (error) {
					unreadable = `not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
					return {version: 1, lessons: {}};
				}
			},
		});
	let conf = make();
	const checked = fileSchema.safeParse(conf.store);
	if (!checked.success && Object.keys(conf.store).length > 0) unreadable ??= `unexpected contents at ${checked.error.issues[0]?.path.join('.') || 'the top'}`;
	let notice: string | undefined;
	if (unreadable) {
		const aside = `${conf.path}.unreadable-${new Date().toISOString().replaceAll(':', '-')}`;
		if (existsSync(conf.path)) renameSync(conf.path, aside);
		notice = `Your saved progress could not be read (${unreadable}); it was moved to ${aside} and you start afresh.`;
		conf = make();
	}
	const lessons = (): ProgressFile['lessons'] => conf.store.lessons ?? {};
	return {
		path: conf.path,
		...(notice ? {notice} : {}),
		get: lessonId => lessons()[lessonId],
		all: () => lessons(),
		save(lessonId, progress) {
			conf.set({version: 1, lessons: {...lessons(), [lessonId]: lessonProgressSchema.parse(progress)}});
		},
		clear(lessonId) {
			const rest = Object.fromEntries(Object.entries(lessons()).filter(([id]) => id !== lessonId));
			conf.set({version: 1, lessons: lessonId === undefined ? {} : rest});
		},
	};
}

/** The saved form of a lesson run: only allow-listed variables, plus where it got to. */
export function progressFrom(run: {
	vars: Readonly<Record<string, string>>;
	completed: readonly string[];
	stats: LessonProgress['stats'];
	stepId: string;
	finished: boolean;
}): LessonProgress {
	const kept: Record<string, string> = {};
	for (const name of savedVariables) {
		const value = run.vars[name];
		if (value) kept[name] = value;
	}
	return lessonProgressSchema.parse({
		...kept,
		stepId: run.stepId,
		completed: [...run.completed],
		finished: run.finished,
		stats: run.stats,
		updatedAt: new Date().toISOString(),
	});
}
