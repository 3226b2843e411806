/**
 * The completion code of a verified run (src/checks/completion-code.ts): made from what the checks proved, never from
 * a lesson's variable names. The pushed reference and digest come from the lesson's last `manifest` check, the pulled
 * image from its `classmate-image` check, the time from when that step first passed (the saved run's passedAt).
 */
import type {CheckResult} from '../lesson/results.js';
import type {Check, Lesson, RegistryKind} from '../lesson/schema.js';
import {stepsFor} from '../lesson/steps.js';
import {encodeCompletionCode, type ClaimInput} from './completion-code.js';
import type {VerifyReport} from './verify-run.js';

export type CheckedOnce = {readonly check: Check; readonly result: CheckResult};

/** A runCheck that remembers each check it ran (filled in) and what it answered, in order. */
export function recordChecks(runCheck: (check: Check) => Promise<CheckResult>): {
	readonly run: (check: Check) => Promise<CheckResult>;
	readonly results: readonly CheckedOnce[];
} {
	const results: CheckedOnce[] = [];
	return {
		results,
		async run(check) {
			const result = await runCheck(check);
			results.push({check, result});
			return result;
		},
	};
}

export type Completion = {
	/** Lines for people, after the verdict (none when the run does not pass or the lesson gives no code). */
	readonly lines: readonly string[];
	/** For --json. */
	readonly json: {readonly completionCode?: string};
};

export const practiceNoCode =
	'No completion code for a practice run: the practice registry stopped when the lesson ended, and what you pushed went with it, ' +
	'so no one could check a code. Do the lesson on your class registry or Docker Hub to get one.';

/** The code of a run whose every step passes, on a class registry or Docker Hub; a practice run is told why it gets none. */
export function completionOf(options: {
	readonly lesson: Lesson;
	readonly registryKind: RegistryKind;
	readonly registry: string;
	readonly report: VerifyReport;
	readonly checks: readonly CheckedOnce[];
	readonly passedAt?: Readonly<Record<string, string>>;
}): Completion {
	const none: Completion = {lines: [], json: {}};
	const {report, checks} = options;
	if (!report.ok || report.steps.length === 0) return none;
	const passed = (type: Check['type']): CheckedOnce | undefined => checks.filter(entry => entry.check.type === type && entry.result.ok).at(-1);
	const pushed = passed('manifest');
	const digest = pushed?.result.facts?.digest;
	if (!pushed || !digest || pushed.check.type !== 'manifest') return none;
	if (options.registryKind === 'practice') return {lines: ['', practiceNoCode], json: {}};
	const pulled = passed('classmate-image');
	const pullStep = stepsFor(options.lesson, options.registryKind)
		.filter(step => step.check?.type === 'classmate-image')
		.at(-1);
	const pulledAt = pullStep ? options.passedAt?.[pullStep.id] : undefined;
	const claim: ClaimInput = {
		lesson: options.lesson.id,
		registry: options.registry,
		pushed: pushed.check.reference,
		digest,
		...(pulled?.check.type === 'classmate-image' ? {pulled: pulled.check.reference} : {}),
		...(pulled && pulledAt ? {pulledAt} : {}),
	};
	let code: string;
	try {
		code = encodeCompletionCode(claim);
	} catch (error) {
		return {lines: ['', `No completion code: ${error instanceof Error ? error.message : String(error)}`], json: {}};
	}
	const pull = claim.pulled ? ` and pulled ${claim.pulled}${claim.pulledAt ? ` (${claim.pulledAt.slice(0, 16).replace('T', ' ')} UTC)` : ''}` : '';
	return {
		lines: [
			'',
			'Your completion code (copy it into the form your instructor gave you):',
			`  ${code}`,
			`It says you pushed ${claim.pushed} (${digest.slice(0, 'sha256:'.length + 12)})${pull}; your instructor checks it against the registry.`,
		],
		json: {completionCode: code},
	};
}
