import {fill} from '../lesson/template.js';
import {asksSecretAgain, checkDid, currentStep, editableAnswers, type RunState} from './lesson-run.js';

/**
 * What the student may do at a moment of the lesson. The one list both faces make their keys,
 * key hints and prompts from (docs/ARCHITECTURE.md, "Actions"), so they cannot disagree.
 *
 * - answer: answer the question the step asks (an input)
 * - run: run the step's command for the student (or check, or continue, on a step without one)
 * - type: switch between typing the command yourself and having it run for you
 * - typed: run a command line the student typed (checked against the step before anything runs)
 * - hint: the next hint for the typed command
 * - check: only check (the student ran the command in a terminal of their own)
 * - edit: change the step's answers, and the earlier answers it uses
 * - retry: try the step again after a failure or a stop (after a wrong password: type it again)
 * - take: take the answer a failed check found instead ("use 'alice'": docker is logged in as alice)
 * - skip: go on without a check that could not be made, where a later step proves the same (the step stays unchecked)
 * - did: show (or hide) what the check did: the read-only command or request, and what came back
 * - next: go on to the next step
 * - open-link: open the step's link in a browser
 * - stop: stop the command that is running
 * - quit: leave the lesson
 */
export const actionNames = [
	'answer',
	'run',
	'type',
	'typed',
	'hint',
	'check',
	'edit',
	'retry',
	'take',
	'skip',
	'did',
	'next',
	'open-link',
	'stop',
	'quit',
] as const;
export type ActionName = (typeof actionNames)[number];

export type AvailableAction = {
	readonly name: ActionName;
	/** What it does, in the student's words ("run it", "change my answers"). */
	readonly label: string;
};

/** Everything the student may do now, in the order faces offer it. */
export function availableActions(state: RunState): AvailableAction[] {
	const step = currentStep(state);
	if (!step || state.phase.name === 'finished') return [];
	const hasLink = Boolean(step.link && fill(step.link.url, state.vars));
	const open: AvailableAction[] = hasLink ? [{name: 'open-link', label: 'open the link in your browser'}] : [];
	const edit: AvailableAction[] = editableAnswers(state, state.index).length > 0 ? [{name: 'edit', label: 'change my answers'}] : [];
	const quit: AvailableAction = {name: 'quit', label: 'quit'};
	const did: AvailableAction[] = checkDid(state.phase) ? [{name: 'did', label: state.showDid ? 'hide what the check did' : 'what the check did'}] : [];
	switch (state.phase.name) {
		case 'input':
			return [{name: 'answer', label: 'confirm'}, quit];
		case 'ready': {
			if (step.command && state.typing) {
				return [
					{name: 'typed', label: 'run what you typed'},
					{name: 'hint', label: 'a hint'},
					{name: 'type', label: 'run it for me'},
					...(step.check ? [{name: 'check', label: 'check only'} as const] : []),
					...edit,
					...open,
					quit,
				];
			}
			const run: AvailableAction = {name: 'run', label: step.command ? 'run it' : step.check ? 'check' : 'continue'};
			const type: AvailableAction[] = step.command ? [{name: 'type', label: 'type it myself'}] : [];
			const self: AvailableAction[] = step.command && step.check ? [{name: 'check', label: 'I ran it in my own terminal — check now'}] : [];
			return [run, ...type, ...self, ...edit, ...open, quit];
		}
		case 'running':
			return [{name: 'stop', label: 'stop the command'}, quit];
		case 'before':
		case 'checking':
			return [quit];
		case 'passed':
			return [{name: 'next', label: 'next step'}, ...did, ...open, quit];
		case 'failed': {
			const {failure} = state.phase;
			const retry: AvailableAction = {name: 'retry', label: asksSecretAgain(step, failure) ? 'try again (type the password again)' : 'try again'};
			const take: AvailableAction[] = failure.take ? [{name: 'take', label: `use '${failure.take.value}'`}] : [];
			const skip: AvailableAction[] = failure.couldNotCheck && failure.mayGoOn ? [{name: 'skip', label: 'go on without this check'}] : [];
			return [retry, ...(step.check ? [{name: 'check', label: 'check again now'} as const] : []), ...take, ...skip, ...did, ...edit, ...open, quit];
		}
		case 'canceled':
			return [{name: 'retry', label: 'try again'}, ...(step.check ? [{name: 'check', label: 'check only'} as const] : []), ...edit, ...open, quit];
	}
}

/** Whether the student may do this now. */
export function canDo(state: RunState, name: ActionName): boolean {
	return availableActions(state).some(action => action.name === name);
}
