/**
 * A class's reports (`registry-lab --class HOST:PORT`), as a LabObserver: after each step's outcome a
 * report `{lesson, step, outcome, cause?}` joins the sender's queue; never what a command printed,
 * never an answer. When the login step passes, its username and password go to the sender for the
 * one post that earns the class's report token. See docs/ARCHITECTURE.md.
 */
import type {ReportOutcome} from '../class/class-types.js';
import type {ReportSender} from '../class/class-client.js';
import type {Step} from '../lesson/schema.js';
import {fill} from '../lesson/template.js';
import type {RunState} from '../lesson-run/lesson-run.js';
import type {LabObserver} from './run-lab.js';

export type ClassReportsOptions = {
	/** The class's name and the listener's address, for the notice. */
	readonly className: string;
	readonly address: string;
	/** Makes the sender, with what it tells the student through the lab. */
	readonly connect: (hooks: {readonly onUnreachable: () => void}) => ReportSender;
	/**
	 * Whether the login step's username and password earn the report token (a class registry: they are the
	 * student's class account). Never for Docker Hub, whose password is the student's own, not the class's.
	 */
	readonly loginCredentials: boolean;
	/** How long the end of the run waits for what is left to be sent. */
	readonly finishMs?: number;
};

/** What the start screen says of a class: once, before the student does anything. */
export function sharingNotice(className: string, address: string): string {
	return (
		`Your steps and their results are shared with your instructor (class ${className} at ${address}): ` +
		'which step you are on and whether it passed — never your password or what the commands printed.'
	);
}

export function unreachableNotice(address: string): string {
	return `The class listener at ${address} cannot be reached; your steps are kept and sent when it answers.`;
}

export function waitingForLoginNotice(): string {
	return 'Your instructor will not see your steps until your next login in the lesson passes: they are kept until then.';
}

/** The lesson's login step: the one whose command is `login` (from the lesson, not a fixed id). */
export function isLoginStep(step: Step | undefined): boolean {
	return step?.command?.args[0] === 'login';
}

/** The username and password a passed login step used: the value after --username, and the step's secret answer. */
export function loginCredentials(step: Step, vars: Readonly<Record<string, string>>): {username: string; password: string} | undefined {
	const args = step.command?.args ?? [];
	const at = args.indexOf('--username');
	const username = at >= 0 && args[at + 1] !== undefined ? fill(args[at + 1]!, vars) : vars.username;
	const secret = step.inputs.find(input => input.kind === 'secret');
	const password = secret ? vars[secret.id] : undefined;
	return username && password ? {username, password} : undefined;
}

/** The outcomes a change of the run makes: a step passed, failed, or could not be checked. */
export function outcomesOf(state: RunState, previous: RunState): {step: Step; outcome: ReportOutcome; cause?: string}[] {
	const found: {step: Step; outcome: ReportOutcome; cause?: string}[] = [];
	const here = previous.steps[previous.index];
	const {phase} = state;
	if (phase.name === 'passed' && previous.phase.name !== 'passed') {
		const step = state.steps[state.index];
		if (step) found.push({step, outcome: 'pass'});
	} else if (phase.name === 'failed' && previous.phase !== phase) {
		const step = state.steps[state.index];
		const {failure} = phase;
		const cause = failure.diagnosis?.cause;
		if (step) found.push({step, outcome: failure.couldNotCheck ? 'unknown' : 'fail', ...(cause ? {cause} : {})});
	} else if (state.index !== previous.index && previous.phase.name === 'ready' && here && !here.command && !here.check && state.completed.includes(here.id)) {
		// A step with nothing to run or check passes as it is left.
		found.push({step: here, outcome: 'pass'});
	}
	return found;
}

export function classReports(options: ClassReportsOptions): LabObserver {
	let say: ((text: string, tone?: 'note' | 'warning') => void) | undefined;
	// The listener may fail before the lesson is on screen: then it is said as the lesson comes.
	let unreachableOwed = false;
	const sender = options.connect({
		onUnreachable() {
			if (say) say(unreachableNotice(options.address), 'warning');
			else unreachableOwed = true;
		},
	});
	let toldWaiting = false;
	let loginDone = false;
	return {
		notice: sharingNotice(options.className, options.address),
		started(sayLine, state) {
			say = sayLine;
			if (unreachableOwed) sayLine(unreachableNotice(options.address), 'warning');
			loginDone = state.steps.some(step => isLoginStep(step) && state.completed.includes(step.id));
		},
		changed(state, previous) {
			for (const {step, outcome, cause} of outcomesOf(state, previous)) {
				sender.add({lesson: state.lesson.id, step: step.id, outcome, ...(cause ? {cause} : {})});
				if (outcome === 'pass' && isLoginStep(step)) {
					loginDone = true;
					const credentials = options.loginCredentials ? loginCredentials(step, state.vars) : undefined;
					if (credentials) sender.loginPassed(credentials);
				} else if (loginDone && !sender.authorized && !toldWaiting) {
					// A resumed run without its token (or one the listener refused): kept until the next login.
					toldWaiting = true;
					say?.(waitingForLoginNotice(), 'warning');
				}
			}
		},
		ended: () => sender.finish(options.finishMs ?? 2000),
	};
}
