/**
 * A class's reports (`registry-lab --class HOST:PORT`), as a LabObserver: after each step's outcome a
 * report `{lesson, step, outcome, cause?}` joins the sender's queue; never what a command printed,
 * never an answer. The first post earns the class's report token with Basic credentials: in a class
 * registry, the login step's username and password when it passes; in a Docker Hub class, the Docker
 * Hub username when the step that asks it passes, with the join code asked at the start (in memory
 * only). See docs/ARCHITECTURE.md.
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
	readonly connect: (hooks: {readonly onUnreachable: () => void; readonly onRefused: (what: 'credentials' | 'token') => void}) => ReportSender;
	/**
	 * What the first report goes with. 'login' (a class registry): the login step's username and password,
	 * the student's class account. 'join-code' (a Docker Hub class, whose password is the student's own,
	 * never the class's): the Docker Hub username, with the join code handed to `joinCode`.
	 */
	readonly firstReport: 'login' | 'join-code';
	/** How long the end of the run waits for what is left to be sent. */
	readonly finishMs?: number;
};

/** The observer, and where a Docker Hub class's join code goes once the start-up has asked it. */
export type ClassReports = LabObserver & {joinCode(code: string): void};

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

/** A Docker Hub class: the first report was refused (said once; the lesson goes on). */
export function joinCodeRefusedNotice(username: string): string {
	return (
		`The class did not accept your join code with the Docker Hub username ${username}: they do not match the class's list, ` +
		'so your instructor will not see your steps. The lesson goes on; check the slip from your instructor with them.'
	);
}

/** A Docker Hub class's run whose kept token the class no longer takes: the join code is asked again at the next start. */
export function joinAgainNotice(): string {
	return 'Your instructor will not see the steps of this run: the class no longer knows it. Start the lab again with --class to type your join code.';
}

/** The step that asks the student's Docker Hub username: its input is validated as a Docker Hub username (from the lesson, not a fixed id). */
export function hubUsernameInput(step: Step | undefined): string | undefined {
	return step?.inputs.find(input => input.validate === 'hub-username')?.id;
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

export function classReports(options: ClassReportsOptions): ClassReports {
	let say: ((text: string, tone?: 'note' | 'warning') => void) | undefined;
	// The listener may fail before the lesson is on screen: then it is said as the lesson comes.
	let unreachableOwed = false;
	const hubClass = options.firstReport === 'join-code';
	let joinCode: string | undefined;
	let hubUsername: string | undefined;
	let toldWaiting = false;
	let loginDone = false;
	const sender = options.connect({
		onUnreachable() {
			if (say) say(unreachableNotice(options.address), 'warning');
			else unreachableOwed = true;
		},
		onRefused(what) {
			if (!hubClass || what !== 'credentials' || toldWaiting) return;
			toldWaiting = true;
			say?.(joinCodeRefusedNotice(hubUsername ?? ''), 'warning');
		},
	});
	/** The step that earns the token passed (or had passed in a resumed run): its credentials go to the sender. */
	const firstStepPassed = (step: Step, state: RunState): void => {
		loginDone = true;
		if (!hubClass) {
			const credentials = loginCredentials(step, state.vars);
			if (credentials) sender.loginPassed(credentials);
			return;
		}
		const input = hubUsernameInput(step);
		hubUsername = (input ? state.vars[input] : undefined) ?? state.vars.username;
		if (hubUsername && joinCode) sender.loginPassed({username: hubUsername, password: joinCode});
	};
	const earnsToken = (step: Step | undefined): boolean => (hubClass ? hubUsernameInput(step) !== undefined : isLoginStep(step));
	return {
		notice: sharingNotice(options.className, options.address),
		joinCode(code) {
			joinCode = code;
		},
		started(sayLine, state) {
			say = sayLine;
			if (unreachableOwed) sayLine(unreachableNotice(options.address), 'warning');
			const done = state.steps.find(step => earnsToken(step) && state.completed.includes(step.id));
			// A resumed Docker Hub class run past its username step: the join code goes with the first report at once.
			if (done && hubClass) firstStepPassed(done, state);
			else loginDone = Boolean(done);
		},
		changed(state, previous) {
			for (const {step, outcome, cause} of outcomesOf(state, previous)) {
				sender.add({lesson: state.lesson.id, step: step.id, outcome, ...(cause ? {cause} : {})});
				if (outcome === 'pass' && earnsToken(step)) firstStepPassed(step, state);
				else if (loginDone && !sender.authorized && !toldWaiting) {
					// A resumed run without its token (or one the listener refused): kept until the next login.
					toldWaiting = true;
					say?.(hubClass ? joinAgainNotice() : waitingForLoginNotice(), 'warning');
				}
			}
		},
		ended: () => sender.finish(options.finishMs ?? 2000),
	};
}
