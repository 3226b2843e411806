/**
 * The last words of a lesson run, the same for both faces: plain mode prints them at its end, the
 * app once it is gone from the screen, so they stay in the terminal's scrollback. Pure text.
 */
import {fill} from '../lesson/template.js';
import type {RunState} from '../lesson-run/lesson-run.js';

/** How a lesson run ended, and what the command knows of where it was saved. */
export type RunEnd = {
	readonly finished: boolean;
	/** The run as it was last saved; undefined: it ended before its first step (nothing to say). */
	readonly state?: Pick<RunState, 'lesson' | 'registryKind' | 'steps' | 'vars' | 'completed' | 'skipped'>;
	/** The progress file, when something of this run was saved in it; undefined: nothing was saved. */
	readonly progressFile?: string;
	/** The command that resumes the lesson (default: registry-lab). */
	readonly resumeWith?: string;
	/** What the run made on this computer that `registry-lab cleanup` removes; undefined: nothing. */
	readonly made?: MadeHere;
};

/** What a run made on this computer: `loginStorage` says where the login it stored is kept (see text/login-storage.ts). */
export type MadeHere = {readonly loginStorage?: string};

/** What the run produced, as the done step lists it: the variables the progress file keeps as proof. */
const results = [
	['pushed', 'target'],
	['digest', 'digest'],
	['pulled', 'pullRef'],
] as const;

/** The lines to print once the run is over; none when it never started. */
export function endOfRun(end: RunEnd): string[] {
	const {state, progressFile} = end;
	if (!state) return [];
	const {vars} = state;
	const practice = state.registryKind === 'practice';
	if (!end.finished) {
		const left = 'You left the lesson before the end.';
		if (!progressFile) return [left, 'Nothing was saved, so next time it starts from the beginning.'];
		// A practice run is never resumed (its registry is gone), nor one that did no step yet.
		if (practice) return [left, `Progress saved in ${progressFile} (a practice lesson starts over: its registry is gone).`];
		if (state.completed.length === 0) return [left, 'No step was done yet, so next time it starts from the beginning.'];
		return [left, `Progress saved in ${progressFile} — run ${end.resumeWith ?? 'registry-lab'} again to resume.`];
	}
	const count = state.steps.length === 1 ? 'its one step' : `all ${state.steps.length} steps`;
	// A step gone past because its check could not be made is not counted as done: it is named, not checked.
	const unchecked = state.steps.filter(step => state.skipped?.includes(step.id));
	const lines = [`Lesson finished: you did ${count} of "${state.lesson.title}".`];
	if (unchecked.length > 0)
		lines[0] = `Lesson finished: ${state.steps.length - unchecked.length} of ${state.steps.length} steps of "${state.lesson.title}" checked.`;
	for (const step of unchecked) lines.push(`  ? not checked: ${fill(step.title, vars)} (its check could not be made; registry-lab verify checks it again)`);
	for (const [label, name] of results) {
		const value = vars[name];
		// Whose image was pulled, as the pull step's check found it.
		const whose = name === 'pullRef' && vars.classmate ? `  (${vars.classmate}'s image)` : '';
		if (value) lines.push(`  ${label}  ${value}${whose}`);
	}
	const loggedIn = state.steps.some(step => step.command?.args[0] === 'login' && state.completed.includes(step.id));
	if (practice) lines.push(logoutOfPractice);
	else if (loggedIn) lines.push('On a shared computer, log out so the next person cannot push as you:', `  ${logoutCommand(vars)}`);
	lines.push(...cleanupLines(end.made));
	if (progressFile) {
		// A practice registry is gone: `verify` would only find that out.
		lines.push(`Progress saved in ${progressFile}${practice ? '.' : '; registry-lab verify checks every step again.'}`);
	}
	return lines;
}

const madeWithLogin = 'its tags, the images it pulled, the login it stored';

/** Where the login is kept, plainly, and the one command that removes what the lesson made (a shared computer). */
function cleanupLines(made: MadeHere | undefined): string[] {
	if (!made) return [];
	return [
		...(made.loginStorage ? [`Your login is ${made.loginStorage}.`] : []),
		`To remove what this lesson made on this computer (${made.loginStorage ? madeWithLogin : 'its tags and the images it pulled'}), run:`,
		'  registry-lab cleanup',
	];
}

/** The lab stops the practice registry and logs the student out of it: there is nothing left for them to do. */
export const logoutOfPractice = 'The practice registry has stopped, and registry-lab logged you out of it.';

function logoutCommand(vars: Readonly<Record<string, string>>): string {
	const engine = vars.engine || 'docker';
	return vars.registryArg ? `${engine} logout ${vars.registryArg}` : `${engine} logout`;
}

/** What a face is told, for the last words, by the command that runs it (which owns the progress file). */
export type Ending = {
	/** The progress file, once something of this run was saved in it. */
	readonly progressFile: () => string | undefined;
	/** The command that resumes the lesson. */
	readonly resumeWith: string;
	/** What the run made on this computer, once it made something. */
	readonly made?: () => MadeHere | undefined;
};

/** The RunEnd of a face's run: how it ended, the run as last saved, and what the command said of saving. */
export function runEnd(outcome: {readonly finished: boolean}, state: RunEnd['state'], ending: Ending | undefined): RunEnd {
	const progressFile = ending?.progressFile();
	const made = ending?.made?.();
	return {
		...(made ? {made} : {}),
		finished: outcome.finished,
		...(state ? {state} : {}),
		...(progressFile ? {progressFile} : {}),
		...(ending ? {resumeWith: ending.resumeWith} : {}),
	};
}
