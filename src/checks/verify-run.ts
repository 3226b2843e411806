import {checkStatus, type CheckResult, type CheckStatus} from '../lesson/results.js';
import {stepApplies} from '../lesson/steps.js';
import type {Check, Lesson, RegistryKind, Step} from '../lesson/schema.js';
import {fill, fillDeep, variablesInDeep, type Vars} from '../lesson/template.js';
import {didLines} from '../text/check-did.js';
import {oneLineHint} from '../text/what-to-do.js';

/** One step's answer, as `registry-lab verify` prints it. */
export type VerifiedStep = {
	readonly id: string;
	readonly title: string;
	/** pass, fail, or unknown: the check could not be made (the registry out of reach, too slow, too busy). */
	readonly status: CheckStatus;
	/** Kept for older readers: true only for a pass. */
	readonly ok: boolean;
	/** With status unknown (kept for older readers). Neither a pass nor the student's mistake. */
	readonly couldNotCheck?: boolean;
	readonly summary: string;
	readonly detail?: string;
	/** A cause id from src/container/diagnose.ts, when the check diagnosed one. */
	readonly cause?: string;
	/** What to do about a failure. */
	readonly hint?: string;
	/** What the check did: the read-only command or the request, and what came back (never a credential). */
	readonly did?: string;
};

export type VerifyReport = {
	readonly lesson: string;
	readonly registry: string;
	readonly ok: boolean;
	readonly steps: readonly VerifiedStep[];
};

export type VerifyOptions = {
	readonly lesson: Lesson;
	readonly registryKind: RegistryKind;
	/** host[:port] or 'docker.io'. */
	readonly registry: string;
	/** The lab's built-in variables and the saved ones. */
	readonly vars: Vars;
	readonly runCheck: (check: Check) => Promise<CheckResult>;
	/**
	 * Set when the registry is known to be gone (a practice registry after its lesson): the registry's
	 * own checks fail with this instead of a network error.
	 */
	readonly registryGone?: {readonly summary: string; readonly hint: string};
};

/** Checks that ask the registry itself; the rest look at this computer. */
const registryChecks: ReadonlySet<Check['type']> = new Set(['manifest', 'tags']);

/**
 * Run the check of every step that applies to this kind of registry, in order, against the real
 * state of the machine and the registry. A step whose variables were never saved is "not done yet".
 */
export async function verifyProgress(options: VerifyOptions): Promise<VerifyReport> {
	const {lesson, registryKind, registry, registryGone} = options;
	let vars = options.vars;
	const steps: VerifiedStep[] = [];
	for (const step of lesson.steps) {
		if (!stepApplies(step, registryKind) || !step.check) continue;
		const title = fill(step.title, vars);
		const missing = missingVariables(step.check, vars);
		if (missing.length > 0) {
			steps.push({
				id: step.id,
				title,
				status: 'fail',
				ok: false,
				summary: 'Not done yet.',
				detail: `Nothing was saved for ${missing.map(name => `{${name}}`).join(', ')}.`,
				hint: `Do this step in registry-lab first (registry-lab --lesson ${lesson.id}).`,
			});
			continue;
		}
		const check = fillDeep(step.check, vars);
		if (registryGone && registryChecks.has(check.type)) {
			steps.push({id: step.id, title, status: 'fail', ok: false, summary: registryGone.summary, hint: registryGone.hint});
			continue;
		}
		const result = await options.runCheck(check);
		steps.push(verifiedStep(step, title, result, vars));
		if (result.ok && result.facts) vars = {...vars, ...result.facts};
	}
	return {lesson: lesson.id, registry, ok: steps.every(step => step.ok), steps};
}

function verifiedStep(step: Step, title: string, result: CheckResult, vars: Vars): VerifiedStep {
	let summary = result.summary;
	// The registry's digest is the proof: say so when it no longer matches the one saved at the push.
	const saved = vars.digest;
	const now = result.facts?.digest;
	if (result.ok && saved && now && saved !== now) {
		summary = `${summary}\nThis is not the digest saved when you pushed (${saved}): the tag was pushed again since.`;
	}
	const status = checkStatus(result);
	const hint = result.ok ? undefined : (result.diagnosis?.hint ?? firstLine(result.detail) ?? 'Go back to this step in registry-lab and check it again.');
	return {
		id: step.id,
		title,
		status,
		// A check that could not be made is not a pass, even where a later step proves the same thing.
		ok: status === 'pass',
		...(status === 'unknown' ? {couldNotCheck: true} : {}),
		summary,
		...(result.detail ? {detail: result.detail} : {}),
		...(!result.ok && result.diagnosis ? {cause: result.diagnosis.cause} : {}),
		...(hint ? {hint} : {}),
		...(result.did ? {did: result.did} : {}),
	};
}

function missingVariables(check: Check, vars: Vars): string[] {
	return [...new Set(variablesInDeep(check))].filter(name => !vars[name]);
}

function firstLine(text: string | undefined): string | undefined {
	return text
		?.split('\n')
		.find(line => line.trim().length > 0)
		?.trim();
}

/**
 * One line per step, for people: `✔ pass  Title: summary`, `✘ fail  Title: summary — hint`, or `? could not check  Title:
 * summary — hint`; with `verbose`, what the check did under it (`    checked: …`, a line each).
 */
export function verifyLine(step: VerifiedStep, verbose = false): string {
	const summary = step.summary
		.split('\n')
		.map(line => line.trim())
		.filter(Boolean)
		.join(' · ');
	const hint = step.hint ? ` — ${oneLineHint(step.hint)}` : '';
	const line =
		step.status === 'unknown'
			? `? could not check  ${step.title}: ${summary}${hint}`
			: step.status === 'pass'
				? `✔ pass  ${step.title}: ${summary}`
				: `✘ fail  ${step.title}: ${summary}${hint}`;
	if (!verbose || !step.did) return line;
	return [line, ...didLines(step.did).map(did => `    ${did}`)].join('\n');
}

/** The verdict under verify's lines: every step passes, or how many fail and how many could not be checked, said apart. */
export function verifyVerdict(steps: readonly VerifiedStep[]): string {
	if (steps.length === 0) return 'This lesson has no steps to check.';
	const failed = steps.filter(step => step.status === 'fail').length;
	const unknown = steps.filter(step => step.status === 'unknown').length;
	if (failed === 0 && unknown === 0) return `All ${steps.length} steps pass.`;
	const fails = failed > 0 ? `${failed} of ${steps.length} steps fail` : '';
	if (unknown === 0) return `${fails}.`;
	const unchecked = `could not check ${unknown}${fails ? '' : ` of ${steps.length} steps`} (not a fail: run verify again later)`;
	return fails ? `${fails}; ${unchecked}.` : `C${unchecked.slice(1)}.`;
}
